import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Device tests fork real processes and bind real ports: keep the 2-core machine breathing.
    maxWorkers: 2,
  },
});
