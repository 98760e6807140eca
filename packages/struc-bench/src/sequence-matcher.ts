/**
 * Python's `difflib.SequenceMatcher(None, a, b)`, ported for `ratio()`: the longest-matching-block
 * recursion and the **autojunk** heuristic, which the reference's difflib scores depend on. When b
 * has 200 or more elements, every element occurring more than `floor(len(b) / 100) + 1` times is
 * "popular": it is dropped from the index of b, so no match can start on it, although a match may
 * still extend over it (popular is not junk). That makes difflib scores of long tables with many
 * repeated cells ("0", "1") far lower than the share of cells that agree.
 */

export type Seq = readonly string[] | string;

export class SequenceMatcher {
  private readonly a: readonly string[];
  private readonly b: readonly string[];
  private readonly b2j = new Map<string, number[]>();
  /** Elements dropped from b2j by autojunk. */
  readonly popular = new Set<string>();

  constructor(a: Seq, b: Seq, readonly autojunk = true) {
    this.a = typeof a === 'string' ? [...a] : a;
    this.b = typeof b === 'string' ? [...b] : b;
    this.b.forEach((x, j) => {
      const js = this.b2j.get(x);
      if (js) js.push(j);
      else this.b2j.set(x, [j]);
    });
    const n = this.b.length;
    if (autojunk && n >= 200) {
      const ntest = Math.floor(n / 100) + 1;
      for (const [x, js] of this.b2j) if (js.length > ntest) this.popular.add(x);
      for (const x of this.popular) this.b2j.delete(x);
    }
  }

  /** The longest a[i:i+k] == b[j:j+k] in the ranges, earliest in a, then in b (difflib's tie rule). */
  findLongestMatch(alo: number, ahi: number, blo: number, bhi: number): [number, number, number] {
    const { a, b } = this;
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of this.b2j.get(a[i]) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestsize) { besti = i - k + 1; bestj = j - k + 1; bestsize = k; }
      }
      j2len = next;
    }
    // With no junk function, only popular elements are missing from b2j; a match extends over them.
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) { besti--; bestj--; bestsize++; }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
    return [besti, bestj, bestsize];
  }

  /** Matching blocks [i, j, size], sorted, without difflib's adjacent-block merge (sizes are what ratio needs). */
  matchingBlocks(): [number, number, number][] {
    const out: [number, number, number][] = [];
    const queue: [number, number, number, number][] = [[0, this.a.length, 0, this.b.length]];
    while (queue.length) {
      const [alo, ahi, blo, bhi] = queue.pop()!;
      const [i, j, k] = this.findLongestMatch(alo, ahi, blo, bhi);
      if (!k) continue;
      out.push([i, j, k]);
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
    return out.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  }

  /** 2 * matches / (len(a) + len(b)); 1 when both are empty. */
  ratio(): number {
    const total = this.a.length + this.b.length;
    if (!total) return 1;
    const matches = this.matchingBlocks().reduce((s, [, , k]) => s + k, 0);
    return (2 * matches) / total;
  }
}

function intern(a: Seq, b: Seq): [Int32Array, Int32Array, number] {
  const ids = new Map<string, number>();
  const f = (s: Seq) => Int32Array.from(typeof s === 'string' ? [...s] : s, (t) => {
    let id = ids.get(t);
    if (id === undefined) { id = ids.size; ids.set(t, id); }
    return id;
  });
  const x = f(a);
  const y = f(b);
  return [x, y, ids.size];
}

/** The textbook dynamic programme, O(n m); kept as the check on the bit-parallel version. */
export function levenshteinDp(a: Seq, b: Seq): number {
  const [x, y] = intern(a, b);
  if (!x.length) return y.length;
  if (!y.length) return x.length;
  let prev = new Int32Array(y.length + 1).map((_, j) => j);
  let cur = new Int32Array(y.length + 1);
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i;
    const xi = x[i - 1];
    for (let j = 1; j <= y.length; j++) {
      const sub = prev[j - 1] + (xi === y[j - 1] ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[y.length];
}

/**
 * Edit distance (insert, delete, substitute, each 1) between two sequences of strings or
 * characters, by Myers' bit-vector algorithm in Hyyrö's multi-word form: O(n m / 32). The
 * reference flattens a 200-row HTML table into about 16,000 tags, where the plain dynamic programme
 * (256 million cells) takes seconds.
 */
export function levenshtein(a: Seq, b: Seq): number {
  const [x, y, sigma] = intern(a, b);
  const m = x.length;
  if (!m) return y.length;
  if (!y.length) return m;
  const blocks = Math.ceil(m / 32);
  // Peq[t * blocks + k]: bit i of block k set where x[32k + i] is token t.
  const peq = new Uint32Array(sigma * blocks);
  for (let i = 0; i < m; i++) peq[x[i] * blocks + (i >>> 5)] |= (1 << (i & 31)) >>> 0;
  const P = new Uint32Array(blocks).fill(0xffffffff);
  const M = new Uint32Array(blocks);
  const lastHigh = (1 << ((m - 1) & 31)) >>> 0;
  let score = m;
  for (let j = 0; j < y.length; j++) {
    const base = y[j] * blocks;
    let hin = 1; // row 0 of the DP table grows by one per column
    for (let k = 0; k < blocks; k++) {
      let eq = peq[base + k];
      const pv = P[k];
      const mv = M[k];
      const xv = (eq | mv) >>> 0;
      if (hin < 0) eq = (eq | 1) >>> 0;
      const xh = ((((eq & pv) >>> 0) + pv) ^ pv | eq) >>> 0;
      let ph = (mv | ~(xh | pv)) >>> 0;
      let mh = (pv & xh) >>> 0;
      const high = k === blocks - 1 ? lastHigh : 0x80000000;
      const hout = ph & high ? 1 : mh & high ? -1 : 0;
      ph = (ph << 1) >>> 0;
      mh = (mh << 1) >>> 0;
      if (hin < 0) mh = (mh | 1) >>> 0;
      else if (hin > 0) ph = (ph | 1) >>> 0;
      P[k] = (mh | ~(xv | ph)) >>> 0;
      M[k] = (ph & xv) >>> 0;
      hin = hout;
    }
    score += hin;
  }
  return score;
}

/** The reference's `levenshtein_similarity`: 1 - Lev / (2 len(gold)); 0 when gold is empty; unbounded below. */
export function levenshteinSimilarity(pred: Seq, gold: Seq): number {
  if (!gold.length) return 0;
  return 1 - levenshtein(pred, gold) / (2 * gold.length);
}

/** The reference's `difflib_similarity`: SequenceMatcher(None, pred, gold).ratio(), autojunk on. */
export function difflibSimilarity(pred: Seq, gold: Seq): number {
  return new SequenceMatcher(pred, gold).ratio();
}
