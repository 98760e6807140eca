/**
 * Low-level helpers for kernels that run on the wasm backend: allocate outputs on its heap,
 * read inputs, and call the stock kernels directly (not through the engine, so nothing lands on the
 * gradient tape and no tensor is tracked).
 *
 * Heap views go stale whenever the wasm memory grows, so a view is taken right before it is used,
 * after every allocation the kernel makes.
 */
import { getKernel, util, type TensorInfo, type DataType, type NamedAttrMap } from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's BackendWasm the kernels use. */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  readSync(dataId: object): ArrayLike<number> | Uint8Array[];
  disposeData(dataId: object, force?: boolean): boolean;
  /** One more tensor shares this data (disposeData releases it at the last one). */
  incRef(dataId: object): void;
  /** The emscripten module; its `asm.memory` is the heap, which kernels of our own wasm import. */
  wasm?: { asm?: { memory?: WasmMemory } };
}

/** A WebAssembly.Memory (this project's TypeScript libs carry no WebAssembly types). */
export interface WasmMemory { readonly buffer: ArrayBuffer }

type KernelFunc = (args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap }) => TensorInfo | TensorInfo[];

/** Stock wasm kernels captured before any replacement is registered over them. */
const stock = new Map<string, KernelFunc>();

export function captureStock(name: string): void {
  if (stock.has(name)) return;
  const k = getKernel(name, 'wasm');
  if (k) stock.set(name, k.kernelFunc as unknown as KernelFunc);
}

export function hasStock(name: string): boolean {
  return stock.has(name);
}

/** Runs the stock wasm kernel `name`; its output belongs to the caller. */
export function runStock(name: string, backend: WasmBackend, inputs: Record<string, TensorInfo>, attrs: object = {}): TensorInfo {
  const f = stock.get(name);
  if (!f) throw new Error(`no stock wasm kernel ${name} was captured`);
  return f({ inputs, backend, attrs: attrs as NamedAttrMap }) as TensorInfo;
}

/** A float32 view of a tensor's data on the wasm heap (valid until the next allocation). */
export function f32(backend: WasmBackend, t: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** The bits of `x` rounded to float32, as an integer: how scalars reach our wasm loops. */
export function float32Bits(x: number): number {
  return new Uint32Array(new Float32Array([x]).buffer)[0];
}

/**
 * A float32 tensor's byte address on the wasm heap, for our own wasm kernels. Unlike a view, it
 * stays valid when the heap grows (growing moves no data).
 */
export function heapAddress(backend: WasmBackend, t: TensorInfo): number {
  return f32(backend, t).byteOffset;
}

/**
 * Allocates a float32 tensor on the wasm heap, optionally filled from `data`. `data` must not be a
 * view of the heap itself: the allocation may grow the heap and detach it.
 */
export function alloc(backend: WasmBackend, shape: number[], data?: ArrayLike<number>): TensorInfo {
  const t = backend.makeOutput(shape, 'float32');
  if (data) f32(backend, t).set(data);
  return t;
}

/** The same data seen with another shape; owns nothing, so never dispose it. */
export function view(t: TensorInfo, shape: number[]): TensorInfo {
  util.assert(util.sizeFromShape(shape) === util.sizeFromShape(t.shape), () => `view: ${t.shape} -> ${shape}`);
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

export function release(backend: WasmBackend, ...ts: TensorInfo[]): void {
  for (const t of ts) backend.disposeData(t.dataId);
}

