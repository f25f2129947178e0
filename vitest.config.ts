import { defineConfig } from 'vitest/config';

// .ci/run asks for a JSON report too, to print its `N passed, N failed` line.
const jsonReport = process.env.GHOSTFLEET_TEST_JSON;

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Fleet tests fork real processes and bind real ports: keep the 2-core machine breathing.
    maxWorkers: 2,
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
