/**
 * PS-KD's weight on the model's own past predictions at epoch t (0-based):
 *   alpha_t = max(0, alpha_T * (t + 1) / endEpoch)
 * as main.py computes it: it grows linearly and reaches alpha_T at the last epoch.
 */
export function alphaAt(epoch: number, o: { alphaT: number; endEpoch: number }): number {
  if (!(o.endEpoch > 0)) throw new Error(`alphaAt: endEpoch must be > 0, got ${o.endEpoch}`);
  return Math.max(0, (o.alphaT * (epoch + 1)) / o.endEpoch);
}
