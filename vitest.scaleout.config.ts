import { defineConfig } from 'vitest/config';

// `npm run test:scaleout`: the PyNN-on-NEURON MPI comparison (docs/scale-out.md), outside `npm test`.
export default defineConfig({
  test: {
    include: ['test/scaleout/**/*.test.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 3_600_000,
    pool: 'forks',
  },
});
