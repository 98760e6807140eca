/**
 * Learning-rate schedules as pure functions of a counter t (epochs or steps, the caller's choice),
 * matching PyTorch's closed forms: MultiStepLR, CosineAnnealingLR, CosineAnnealingWarmRestarts,
 * and a linear warm-up in front of any of them.
 */
export type Schedule = (t: number) => number;

export const constant = (lr: number): Schedule => () => lr;

/** lr * gamma^(number of milestones <= t). */
export function stepLr(lr: number, milestones: number[], gamma = 0.1): Schedule {
  return (t) => lr * gamma ** milestones.filter((m) => m <= t).length;
}

/** min + (lr - min) * (1 + cos(pi * t / total)) / 2, held at min after total. */
export function cosine(lr: number, total: number, min = 0): Schedule {
  if (!(total > 0)) throw new Error(`cosine schedule: total must be > 0, got ${total}`);
  return (t) => min + ((lr - min) * (1 + Math.cos((Math.PI * Math.min(t, total)) / total))) / 2;
}

/** SGDR: restarts after T0, then T0*mult, T0*mult^2, ... */
export function cosineWarmRestarts(lr: number, t0: number, mult = 1, min = 0): Schedule {
  if (!(t0 > 0) || !(mult >= 1)) throw new Error('cosineWarmRestarts: needs t0 > 0 and mult >= 1');
  return (t) => {
    let ti = t0, tc = t;
    if (mult === 1) tc = t % t0;
    else while (tc >= ti) { tc -= ti; ti *= mult; }
    return min + ((lr - min) * (1 + Math.cos((Math.PI * tc) / ti))) / 2;
  };
}

/** Linear warm-up from lr*startFactor to the inner schedule's value over `warmup` units, then the inner schedule shifted by `warmup`. */
export function linearWarmup(inner: Schedule, warmup: number, startFactor = 0): Schedule {
  return (t) => (t < warmup ? inner(0) * (startFactor + ((1 - startFactor) * t) / warmup) : inner(t - warmup));
}
