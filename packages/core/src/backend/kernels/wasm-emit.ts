/**
 * A minimal WebAssembly emitter: just the opcodes core's own SIMD kernels need, and the one module
 * shape they share (one exported function taking i32 arguments, over an imported memory). Kernels
 * are emitted as bytes here rather than shipped as .wasm files, so they need no toolchain and no
 * dependency, and are instantiated over the wasm backend's own memory to work on tensors in place.
 */
import type { WasmBackend, WasmMemory } from '../heap.js';

/** The part of the WebAssembly JS API used here (this project's TypeScript libs do not declare it). */
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};

export const uleb = (n: number): number[] => { const out: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) { const b = n & 0x7f; n >>= 7; if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) { out.push(b); return out; } out.push(b | 0x80); }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

export const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;
const bytesOf = (a: Float32Array | Float64Array) => [...new Uint8Array(a.buffer)];
export const get = (l: number) => [0x20, ...uleb(l)];
export const set = (l: number) => [0x21, ...uleb(l)];
export const i32 = (n: number) => [0x41, ...sleb(n)];
export const add = [0x6a], mul = [0x6c], ltu = [0x49], geu = [0x4f], and = [0x71], select = [0x1b];
export const block = [0x02, 0x40], loop = [0x03, 0x40], end = [0x0b];
export const br = (d: number) => [0x0c, d], brIf = (d: number) => [0x0d, d];
/** Memory access immediates: alignment exponent 0 (any address), then the constant byte offset. */
const memarg = (offset: number) => [0, ...uleb(offset)];
export const f32Load = (offset = 0) => [0x2a, ...memarg(offset)], f32Store = (offset = 0) => [0x38, ...memarg(offset)];
export const i32Load = (offset = 0) => [0x28, ...memarg(offset)], i32Store = (offset = 0) => [0x36, ...memarg(offset)];
export const f32Sqrt = [0x91], f32Add = [0x92], f32Sub = [0x93], f32Mul = [0x94], f32Div = [0x95], f32Zero = [0x43, 0, 0, 0, 0];
export const f32Const = (x: number) => [0x43, ...bytesOf(new Float32Array([x]))], f64Const = (x: number) => [0x44, ...bytesOf(new Float64Array([x]))];
export const f64Mul = [0xa2];
/** f64 from an i32 read as signed or as unsigned; an f32 from an i32's bits. */
export const f64FromI32 = [0xb7], f64FromU32 = [0xb8], f32FromBits = [0xbe];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
export const v128Load = (offset = 0) => simd(0x00, ...memarg(offset)), v128Store = (offset = 0) => simd(0x0b, ...memarg(offset));
export const v128Zero = simd(0x0c, ...new Array(16).fill(0));
export const splatI32 = simd(0x11), splat = simd(0x13), vSqrt = simd(0xe3), vAdd = simd(0xe4), vSub = simd(0xe5), vMul = simd(0xe6), vDiv = simd(0xe7);
export const vAnd = simd(0x4e), f32x4Ge = simd(0x46), f32x4Lane = (lane: number) => simd(0x1f, lane);
/** float64 pairs: splat, replace a lane, arithmetic, floor, and both rounded to float32 in lanes 0-1. */
export const f64x2Splat = simd(0x14), f64x2ReplaceLane = (lane: number) => simd(0x22, lane);
export const f64x2Add = simd(0xf0), f64x2Sub = simd(0xf1), f64x2Mul = simd(0xf2), f64x2Floor = simd(0x75), f64x2ToF32x4 = simd(0x5e);

/** `local += step` (i32); `step` is code that pushes the increment. */
export const bump = (l: number, step: number[]) => [...get(l), ...step, ...add, ...set(l)];
/** `while (local < bound) { body }` (unsigned) as block/loop; `bound` is code that pushes it. */
export const whileLt = (l: number, bound: number[], body: number[]) => [...block, ...loop, ...get(l), ...bound, ...geu, ...brIf(1), ...body, ...br(0), ...end, ...end];

/**
 * A module with one exported function `name` of `params` i32 parameters and no result, whose
 * locals are `locals` (runs of [count, type]) and whose code is `body` (without the final `end`).
 * Its memory is imported as env.memory, with no maximum asked for.
 */
export function moduleBytes(fn: string, params: number, locals: [number, number][], body: number[]): Uint8Array {
  const code = [...vec(locals.map(([n, t]) => [...uleb(n), t])), ...body, ...end];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(new Array(params).fill([I32])), ...vec([])]])),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name(fn), 0x00, 0]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

/**
 * The exported function `fn` of `bytes`, as a function of the backend: bound to the backend's heap,
 * instantiated once per heap; null where the backend exposes no heap memory or this engine rejects
 * the module (no wasm SIMD). The function's arguments are byte addresses in that heap
 * (`heapAddress`).
 */
export function boundLoop<F>(bytes: Uint8Array, fn: string): (backend: WasmBackend) => F | null {
  const cache = new WeakMap<WasmMemory, F>();
  return (backend) => {
    const memory = backend.wasm?.asm?.memory;
    if (!memory) return null;
    const hit = cache.get(memory);
    if (hit) return hit;
    if (!WebAssembly.validate(bytes)) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    const f = instance.exports[fn] as F;
    cache.set(memory, f);
    return f;
  };
}
