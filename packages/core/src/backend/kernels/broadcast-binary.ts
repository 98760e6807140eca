/**
 * Add, Sub, Multiply and RealDiv on wasm where one float32 operand is broadcast over the other along
 * rows or along columns: a SIMD loop of our own (broadcast-binary-wasm.ts). Same-shape operands,
 * other dtypes and broadcasts of both operands stay on the stock kernels.
 */
import { Add, backend_util, Multiply, RealDiv, Sub, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { alloc, heapAddress, runStock, type WasmBackend } from '../heap.js';
import { broadcastBinaryFor, type BroadcastAxis, type BroadcastOp } from './broadcast-binary-wasm.js';

export interface BroadcastPlan { denseIsA: boolean; axis: BroadcastAxis; rows: number; columns: number; outShape: number[] }

/**
 * How `a op b` splits into a dense [rows, columns] operand and a small one broadcast along one
 * axis of it, or null where it does not (same shapes, both operands broadcast, or another pattern).
 */
export function broadcastPlan(a: number[], b: number[]): BroadcastPlan | null {
  const outShape = backend_util.assertAndGetBroadcastShape(a, b);
  const size = util.sizeFromShape(outShape);
  const [aFull, bFull] = [a, b].map((s) => s.length === outShape.length && util.sizeFromShape(s) === size);
  if (aFull === bFull || size === 0) return null;
  const small = aFull ? b : a;
  const s = [...new Array(outShape.length - small.length).fill(1), ...small];
  const plan = (axis: BroadcastAxis, split: number): BroadcastPlan => ({
    denseIsA: aFull, axis, rows: util.sizeFromShape(outShape.slice(0, split)), columns: util.sizeFromShape(outShape.slice(split)), outShape,
  });
  // A scalar: one row whose value is every column's.
  if (util.sizeFromShape(s) === 1) return plan('col', 0);
  let lead = 0;
  while (s[lead] === 1) lead++;
  if (s.slice(lead).every((d, k) => d === outShape[lead + k])) return plan('row', lead);
  let trail = s.length;
  while (s[trail - 1] === 1) trail--;
  if (s.slice(0, trail).every((d, k) => d === outShape[k])) return plan('col', trail);
  return null;
}

function binary(kernelName: string, op: BroadcastOp): KernelConfig {
  const kernelFunc = ({ inputs, backend: be }: Parameters<KernelFunc>[0]): TensorInfo => {
    const backend = be as unknown as WasmBackend;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const p = a.dtype === 'float32' && b.dtype === 'float32' ? broadcastPlan(a.shape, b.shape) : null;
    const loop = p && broadcastBinaryFor(backend, op, p.axis, !p.denseIsA);
    if (!p || !loop) return runStock(kernelName, backend, { a, b });
    const out = alloc(backend, p.outShape);
    const [dense, small] = p.denseIsA ? [a, b] : [b, a];
    loop(heapAddress(backend, dense), heapAddress(backend, small), heapAddress(backend, out), p.rows, p.columns);
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as KernelFunc };
}

export const broadcastBinaryConfigs: KernelConfig[] = [binary(Add, 'add'), binary(Sub, 'sub'), binary(Multiply, 'mul'), binary(RealDiv, 'div')];
