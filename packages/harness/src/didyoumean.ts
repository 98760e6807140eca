/** "Did you mean" suggestions for unknown names, by edit distance. */

export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** The closest known names within a distance of max(2, a third of the name). */
export function suggest(name: string, known: string[]): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return known.map((k) => ({ k, d: editDistance(name.toLowerCase(), k.toLowerCase()) }))
    .filter(({ k, d }) => d <= limit || k.startsWith(name))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, 3)
    .map(({ k }) => k);
}

export class UnknownNameError extends Error {
  constructor(kind: string, name: string, known: string[]) {
    const s = suggest(name, known);
    super(`unknown ${kind} '${name}'.${s.length ? ` Did you mean ${s.map((x) => `'${x}'`).join(' or ')}?` : ''} Known: ${known.join(', ') || '(none)'}`);
    this.name = 'UnknownNameError';
  }
}
