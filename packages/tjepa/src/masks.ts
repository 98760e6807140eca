/**
 * Context and target masks, after the reference's `src/mask.py` (MaskCollator).
 *
 * Sizes are drawn once per batch: size = min + round((max - min) * u), u uniform, with Python's
 * `round` (half to even: 6.5 -> 6), the (context, target) pair redrawn until context + target <= D.
 * Bounds are round(D * share), also half to even. Per sample, a random permutation of the D
 * feature indices gives the context (its first nCtx), and each of the 4 targets takes nTrgt of the
 * remaining indices after a fresh shuffle: targets never overlap the context but may overlap each
 * other.
 *
 * The reference draws indices over [0, D) but applies them to the nReg + D token sequence (the
 * regularization tokens come first), so a regularization token can be picked and the last feature
 * never is. `maskIndexing: 'reference'` keeps that; `'fixed'` shifts indices by nReg.
 */
import type { Rng } from '@repro/core';

/** Python's round(): halves go to the even neighbour. */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export interface MaskShares { minContext: number; maxContext: number; minTarget: number; maxTarget: number }
export interface MaskBounds { min_ctx: number; max_ctx: number; min_trgt: number; max_trgt: number }

export function maskBounds(numFeatures: number, s: MaskShares): MaskBounds {
  const b = {
    min_ctx: pyRound(numFeatures * s.minContext), max_ctx: pyRound(numFeatures * s.maxContext),
    min_trgt: pyRound(numFeatures * s.minTarget), max_trgt: pyRound(numFeatures * s.maxTarget),
  };
  if (!(b.max_ctx > b.min_ctx)) throw new Error(`mask shares too close for ${numFeatures} features: context ${b.min_ctx}..${b.max_ctx}`);
  if (b.min_ctx <= 0) throw new Error(`min context is 0 for ${numFeatures} features`);
  if (b.min_trgt <= 0) throw new Error(`min target is 0 for ${numFeatures} features`);
  return b;
}

/** One mask size from a uniform draw u in [0, 1). */
export const sampleSize = (min: number, max: number, u: number): number => min + pyRound((max - min) * u);

export type MaskIndexing = 'reference' | 'fixed';

export interface BatchMasks {
  nCtx: number;
  nTrgt: number;
  /** [batch * nCtx] token indices, row-major. */
  context: Int32Array;
  /** per target k: [batch * nTrgt] token indices. */
  targets: Int32Array[];
}

export function sampleMasks(batch: number, numFeatures: number, nReg: number, bounds: MaskBounds, rng: Rng,
  opts: { numTargets?: number; indexing?: MaskIndexing } = {}): BatchMasks {
  const numTargets = opts.numTargets ?? 4;
  const offset = (opts.indexing ?? 'reference') === 'fixed' ? nReg : 0;
  let nCtx = Infinity;
  let nTrgt = Infinity;
  while (nCtx + nTrgt > numFeatures) {
    nCtx = sampleSize(bounds.min_ctx, bounds.max_ctx, rng.float());
    nTrgt = sampleSize(bounds.min_trgt, bounds.max_trgt, rng.float());
  }
  const context = new Int32Array(batch * nCtx);
  const targets = Array.from({ length: numTargets }, () => new Int32Array(batch * nTrgt));
  const all = Array.from({ length: numFeatures }, (_, i) => i);
  for (let b = 0; b < batch; b++) {
    rng.shuffle(all);
    for (let i = 0; i < nCtx; i++) context[b * nCtx + i] = all[i] + offset;
    const rest = all.slice(nCtx);
    for (const t of targets) {
      rng.shuffle(rest);
      for (let i = 0; i < nTrgt; i++) t[b * nTrgt + i] = rest[i] + offset;
    }
  }
  return { nCtx, nTrgt, context, targets };
}
