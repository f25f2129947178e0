/**
 * The fleet-rate benchmark (not a test): the full device path at 1x and 10x the pilot rates against
 * a trivial target, and autocannon against the same target in the same run, printed as ratios
 * (STYLE.md 14). See format.ts `header()` for what each number means.
 *
 *   npx tsx bench/fleet-rate.ts [--duration 30s] [--json FILE] [--seed N]
 *   npm run bench                 (built: node dist/bench/fleet-rate.js)
 *
 * This file is the bench's entry point, the one place here that reads argv and sets the exit code
 * (the bench is a program of its own, like cli/).
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { parseDuration } from '../contract/duration.js';
import { loadScenario } from '../orchestrator/scenario.js';
import { clockTicks } from './cpu.js';
import { type FleetMeasurement, measureFleet } from './fleet-measure.js';
import { type BenchResult, formatBench } from './format.js';
import { runPeer } from './peer.js';
import { benchScenario } from './scenario.js';
import { forkTrivialTarget } from './target-process.js';

const FACTORS = [1, 10] as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '30s' },
      json: { type: 'string' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log('usage: fleet-rate [--duration 30s] [--json FILE] [--seed N]');
    return;
  }
  if (process.platform !== 'linux') {
    throw new Error('the bench reads CPU from /proc/self/stat: Linux only');
  }
  const durationMs = parseDuration(values.duration);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const hz = clockTicks();
  const demo = await loadScenario('demo');

  const target = await forkTrivialTarget();
  let targetCpuSeconds = Number.NaN;
  try {
    const fleet: FleetMeasurement[] = [];
    for (const factor of FACTORS) {
      process.stderr.write(`running the fleet at ${factor}x for ${durationMs / 1000} s ...\n`);
      fleet.push(
        await measureFleet({
          scenario: benchScenario(demo, { factor, durationMs }),
          factor,
          seed,
          target,
          clockTicks: hz,
        }),
      );
    }
    // The peer fires as many requests as the 10x run planned operations (same order of work).
    const biggest = fleet[fleet.length - 1];
    const amount = Math.max(
      1000,
      biggest
        ? Object.values(biggest.operations).reduce((n, o) => n + o.planned, 0)
        : Math.round((3500 * durationMs) / 60_000),
    );
    process.stderr.write(`running autocannon: ${amount} requests ...\n`);
    const peer = await runPeer({ baseUrl: target.url, amount, connections: 10 });
    targetCpuSeconds = (await target.stop()).cpuSeconds;

    const ratio = (x: number | null): number | null =>
      x === null || !(peer.cpuSecondsPer1000 > 0) ? null : x / peer.cpuSecondsPer1000;
    const result: BenchResult = {
      startedAt: new Date().toISOString(),
      node: process.version,
      cpus: availableParallelism(),
      clockTicks: hz,
      durationSeconds: durationMs / 1000,
      walletCooldownSeconds: demo.crowd.walletCooldown / 1000,
      seed,
      fleet,
      peer,
      targetCpuSeconds,
      ratios: fleet.map((m) => ({
        factor: m.factor,
        runPhase: ratio(m.cpu.runPhasePer1000Ops),
        total: ratio(m.cpu.totalPer1000Ops),
        perHttpRequestRunPhase: ratio(m.cpu.runPhasePer1000HttpRequests),
      })),
    };
    console.log(formatBench(result));
    if (values.json) {
      writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
      console.log(`\nJSON written to ${values.json}`);
    }
  } finally {
    await target.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
