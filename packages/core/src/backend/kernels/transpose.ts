/**
 * Transpose on wasm where the last axis stays last (attention's head split and merge, [B, T, H, d]
 * to [B, H, T, d] and back): each run of the last axis is copied whole by the grid copier of
 * copy-rows-wasm.ts, where the stock kernel moves element by element (3-4 ns an element on
 * T-JEPA's heads of 4). The same words move, so the stock kernel's bits. Other permutations, and
 * dtypes other than float32 and int32, stay on the stock kernel.
 */
import { Transpose, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { heapAddress, runStock, type WasmBackend } from '../heap.js';
import { copyRowsFor } from './copy-rows-wasm.js';

/**
 * The permutation on fewer, larger axes: axes of size 1 dropped, and input axes that stay next to
 * each other in the output merged into one.
 */
export function mergeAxes(shape: number[], perm: number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((a) => shape[a] !== 1);
  // Groups of consecutive output axes that read consecutive input axes.
  const groups: number[][] = [];
  for (const a of kept) {
    const g = groups.at(-1);
    if (g && g.at(-1)! + 1 === a) g.push(a);
    else groups.push([a]);
  }
  // Input order of the groups gives the merged input axes.
  const byInput = [...groups].sort((g, h) => g[0] - h[0]);
  return {
    shape: byInput.map((g) => g.reduce((n, a) => n * shape[a], 1)),
    perm: groups.map((g) => byInput.indexOf(g)),
  };
}

function transpose({ inputs, backend: be, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = be as unknown as WasmBackend;
  const { x } = inputs as { x: TensorInfo };
  const { perm } = attrs as unknown as { perm: number[] };
  const m = mergeAxes(x.shape, perm);
  const k = m.perm.length;
  // The last axis in place, and at most three axes around it to permute.
  const fits = (x.dtype === 'float32' || x.dtype === 'int32') && k >= 3 && k <= 4 && m.perm[k - 1] === k - 1;
  const copy = fits ? copyRowsFor(backend) : null;
  if (!copy) return runStock(Transpose, backend, { x }, attrs);
  const out = backend.makeOutput(perm.map((a) => x.shape[a]), x.dtype);
  const outShape = m.perm.map((a) => m.shape[a]);
  const [inStrides, outStrides] = [m.shape, outShape].map((s) => [...util.computeStrides(s), 1]);
  // Output axes 0..k-2 are the three loop levels (outermost first; a missing one runs once).
  const levels = [...new Array(4 - k).fill(null), ...m.perm.slice(0, -1).map((a, i) => ({ n: outShape[i], src: 4 * inStrides[a], dst: 4 * outStrides[i] }))]
    .map((l) => l ?? { n: 1, src: 0, dst: 0 });
  const [a, b, r] = levels;
  copy(heapAddress(backend, x), heapAddress(backend, out), a.n, b.n, r.n, m.shape[k - 1], a.src, a.dst, b.src, b.dst, r.src, r.dst);
  return out;
}

export const transposeConfig: KernelConfig = { kernelName: Transpose, backendName: 'wasm', kernelFunc: transpose as KernelFunc };
