/**
 * Python string semantics the reference's parsers depend on, quirks included: negative indices in
 * slices count from the end (so a "not found" -1 silently becomes "the last character").
 */

/** Python `s[start:end]` (either bound may be negative or omitted). */
export function pySlice(s: string, start?: number, end?: number): string {
  const n = s.length;
  const norm = (x: number | undefined, dflt: number) => (x === undefined ? dflt : x < 0 ? Math.max(0, n + x) : Math.min(x, n));
  const a = norm(start, 0);
  const b = norm(end, n);
  return b > a ? s.slice(a, b) : '';
}

/** Python `s.find(q)` on `s[start:]`, as an index into `s` (the reference's `find_idx_after`). */
export function findAfter(s: string, start: number, q: string): number {
  const tail = pySlice(s, start);
  const i = tail.indexOf(q);
  if (i < 0) return -1;
  return (start < 0 ? Math.max(0, s.length + start) : start) + i;
}
