/**
 * Tile on wasm. The stock kernel walks every output element through index arithmetic; broadcasting
 * a bias or positional table over a batch spends most of a step there. This copies whole rows of
 * the innermost axis and repeats them, which is a memcpy per row (a fill where that axis has one
 * value; a SIMD loop of our own, repeat-columns-wasm.ts, where only that axis repeats), and fills a
 * pure broadcast by doubling copies.
 */
import { Tile, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { heapAddress, runStock, type WasmBackend } from '../heap.js';
import { repeatColumnsFor } from './repeat-columns-wasm.js';

function tile({ inputs, backend: be, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = be as unknown as WasmBackend;
  const { x } = inputs as { x: TensorInfo };
  const { reps } = attrs as unknown as { reps: number[] };
  if (x.dtype !== 'float32' && x.dtype !== 'int32') return runStock(Tile, backend, { x }, attrs);
  const r = x.shape.length;
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (r === 0 || util.sizeFromShape(outShape) === 0) return out;
  // As 32-bit words, so every path copies bits (a fill through a float would not keep NaN payloads).
  const [X, O] = [x, out].map((t) => { const a = backend.typedArrayFromHeap(t); return new Int32Array(a.buffer, a.byteOffset, a.length); });
  // Broadcast case (a bias or statistic of shape [1, ..., 1, C...] repeated over leading axes):
  // the output is x repeated whole, filled by doubling copies at memcpy speed.
  const k = reps.findIndex((_, i) => reps.slice(i).every((rep) => rep === 1));
  const lead = k < 0 ? r : k;
  if (x.shape.slice(0, lead).every((d) => d === 1)) {
    O.set(X, 0);
    for (let filled = X.length; filled < O.length; filled *= 2) O.copyWithin(filled, 0, Math.min(filled, O.length - filled));
    return out;
  }
  const last = x.shape[r - 1], outLast = outShape[r - 1];
  // A statistic broadcast along the last axis ([..., 1] to [..., C], as in a Mean gradient): each
  // row's value repeated C times by a SIMD loop, with no index arithmetic per row.
  const repeat = last === 1 && reps.every((rep, i) => rep === 1 || i === r - 1) ? repeatColumnsFor(backend) : null;
  if (repeat) {
    repeat(heapAddress(backend, x), heapAddress(backend, out), X.length, outLast);
    return out;
  }
  const outRows = util.sizeFromShape(outShape.slice(0, -1));
  const xStrides = util.computeStrides(x.shape.slice(0, -1));
  const outStrides = util.computeStrides(outShape.slice(0, -1));
  for (let row = 0; row < outRows; row++) {
    // Map the output row's leading index to the input row it repeats.
    let rem = row, src = 0;
    for (let d = 0; d < r - 1; d++) {
      const stride = d < r - 2 ? outStrides[d] : 1;
      const idx = Math.floor(rem / stride);
      rem -= idx * stride;
      src += (idx % x.shape[d]) * (d < r - 2 ? xStrides[d] : 1);
    }
    const dst = row * outLast;
    if (last === 1) { O.fill(X[src], dst, dst + outLast); continue; }
    const line = X.subarray(src * last, (src + 1) * last);
    for (let k = 0; k < reps[r - 1]; k++) O.set(line, dst + k * last);
  }
  return out;
}

export const tileConfig: KernelConfig = { kernelName: Tile, backendName: 'wasm', kernelFunc: tile as KernelFunc };
