/**
 * The reference's schedules (`src/utils/scheduler.py`, `src/train.py`): EMA momentum rising
 * linearly from 0.996 to 1 over training, the EMA update itself, linear warm-up then cosine decay of
 * the learning rate, and a cosine weight-decay schedule.
 */

/** m_i = m0 + i (1 - m0) / (stepsPerEpoch * epochs). */
export function emaMomentum(i: number, stepsPerEpoch: number, epochs: number, m0 = 0.996): number {
  return m0 + (i * (1 - m0)) / (stepsPerEpoch * epochs);
}

/** target = m target + (1 - m) online, element-wise, in place. */
export function emaUpdate(target: Float32Array | number[], online: ArrayLike<number>, m: number): void {
  for (let i = 0; i < target.length; i++) target[i] = m * target[i] + (1 - m) * online[i];
}

/** Linear warm-up from startLr to refLr over warmupSteps, then cosine to finalLr at totalSteps. */
export function warmupCosine(step: number, o: { warmupSteps: number; totalSteps: number; refLr: number; startLr?: number; finalLr?: number }): number {
  const start = o.startLr ?? 0;
  const final = o.finalLr ?? 0;
  if (step < o.warmupSteps) return start + (step * (o.refLr - start)) / o.warmupSteps;
  const progress = (step - o.warmupSteps) / Math.max(1, o.totalSteps - o.warmupSteps);
  return Math.max(final, final + (o.refLr - final) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** Cosine from refWd to finalWd over totalSteps. */
export function cosineWeightDecay(step: number, o: { totalSteps: number; refWd: number; finalWd: number }): number {
  const progress = Math.min(1, step / Math.max(1, o.totalSteps));
  return o.finalWd + (o.refWd - o.finalWd) * 0.5 * (1 + Math.cos(Math.PI * progress));
}
