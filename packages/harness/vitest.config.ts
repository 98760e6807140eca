import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // tfjs keeps one global engine per process; files share nothing but the backend choice.
    pool: 'forks',
    testTimeout: 120_000,
  },
});
