/**
 * Identity on wasm without the copy. The engine runs Identity for every tensor it keeps for the
 * backward pass (`tf.clone`), and the stock kernel copies the data, so a training step wrote each
 * saved activation twice and the heap held both copies until the step ended. Tensor data is never
 * written in place (a Variable's `assign` swaps in a new data id), so the clone can share the
 * input's data under the backend's reference count, as the cpu backend's Identity and the wasm
 * Reshape already do. Strings keep the stock path.
 */
import { Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { runStock, type WasmBackend } from '../heap.js';

function identity({ inputs, backend: be }: Parameters<KernelFunc>[0]): TensorInfo {
  const backend = be as unknown as WasmBackend;
  const { x } = inputs as { x: TensorInfo };
  if (x.dtype === 'string') return runStock(Identity, backend, { x });
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: KernelConfig = { kernelName: Identity, backendName: 'wasm', kernelFunc: identity as KernelFunc };
