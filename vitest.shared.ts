import { defineConfig } from 'vitest/config';

/**
 * The vitest settings every package shares. Besides the console report, each package writes a
 * JSON report to tmp/test-results/<package>.json, which .ci/run totals into one closing line.
 */
export function packageTestConfig(pkg: string) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts'],
      // tfjs keeps one global engine per process; separate processes keep files independent.
      pool: 'forks',
      testTimeout: 120_000,
      reporters: ['default', ['json', { outputFile: `../../tmp/test-results/${pkg}.json` }]],
    },
  });
}
