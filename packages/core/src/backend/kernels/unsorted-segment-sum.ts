/**
 * UnsortedSegmentSum, missing from the stock wasm backend; it is the gradient of Gather, so
 * without it no embedding trains. out[ids[i], ...] += x[i, ...]; ids outside [0, numSegments)
 * are dropped, as TensorFlow does.
 */
import { UnsortedSegmentSum, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { type WasmBackend } from '../heap.js';

function unsortedSegmentSum({ inputs, backend: be, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = be as unknown as WasmBackend;
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  util.assert(segmentIds.shape.length === 1 && segmentIds.shape[0] === x.shape[0],
    () => `unsortedSegmentSum on wasm takes 1-D segmentIds matching x.shape[0]; got ${segmentIds.shape} and ${x.shape}`);
  const inner = util.sizeFromShape(x.shape.slice(1));
  const out = backend.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
  const acc = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  const X = backend.typedArrayFromHeap(x), ids = backend.typedArrayFromHeap(segmentIds);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner, dst = s * inner;
    for (let j = 0; j < inner; j++) acc[dst + j] += X[src + j];
  }
  backend.typedArrayFromHeap(out).set(acc);
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = { kernelName: UnsortedSegmentSum, backendName: 'wasm', kernelFunc: unsortedSegmentSum as KernelFunc };
