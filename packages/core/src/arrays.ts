/** Typed-array helpers shared by the packages. */

/** One typed array holding `parts` one after another. */
export function concatTyped<T extends Float32Array | Int32Array | Uint8Array>(Ctor: new (length: number) => T, parts: readonly T[]): T {
  const out = new Ctor(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
