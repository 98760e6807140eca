/**
 * A copy-to-cpu fallback: runs the cpu backend's kernel on copies of the inputs and copies the
 * outputs back onto the wasm heap. Correct for any kernel whose inputs and outputs are plain
 * numeric tensors; slow, so only kernels with no wasm implementation use it.
 */
import { engine, getKernel, type KernelFunc, type TensorInfo, type NamedAttrMap, type DataType } from '@tensorflow/tfjs-core';
import { type WasmBackend } from '../heap.js';

interface CpuBackend {
  write(values: ArrayLike<number>, shape: number[], dtype: DataType): object;
  readSync(dataId: object): ArrayLike<number>;
  disposeData(dataId: object): boolean;
}

/** Kernels the fallback cannot carry: complex or string tensors (the wasm heap holds neither) and canvas drawing. */
export const UNPORTABLE = new Set(['Complex', 'ComplexAbs', 'Real', 'Imag', 'FFT', 'IFFT', 'StaticRegexReplace', 'Draw']);

export function cpuFallback(kernelName: string): KernelFunc {
  return (({ inputs, backend: be, attrs }: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap }) => {
    const wasm = be as WasmBackend;
    const cpu = engine().findBackend('cpu') as unknown as CpuBackend | null;
    const kernel = getKernel(kernelName, 'cpu');
    if (!cpu || !kernel) throw new Error(`${kernelName}: no wasm kernel and no cpu backend to fall back to`);
    const made: TensorInfo[] = [];
    const toCpu = (t: TensorInfo): TensorInfo => {
      const c = { dataId: cpu.write(Array.from(wasm.readSync(t.dataId) as ArrayLike<number>), t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
      made.push(c);
      return c;
    };
    // Some kernels (Einsum) take their inputs as an array rather than a named map.
    const cpuInputs = Array.isArray(inputs) ? (inputs as TensorInfo[]).map(toCpu)
      : Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, toCpu(v)]));
    try {
      const res = kernel.kernelFunc({ inputs: cpuInputs as Record<string, TensorInfo>, backend: cpu as never, attrs });
      const outs = Array.isArray(res) ? res : [res];
      const back = outs.map((o) => {
        const w = wasm.makeOutput(o.shape, o.dtype);
        wasm.typedArrayFromHeap(w).set(cpu.readSync(o.dataId));
        cpu.disposeData(o.dataId);
        return w;
      });
      return Array.isArray(res) ? back : back[0];
    } finally {
      for (const t of made) cpu.disposeData(t.dataId);
    }
  }) as KernelFunc;
}
