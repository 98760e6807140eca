/**
 * Convolution gradients on wasm (NHWC, dilation 1).
 *
 * Conv2DBackpropFilter is missing from the stock backend. It is computed by XNNPACK's forward
 * convolution with the roles swapped: the input's channels become the batch, its batch becomes the
 * channels, and dy becomes a filter dilated by the stride:
 *   dW[kh,kw,ci,co] = sum over (oh,ow,n) of x^T[ci, kh + oh*s - pad, kw + ow*s - pad, n] * dy^T[oh,ow,n,co]
 * (an im2col GEMM built in JavaScript measured 2x slower).
 *
 * Conv2DBackpropInput exists but runs about 10x slower than the forward convolution, so it is
 * rewritten as a forward convolution: dy dilated by the stride, padded by K-1-pad, convolved with
 * the filter rotated 180 degrees and its channel axes swapped.
 *
 * Anything these do not cover (NCHW, dilation, negative padding) goes to `fallback`.
 */
import {
  backend_util, Conv2DBackpropFilter, Conv2DBackpropInput,
  type KernelConfig, type KernelFunc, type TensorInfo, type NamedAttrMap,
} from '@tensorflow/tfjs-core';
import { alloc, f32, release, runStock, type WasmBackend } from '../heap.js';

type Args = Parameters<KernelFunc>[0];

export function conv2dBackpropFilter(args: Args, fallback: KernelFunc): TensorInfo | TensorInfo[] {
  const backend = args.backend as unknown as WasmBackend;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as {
    strides: [number, number] | number; pad: backend_util.ExplicitPadding | 'valid' | 'same' | number;
    dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number];
  };
  if (dataFormat === 'NCHW' || x.dtype !== 'float32') return fallback(args);
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = info;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  // Output rows past KH (negative bottom padding) are computed and cropped.
  const pb = Math.max(0, KH + (OH - 1) * sh - H - pt), pr = Math.max(0, KW + (OW - 1) * sw - W - pl);
  const outH = H + pt + pb - (OH - 1) * sh, outW = W + pl + pr - (OW - 1) * sw;

  // Channels become the batch and the batch becomes the channels: X' = x^T [CI, H, W, N],
  // F = dy as a filter [OH, OW, N, CO] dilated by the stride.
  const xT = runStock('Transpose', backend, { x }, { perm: [3, 1, 2, 0] });
  const dyT = runStock('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] });
  const attrs = { strides: 1, dilations: [sh, sw], dataFormat: 'NHWC', pad: [[0, 0], [pt, pb], [pl, pr], [0, 0]] } as unknown as NamedAttrMap;
  let out = runStock('Conv2D', backend, { x: xT, filter: dyT }, attrs); // [CI, outH, outW, CO]
  release(backend, xT, dyT);
  if (outH !== KH || outW !== KW) {
    const cropped = runStock('Slice', backend, { x: out }, { begin: [0, 0, 0, 0], size: [out.shape[0], KH, KW, out.shape[3]] });
    release(backend, out);
    out = cropped;
  }
  const dw = runStock('Transpose', backend, { x: out }, { perm: [1, 2, 0, 3] });
  release(backend, out);
  return dw;
}

export function conv2dBackpropInput(args: Args, fallback: KernelFunc): TensorInfo | TensorInfo[] {
  const backend = args.backend as unknown as WasmBackend;
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as {
    strides: [number, number] | number; pad: backend_util.ExplicitPadding | 'valid' | 'same' | number;
    dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number];
  };
  if (dataFormat === 'NCHW' || dy.dtype !== 'float32') return fallback(args);
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO,
    filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = info;
  const DH = (OH - 1) * sh + 1, DW = (OW - 1) * sw + 1;
  const top = KH - 1 - info.padInfo.top, left = KW - 1 - info.padInfo.left;
  const bottom = H + KH - 1 - top - DH, right = W + KW - 1 - left - DW;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return fallback(args);

  // Filter rotated 180 degrees with in/out channels swapped: [KH, KW, CO, CI].
  const rot = alloc(backend, [KH, KW, CO, CI]);
  {
    const R = f32(backend, rot), F = f32(backend, filter);
    for (let kh = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) {
      const src = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * CI * CO;
      const dst = (kh * KW + kw) * CO * CI;
      for (let ci = 0; ci < CI; ci++) for (let co = 0; co < CO; co++) R[dst + co * CI + ci] = F[src + ci * CO + co];
    }
  }
  let src = dy;
  if (sh > 1 || sw > 1) {
    src = alloc(backend, [N, DH, DW, CO]);
    const D = f32(backend, src), Y = f32(backend, dy);
    D.fill(0);
    for (let n = 0; n < N; n++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
      const s = ((n * OH + oh) * OW + ow) * CO;
      D.set(Y.subarray(s, s + CO), ((n * DH + oh * sh) * DW + ow * sw) * CO);
    }
  }
  const attrs = { strides: 1, dilations: 1, dataFormat: 'NHWC', pad: [[0, 0], [top, bottom], [left, right], [0, 0]] } as unknown as NamedAttrMap;
  const out = runStock('Conv2D', backend, { x: src, filter: rot }, attrs);
  release(backend, rot);
  if (src !== dy) release(backend, src);
  return out;
}

export function conv2dBackpropConfigs(fallbackFor: (name: string) => KernelFunc): KernelConfig[] {
  const fbFilter = fallbackFor(Conv2DBackpropFilter);
  const fbInput = fallbackFor(Conv2DBackpropInput);
  return [
    { kernelName: Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: ((a: Args) => conv2dBackpropFilter(a, fbFilter)) as KernelFunc },
    { kernelName: Conv2DBackpropInput, backendName: 'wasm', kernelFunc: ((a: Args) => conv2dBackpropInput(a, fbInput)) as KernelFunc },
  ];
}
