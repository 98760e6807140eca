/**
 * A SIMD wasm loop for many small float32 products (attention's [tokens x head] by [head x tokens]),
 * which the stock kernel runs on a scalar loop at about 1 GFLOP/s. It gives the stock loop's bits:
 * each output element is a float32 sum over k in increasing order, restarted every 48 values of k
 * and added to the element after each such block, exactly as tfjs-backend-wasm's `slow_batch_matmul`
 * (kBlockSize 48) does; the four lanes of a vector are four neighbouring output columns, so no sum
 * is reordered. wasm has no fused multiply-add, so each product rounds before it is added, as there.
 *
 * The module is emitted here as bytes (one exported function, no dependencies) and instantiated over
 * the backend's own memory, so it reads and writes the tensors where they lie. The tests check it
 * bit for bit against the stock kernel.
 */
import type { WasmMemory } from '../heap.js';

/** The part of the WebAssembly JS API used here (this project's TypeScript libs do not declare it). */
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};

/** The k block of tfjs-backend-wasm's scalar batch matmul: sums restart at each block. */
export const K_BLOCK = 48;

// --- a minimal wasm emitter: just the opcodes this one function needs ---
const uleb = (n: number): number[] => { const out: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return out; };
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) { const b = n & 0x7f; n >>= 7; if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) { out.push(b); return out; } out.push(b | 0x80); }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));

const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;
const get = (l: number) => [0x20, ...uleb(l)];
const set = (l: number) => [0x21, ...uleb(l)];
const i32 = (n: number) => [0x41, ...sleb(n)];
const add = [0x6a], mul = [0x6c], ltu = [0x49], geu = [0x4f], and = [0x71], select = [0x1b];
const block = [0x02, 0x40], loop = [0x03, 0x40], end = [0x0b];
const br = (d: number) => [0x0c, d], brIf = (d: number) => [0x0d, d];
const f32Load = [0x2a, 2, 0], f32Store = [0x38, 2, 0], f32Add = [0x92], f32Mul = [0x94], f32Zero = [0x43, 0, 0, 0, 0];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const v128Load = simd(0x00, 0, 0), v128Store = simd(0x0b, 0, 0), v128Zero = simd(0x0c, ...new Array(16).fill(0));
const splat = simd(0x13), vAdd = simd(0xe4), vMul = simd(0xe6);
/** `local += step` (i32). */
const bump = (l: number, step: number[]) => [...get(l), ...step, ...add, ...set(l)];
/** `for (; lhs < rhs; ) { body }` as block/loop; `rhs` is code that pushes the bound. */
const whileLt = (l: number, rhs: number[], body: number[]) => [...block, ...loop, ...get(l), ...rhs, ...geu, ...brIf(1), ...body, ...br(0), ...end, ...end];

// Parameters (byte addresses and sizes): a, b, out, batch, M, K, N, a's and b's batch strides in bytes.
const [A, B, O, BATCH, M, K, N, SA, SB] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
// Locals.
const [BI, I, J, KK, K0, KEND, AP, BP, ROW_A, N4, ROW_O] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
const [ACC, OUT] = [20, 21];
const [SACC, SOUT] = [22, 23];

/** The k loop of one block for output columns j..: `acc += a[i,k] * b[k, j..]`, vector or scalar. */
function kLoop(vector: boolean): number[] {
  const acc = vector ? ACC : SACC;
  return [
    ...(vector ? v128Zero : f32Zero), ...set(acc),
    ...get(K0), ...set(KK),
    // ap = rowA + k0*4; bp = b + (k0*N + j)*4
    ...get(ROW_A), ...get(K0), ...i32(4), ...mul, ...add, ...set(AP),
    ...get(B), ...get(K0), ...get(N), ...mul, ...get(J), ...add, ...i32(4), ...mul, ...add, ...set(BP),
    ...whileLt(KK, get(KEND), [
      ...get(acc), ...get(AP), ...f32Load, ...(vector ? [...splat, ...get(BP), ...v128Load, ...vMul, ...vAdd] : [...get(BP), ...f32Load, ...f32Mul, ...f32Add]), ...set(acc),
      ...bump(AP, i32(4)), ...bump(BP, [...get(N), ...i32(4), ...mul]), ...bump(KK, i32(1)),
    ]),
  ];
}

/** Output columns j.. (4 at a time or 1): every k block, each added to the running element. */
function columns(vector: boolean): number[] {
  const out = vector ? OUT : SOUT;
  return whileLt(J, get(vector ? N4 : N), [
    ...(vector ? v128Zero : f32Zero), ...set(out),
    ...i32(0), ...set(K0),
    ...whileLt(K0, get(K), [
      // kend = min(k0 + 48, K)
      ...get(K0), ...i32(K_BLOCK), ...add, ...get(K), ...get(K0), ...i32(K_BLOCK), ...add, ...get(K), ...ltu, ...select, ...set(KEND),
      ...kLoop(vector),
      ...get(out), ...get(vector ? ACC : SACC), ...(vector ? vAdd : f32Add), ...set(out),
      ...bump(K0, i32(K_BLOCK)),
    ]),
    ...get(ROW_O), ...get(J), ...i32(4), ...mul, ...add, ...get(out), ...(vector ? v128Store : f32Store),
    ...bump(J, i32(vector ? 4 : 1)),
  ]);
}

const body = [
  ...get(N), ...i32(-4), ...and, ...set(N4),
  ...whileLt(BI, get(BATCH), [
    ...i32(0), ...set(I),
    ...whileLt(I, get(M), [
      ...get(A), ...get(I), ...get(K), ...mul, ...i32(4), ...mul, ...add, ...set(ROW_A),
      ...get(O), ...get(I), ...get(N), ...mul, ...i32(4), ...mul, ...add, ...set(ROW_O),
      ...i32(0), ...set(J),
      ...columns(true),
      ...columns(false),
      ...bump(I, i32(1)),
    ]),
    ...bump(A, get(SA)), ...bump(B, get(SB)), ...bump(O, [...get(M), ...get(N), ...mul, ...i32(4), ...mul]),
    ...bump(BI, i32(1)),
  ]),
  ...end,
];
const locals = vec([[11, I32], [2, V128], [2, F32]]);
const code = [...locals, ...body];

const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, vec([[0x60, ...vec(new Array(9).fill([I32])), ...vec([])]])),
  // The memory is imported: the backend's own, with no maximum asked for.
  ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]])),
  ...section(3, vec([[0]])),
  ...section(7, vec([[...name('bmm'), 0x00, 0]])),
  ...section(10, vec([[...uleb(code.length), ...code]])),
]);

export type SmallMatMul = (a: number, b: number, out: number, batch: number, m: number, k: number, n: number, aStride: number, bStride: number) => void;

const instances = new WeakMap<WasmMemory, SmallMatMul>();

/**
 * The loop bound to `memory`, or null where this engine lacks wasm SIMD. Arguments are byte
 * addresses in that memory; `aStride` and `bStride` are the bytes between batch elements (0 for an
 * operand shared by all of them); the output is dense [batch, m, n].
 */
export function smallMatMulFor(memory: WasmMemory): SmallMatMul | null {
  const hit = instances.get(memory);
  if (hit) return hit;
  if (!WebAssembly.validate(MODULE)) return null;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(MODULE), { env: { memory } });
  const f = instance.exports.bmm as SmallMatMul;
  instances.set(memory, f);
  return f;
}
