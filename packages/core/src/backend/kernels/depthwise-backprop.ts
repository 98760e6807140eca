/**
 * Depthwise convolution gradients, missing from the stock wasm backend. Direct loops: each output
 * element costs only KH*KW multiply-adds, so there is no GEMM to hand to XNNPACK. NHWC; the
 * filter is [KH, KW, C, M] and output channel c*M+m reads input channel c.
 */
import {
  backend_util, DepthwiseConv2dNativeBackpropFilter, DepthwiseConv2dNativeBackpropInput,
  type KernelConfig, type KernelFunc, type TensorInfo,
} from '@tensorflow/tfjs-core';
import { alloc, f32, type WasmBackend } from '../heap.js';

type Args = Parameters<KernelFunc>[0];
interface DwAttrs {
  strides: [number, number] | number; dilations: [number, number] | number;
  pad: backend_util.ExplicitPadding | 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function geometry(xShape: number[], filterShape: number[], a: DwAttrs) {
  const info = backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number],
    a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
  return { ...info, M: filterShape[3], pt: info.padInfo.top, pl: info.padInfo.left };
}

/** Calls `visit(xIndex, dyIndex, wIndex)` for every (input tap, output element, filter tap) triple. */
function forEachTap(g: ReturnType<typeof geometry>, visit: (xi: number, yi: number, wi: number) => void): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW,
    strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, M, pt, pl } = g;
  const CM = C * M;
  for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let kh = 0; kh < KH; kh++) {
    const ih = oh * sh + kh * dh - pt;
    if (ih < 0 || ih >= H) continue;
    for (let ow = 0; ow < OW; ow++) for (let kw = 0; kw < KW; kw++) {
      const iw = ow * sw + kw * dw - pl;
      if (iw < 0 || iw >= W) continue;
      const xBase = ((n * H + ih) * W + iw) * C;
      const yBase = ((n * OH + oh) * OW + ow) * CM;
      const wBase = (kh * KW + kw) * CM;
      for (let c = 0; c < C; c++) for (let m = 0; m < M; m++) visit(xBase + c, yBase + c * M + m, wBase + c * M + m);
    }
  }
}

function backpropFilter({ inputs, backend: be, attrs }: Args): TensorInfo {
  const backend = be as unknown as WasmBackend;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as DwAttrs & { filterShape: number[] };
  const g = geometry(x.shape, a.filterShape, a);
  const out = alloc(backend, a.filterShape);
  // Accumulate in a JS array: the heap views must not be held across the loop's allocations (none here, but cheap to be safe).
  const acc = new Float64Array(out.shape.reduce((p, d) => p * d, 1));
  const X = f32(backend, x), Y = f32(backend, dy);
  forEachTap(g, (xi, yi, wi) => { acc[wi] += X[xi] * Y[yi]; });
  f32(backend, out).set(acc);
  return out;
}

function backpropInput({ inputs, backend: be, attrs }: Args): TensorInfo {
  const backend = be as unknown as WasmBackend;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as DwAttrs & { inputShape: number[] };
  const g = geometry(a.inputShape, filter.shape, a);
  const out = alloc(backend, a.inputShape);
  const acc = new Float32Array(out.shape.reduce((p, d) => p * d, 1));
  const F = f32(backend, filter), Y = f32(backend, dy);
  forEachTap(g, (xi, yi, wi) => { acc[xi] += F[wi] * Y[yi]; });
  f32(backend, out).set(acc);
  return out;
}

export const depthwiseBackpropConfigs: KernelConfig[] = [
  { kernelName: DepthwiseConv2dNativeBackpropFilter, backendName: 'wasm', kernelFunc: backpropFilter as KernelFunc },
  { kernelName: DepthwiseConv2dNativeBackpropInput, backendName: 'wasm', kernelFunc: backpropInput as KernelFunc },
];
