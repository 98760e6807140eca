/**
 * The two fixed sinusoidal positional encodings of the reference (`src/utils/train_utils.py`):
 * the encoders' (base 100, sin and cos interleaved: dims 2i and 2i+1 share a frequency) and the
 * predictor's (I-JEPA's 1-D sincos, base 10000, the sin half then the cos half).
 */

/** [n, d]: pe[p][2i] = sin(p / 100^(2i/d)), pe[p][2i+1] = cos(p / 100^(2i/d)). */
export function encoderPositionalEncoding(n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  for (let p = 0; p < n; p++) {
    for (let i = 0; i < d; i += 2) {
      const w = p / 100 ** (i / d);
      out[p * d + i] = Math.sin(w);
      if (i + 1 < d) out[p * d + i + 1] = Math.cos(w);
    }
  }
  return out;
}

/** [n, d]: the first d/2 dims sin(p * w_k), the last d/2 cos(p * w_k), w_k = 1 / 10000^(k / (d/2)). */
export function predictorPositionalEncoding(n: number, d: number): Float32Array {
  if (d % 2) throw new Error(`predictor positional encoding needs an even width, got ${d}`);
  const half = d / 2;
  const out = new Float32Array(n * d);
  for (let p = 0; p < n; p++) {
    for (let k = 0; k < half; k++) {
      const w = p / 10000 ** (k / half);
      out[p * d + k] = Math.sin(w);
      out[p * d + half + k] = Math.cos(w);
    }
  }
  return out;
}
