/** Regression errors over paired arrays. */

function check(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  if (pred.length !== target.length) throw new Error(`regression metric: ${pred.length} predictions for ${target.length} targets`);
  if (pred.length === 0) throw new Error('regression metric: no rows');
  return pred.length;
}

export function rmse(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  const n = check(pred, target);
  let s = 0;
  for (let i = 0; i < n; i++) s += (pred[i] - target[i]) ** 2;
  return Math.sqrt(s / n);
}

export function mae(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  const n = check(pred, target);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(pred[i] - target[i]);
  return s / n;
}
