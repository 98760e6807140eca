/**
 * Column standardisation of flat row-major matrices with statistics fit on the training rows only:
 * (x - mean) / sd with the population sd; a constant column is only centred.
 */
export function standardizeColumns(train: Float32Array, others: Float32Array[], width: number): void {
  const n = train.length / width;
  for (let j = 0; j < width; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += train[i * width + j];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (train[i * width + j] - m) ** 2;
    const sd = Math.sqrt(v / n) || 1;
    for (const x of [train, ...others]) for (let i = 0; i < x.length / width; i++) x[i * width + j] = (x[i * width + j] - m) / sd;
  }
}
