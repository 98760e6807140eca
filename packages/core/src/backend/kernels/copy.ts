/**
 * GatherV2, SplitV and Concat on wasm, as plain copies. The stock kernels copy through a typed-array
 * `subarray` per row (SplitV via Slice, Concat) or through per-element index arithmetic with a
 * closure per index for its bounds check (GatherV2): T-JEPA's token gathers and its attention's
 * q/k/v split of [7680, 48] took 3-5 ms a call. These move the same bytes in loops over 32-bit
 * words (or bytes for bool), so the results are the stock kernels' to the bit, NaN payloads
 * included; strings stay on the stock kernels. SplitV and Concat move 32-bit words on a SIMD loop
 * of our own (copy-rows-wasm.ts), a row's slice at a time.
 */
import { backend_util, Concat, GatherV2, SplitV, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { heapAddress, runStock, type WasmBackend } from '../heap.js';
import { copyRowsFor, type CopyRows } from './copy-rows-wasm.js';

type Words = Int32Array | Uint8Array;

/** A copyable tensor's data on the heap as 32-bit words (float32, int32) or bytes (bool). */
function words(backend: WasmBackend, t: TensorInfo): Words {
  const a = backend.typedArrayFromHeap(t);
  return t.dtype === 'bool' ? (a as Uint8Array) : new Int32Array(a.buffer, a.byteOffset, a.length);
}

/** Below this many elements a plain loop beats creating a subarray for `set`. */
const SHORT_RUN = 64;

function copy(src: Words, from: number, dst: Words, to: number, n: number): void {
  if (n >= SHORT_RUN) dst.set(src.subarray(from, from + n), to);
  else for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
}

/** The SIMD row copier for 32-bit dtypes (bool's bytes stay on the loops above), or null. */
const wordRows = (backend: WasmBackend, t: TensorInfo): CopyRows | null => (t.dtype === 'bool' ? null : copyRowsFor(backend));

/** The dtypes these kernels copy; the rest (strings, complex) stay on the stock kernels. */
const copyable = (t: TensorInfo) => t.dtype === 'float32' || t.dtype === 'int32' || t.dtype === 'bool';

function gatherV2({ inputs, backend: be, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = be as unknown as WasmBackend;
  const { x, indices } = inputs as { x: TensorInfo; indices: TensorInfo };
  const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
  if (batchDims || !copyable(x) || indices.dtype !== 'int32') return runStock(GatherV2, backend, { x, indices }, attrs);
  const ax = util.parseAxisParam(axis, x.shape)[0];
  const dim = x.shape[ax];
  const idx = backend.typedArrayFromHeap(indices) as Int32Array;
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (!(v >= 0 && v <= dim - 1)) throw new Error(`GatherV2: the index value ${v} is not in [0, ${dim - 1}]`);
  }
  const info = backend_util.segment_util.collectGatherOpShapeInfo(x as never, indices as never, ax, 0);
  const out = backend.makeOutput(info.outputShape, x.dtype);
  if (util.sizeFromShape(x.shape) === 0 || util.sizeFromShape(info.outputShape) === 0) return out;
  const inner = util.sizeFromShape(x.shape.slice(ax + 1));
  const outer = util.sizeFromShape(x.shape.slice(0, ax));
  // Views after the output's allocation, which may grow the heap.
  const X = words(backend, x), O = words(backend, out), I = backend.typedArrayFromHeap(indices) as Int32Array;
  const n = I.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < n; i++) copy(X, (o * dim + I[i]) * inner, O, (o * n + i) * inner, inner);
  }
  return out;
}

function splitV({ inputs, backend: be, attrs }: Parameters<KernelFunc>[0]): TensorInfo[] {
  const backend = be as unknown as WasmBackend;
  const { x } = inputs as { x: TensorInfo };
  if (!copyable(x)) return runStock(SplitV, backend, { x }, attrs) as unknown as TensorInfo[];
  const { numOrSizeSplits, axis } = attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
  const ax = util.parseAxisParam(axis, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x as never, numOrSizeSplits, ax);
  const outs = sizes.map((s) => backend.makeOutput(x.shape.map((d, i) => (i === ax ? s : d)), x.dtype));
  const rest = util.sizeFromShape(x.shape.slice(ax + 1));
  const outer = util.sizeFromShape(x.shape.slice(0, ax));
  const row = x.shape[ax] * rest;
  const rows = wordRows(backend, x);
  let offset = 0;
  sizes.forEach((s, k) => {
    const n = s * rest;
    if (rows) rows(heapAddress(backend, x) + 4 * offset, heapAddress(backend, outs[k]), 1, 1, outer, n, 0, 0, 0, 0, 4 * row, 4 * n);
    else {
      const X = words(backend, x), O = words(backend, outs[k]);
      for (let o = 0; o < outer; o++) copy(X, o * row + offset, O, o * n, n);
    }
    offset += n;
  });
  return outs;
}

function concat({ inputs, backend: be, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = be as unknown as WasmBackend;
  const list = inputs as unknown as TensorInfo[];
  const parts = list.filter((t) => util.sizeFromShape(t.shape) > 0);
  if (parts.length < 2 || !parts.every(copyable)) return runStock(Concat, backend, inputs as unknown as Record<string, TensorInfo>, attrs);
  const ax = util.parseAxisParam((attrs as unknown as { axis: number }).axis, list[0].shape)[0];
  backend_util.assertParamsConsistent(list.map((t) => t.shape), ax);
  const out = backend.makeOutput(backend_util.computeOutShape(list.map((t) => t.shape), ax), list[0].dtype);
  const outer = util.sizeFromShape(parts[0].shape.slice(0, ax));
  const inner = parts.map((t) => util.sizeFromShape(t.shape.slice(ax)));
  const row = inner.reduce((a, b) => a + b, 0);
  const rows = wordRows(backend, out);
  let offset = 0;
  parts.forEach((t, k) => {
    if (rows) rows(heapAddress(backend, t), heapAddress(backend, out) + 4 * offset, 1, 1, outer, inner[k], 0, 0, 0, 0, 4 * inner[k], 4 * row);
    else {
      const X = words(backend, t), O = words(backend, out);
      for (let o = 0; o < outer; o++) copy(X, o * inner[k], O, o * row + offset, inner[k]);
    }
    offset += inner[k];
  });
  return out;
}

export const copyConfigs: KernelConfig[] = [
  { kernelName: GatherV2, backendName: 'wasm', kernelFunc: gatherV2 as KernelFunc },
  { kernelName: SplitV, backendName: 'wasm', kernelFunc: splitV as unknown as KernelFunc },
  { kernelName: Concat, backendName: 'wasm', kernelFunc: concat as KernelFunc },
];
