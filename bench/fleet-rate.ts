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
import { HUNDRED_X, STADIUM, venueScenario } from './stadium.js';
import { forkTrivialTarget } from './target-process.js';

const FACTORS = [1, 10] as const;
/** 261 devices in 4 hosts: a venue runs a few host machines, not one process per door (issue 6). */
const VENUE_DEVICES_PER_HOST = 66;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '30s' },
      json: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'devices-per-host': { type: 'string', default: '1' },
      'stadium-duration': { type: 'string', default: '60s' },
      'hundred-duration': { type: 'string', default: '20s' },
      'skip-venues': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      [
        'usage: fleet-rate [--duration 30s] [--json FILE] [--seed N] [--devices-per-host N]',
        '                  [--stadium-duration 60s] [--hundred-duration 20s] [--skip-venues]',
        '  --duration          each of the 1x and 10x demo runs',
        '  --devices-per-host  demo devices per device-host process in the 1x/10x runs (default 1)',
        '  --stadium-duration  the stadium run (60 doors, 200 POS, 60,000 wallets; 65 devices per host)',
        '  --hundred-duration  the 100x pilot run (same devices, 20,000 scans + 12,000 txn/min)',
        '  --skip-venues       only the 1x/10x runs and autocannon',
      ].join('\n'),
    );
    return;
  }
  if (process.platform !== 'linux') {
    throw new Error('the bench reads CPU from /proc/self/stat: Linux only');
  }
  const durationMs = parseDuration(values.duration);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const hz = clockTicks();
  const devicesPerHost = Number(values['devices-per-host']);
  if (!Number.isInteger(devicesPerHost) || devicesPerHost < 1) {
    throw new Error(
      `--devices-per-host must be a positive integer, got ${values['devices-per-host']}`,
    );
  }
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
          devicesPerHost,
        }),
      );
    }
    const venues: FleetMeasurement[] = [];
    if (!values['skip-venues']) {
      for (const [v, d] of [
        [STADIUM, values['stadium-duration']],
        [HUNDRED_X, values['hundred-duration']],
      ] as const) {
        const scenario = venueScenario(demo, { ...v, durationMs: parseDuration(d) });
        process.stderr.write(
          `running ${v.name} (${scenario.devices.length} devices) for ${d} ...\n`,
        );
        venues.push(
          await measureFleet({
            scenario,
            factor: v.entryPerMinute / demo.operations.entry.perMinute,
            seed,
            target,
            clockTicks: hz,
            devicesPerHost: VENUE_DEVICES_PER_HOST,
          }),
        );
      }
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
    // The same peer paced at the 10x run's own HTTP rate: like for like in offered load (a paced
    // client wakes a sleeping target per request; a saturating one never lets it sleep).
    const pacedRate = biggest
      ? Math.max(1, Math.round(biggest.httpRequestsTotal / (durationMs / 1000)))
      : Math.round((3500 * 1.2) / 60);
    process.stderr.write(`running autocannon paced at ${pacedRate} req/s ...\n`);
    const pacedPeer = await runPeer({
      baseUrl: target.url,
      amount: Math.max(200, biggest?.httpRequestsTotal ?? pacedRate * 20),
      connections: 10,
      overallRate: pacedRate,
    });
    targetCpuSeconds = (await target.stop()).cpuSeconds;

    const ratioTo =
      (p: { cpuSecondsPer1000: number }) =>
      (x: number | null): number | null =>
        x === null || !(p.cpuSecondsPer1000 > 0) ? null : x / p.cpuSecondsPer1000;
    const ratio = ratioTo(peer);
    const paced = ratioTo(pacedPeer);
    const result: BenchResult = {
      startedAt: new Date().toISOString(),
      node: process.version,
      cpus: availableParallelism(),
      clockTicks: hz,
      durationSeconds: durationMs / 1000,
      walletCooldownSeconds: demo.crowd.walletCooldown / 1000,
      seed,
      fleet,
      venues,
      peer,
      pacedPeer,
      targetCpuSeconds,
      ratios: fleet.map((m) => ({
        factor: m.factor,
        runPhase: ratio(m.cpu.runPhasePer1000Ops),
        total: ratio(m.cpu.totalPer1000Ops),
        perHttpRequestRunPhase: ratio(m.cpu.runPhasePer1000HttpRequests),
        perHttpRequestWarm: ratio(m.warm?.cpuPer1000HttpRequests ?? null),
        pacedRunPhase: paced(m.cpu.runPhasePer1000Ops),
        pacedPerHttpRequestWarm: paced(m.warm?.cpuPer1000HttpRequests ?? null),
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
