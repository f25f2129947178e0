import { defineConfig } from 'vitest/config';

// .ci/run asks for a JSON report too, to print its `N passed, N failed` line.
const jsonReport = process.env.GHOSTFLEET_TEST_JSON;

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Fleet tests fork 7+ real processes each, bind real ports and measure time: two of them at
    // once on this 2-core machine starved each other's timers (seen as rare failures in the
    // Prometheus and deploy tests), so files run one at a time (~13 min).
    maxWorkers: 1,
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
