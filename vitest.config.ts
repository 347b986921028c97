import { defineConfig } from 'vitest/config';

// Unit and GPU tests run in Node; heavy network tests get long timeouts (they are checks, not timings).
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/gpu/**/*.test.ts', 'test/browser/**/*.test.ts', 'test/package/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
