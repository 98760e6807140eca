/**
 * Sum on wasm over leading axes (a bias gradient; LayerNorm's scale and shift gradients) as column
 * sums on a SIMD loop of our own (column-sum-wasm.ts), which gives the stock kernel's bits without
 * its transpose and scalar loop. Every other sum (trailing axes, all axes, other dtypes) is the
 * stock kernel's, which already reads its rows where they lie.
 */
import { Sum, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { alloc, heapAddress, runStock, type WasmBackend } from '../heap.js';
import { columnSumFor } from './column-sum-wasm.js';

function sum({ inputs, backend: be, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = be as unknown as WasmBackend;
  const { x } = inputs as { x: TensorInfo };
  const { axis, keepDims } = attrs as unknown as { axis: number | number[] | null; keepDims: boolean };
  // Leading axes in increasing order only: the stock kernel sums over the reduced axes in the order
  // they are given (it transposes them innermost as listed), so [1, 0] sums in another order.
  const axes = util.parseAxisParam(axis ?? x.shape.map((_, i) => i), x.shape);
  const leading = axes.length < x.shape.length && axes.every((a, i) => a === i);
  const columnSum = x.dtype === 'float32' && leading && util.sizeFromShape(x.shape) > 0 ? columnSumFor(backend) : null;
  if (!columnSum) return runStock(Sum, backend, { x }, attrs);
  const kept = x.shape.slice(axes.length);
  const out = alloc(backend, keepDims ? [...axes.map(() => 1), ...kept] : kept);
  columnSum(heapAddress(backend, x), heapAddress(backend, out), util.sizeFromShape(x.shape.slice(0, axes.length)), util.sizeFromShape(kept));
  return out;
}

export const sumConfig: KernelConfig = { kernelName: Sum, backendName: 'wasm', kernelFunc: sum as KernelFunc };
