/**
 * Identity, and Cast to the dtype a tensor already has, on wasm without the copy. The engine runs
 * Identity for every tensor it keeps for the backward pass (`tf.clone`), and the gradient of every
 * multiplication casts the other operand to float32 (a no-op cast), and the stock kernels copy the
 * data each time: a training step wrote each saved activation twice and the heap held both copies
 * until the step ended. Tensor data is never written in place (a Variable's `assign` swaps in a new
 * data id), so the result can share the input's data under the backend's reference count, as the
 * cpu backend's Identity and the wasm Reshape already do. Strings, and casts that change the dtype,
 * keep the stock path, except casts to bool, which the stock kernel gets wrong.
 */
import { Cast, Identity, type DataType, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { runStock, type WasmBackend } from '../heap.js';

function share(backend: WasmBackend, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function identity({ inputs, backend: be }: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = be as unknown as WasmBackend;
  const { x } = inputs as { x: TensorInfo };
  return x.dtype === 'string' ? runStock(Identity, backend, { x }) : share(backend, x);
}

function cast({ inputs, backend: be, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = be as unknown as WasmBackend;
  const { x } = inputs as { x: TensorInfo };
  const { dtype } = attrs as unknown as { dtype: DataType };
  if (x.dtype === dtype && dtype !== 'string') return share(backend, x);
  if (dtype === 'bool' && x.dtype !== 'string') return toBool(backend, x);
  return runStock(Cast, backend, { x }, attrs);
}

/**
 * Non-zero (NaN included) to 1, zero to 0. The stock kernel stores the numbers into a byte array,
 * which keeps their low byte: it made -2.7 true as 254 and 256 false.
 */
function toBool(backend: WasmBackend, x: TensorInfo): TensorInfo {
  const out = backend.makeOutput(x.shape, 'bool');
  // Views taken after allocating: allocating may grow the heap and detach earlier views.
  const [from, to] = [backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out)];
  for (let i = 0; i < from.length; i++) to[i] = from[i] !== 0 ? 1 : 0;
  return out;
}

export const identityConfigs: KernelConfig[] = [
  { kernelName: Identity, backendName: 'wasm', kernelFunc: identity as KernelFunc },
  { kernelName: Cast, backendName: 'wasm', kernelFunc: cast as KernelFunc },
];
