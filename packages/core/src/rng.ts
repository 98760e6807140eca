/**
 * Seeded random numbers with independent named streams. A stream is keyed by (seed, name), so
 * adding draws to one stream (say, data order) never shifts another (say, weight init).
 * Generator: xoshiro128** seeded through splitmix32; the same seed gives the same numbers on
 * every platform (32-bit integer arithmetic only).
 */

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a over the UTF-16 code units of a stream name. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export interface RngState { s: number[]; spareNormal: number | null }

export class Rng {
  private s = new Uint32Array(4);
  private spareNormal: number | null = null;

  constructor(readonly seed: number, readonly name = 'default') {
    if (!Number.isInteger(seed)) throw new Error(`Rng seed must be an integer, got ${seed}`);
    const mix = splitmix32((seed >>> 0) ^ hashName(name));
    for (let i = 0; i < 4; i++) this.s[i] = mix();
    if (!(this.s[0] | this.s[1] | this.s[2] | this.s[3])) this.s[0] = 1;
  }

  /** An independent stream derived from this one's seed and a name. */
  stream(name: string): Rng {
    return new Rng(this.seed, `${this.name}/${name}`);
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  float(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / 9007199254740992;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /**
   * Fills `out` with integers in [0, n) as floor(u32 * n / 2^32): the stream's next out.length
   * 32-bit draws, with the state in locals (bootstrap resampling draws millions). The bias is
   * below n / 2^32; use int() where that matters.
   */
  fillIndices(out: Int32Array | Uint32Array, n: number): void {
    if (!(n > 0 && n <= 2 ** 32)) throw new Error(`Rng.fillIndices needs 0 < n <= 2^32, got ${n}`);
    const s = this.s;
    let s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
    for (let i = 0; i < out.length; i++) {
      const r = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
      const t = (s1 << 9) >>> 0;
      s2 = (s2 ^ s0) >>> 0; s3 = (s3 ^ s1) >>> 0; s1 = (s1 ^ s2) >>> 0; s0 = (s0 ^ s3) >>> 0;
      s2 = (s2 ^ t) >>> 0; s3 = rotl(s3, 11);
      out[i] = Math.floor((r * n) / 4294967296);
    }
    s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!(n > 0 && n <= 2 ** 32)) throw new Error(`Rng.int needs 0 < n <= 2^32, got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    let x: number;
    do x = this.nextU32(); while (x >= limit);
    return x % n;
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Beta(a, b) through two gamma draws (Marsaglia-Tsang). */
  beta(a: number, b: number): number {
    const x = this.gamma(a), y = this.gamma(b);
    return x / (x + y);
  }

  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.float() || Number.MIN_VALUE, 1 / shape);
    const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do { x = this.normal(); v = 1 + c * x; } while (v <= 0);
      v = v * v * v;
      const u = this.float();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(a: T[] | Int32Array | Float32Array | Float64Array): typeof a {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]; a[i] = a[j]; a[j] = t;
    }
    return a;
  }

  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p) as Int32Array;
  }

  /** Where the stream stands, to save with a checkpoint; `setState` puts it back exactly. */
  getState(): RngState {
    return { s: [...this.s], spareNormal: this.spareNormal };
  }

  setState(state: RngState): void {
    if (!Array.isArray(state?.s) || state.s.length !== 4 || !state.s.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)) {
      throw new Error(`Rng.setState: expected four unsigned 32-bit integers, got ${JSON.stringify(state?.s)}`);
    }
    this.s.set(state.s);
    this.spareNormal = state.spareNormal ?? null;
  }

  /** A seed for tfjs random ops (tf.randomNormal(shape, mean, std, dtype, seed)). */
  tfSeed(): number {
    return this.nextU32() % 2147483647;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Shorthand: the named stream of a seed. */
export function rngFor(seed: number, stream: string): Rng {
  return new Rng(seed, stream);
}
