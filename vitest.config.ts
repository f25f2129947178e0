import { defineConfig } from 'vitest/config';

// .ci/run asks for a JSON report too, to print its `N passed, N failed` line.
const jsonReport = process.env.GHOSTFLEET_TEST_JSON;

// Files that run whole fleets (7+ forked processes, real ports, timing checks): two of them at once
// on this 2-core machine starved each other's timers (seen as rare failures in the Prometheus and
// deploy tests), so they run one at a time, after everything else.
const FLEET_FILES = [
  'test/**/*.test.ts',
  '**/*.e2e.test.ts',
  'cli/commands/run.test.ts',
  'cli/commands/broker.test.ts',
  'devices/kinds/collisions.test.ts',
  'orchestrator/chaos/wiring.test.ts',
];
const EXCLUDE = ['node_modules/**', 'dist/**'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...EXCLUDE, ...FLEET_FILES],
          // Two files at once (one per core): these start at most a PostgreSQL, a PGlite, a
          // broker or a socat pair each, and none checks a wall-clock time.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'fleet',
          include: FLEET_FILES,
          exclude: EXCLUDE,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
