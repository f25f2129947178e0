/**
 * The soak bench (not a test, not in CI): the fleet at pilot rate (demo's devices and rates) for
 * `--duration` (30 min by default) against the trivial target, sampling the RSS of every process —
 * this orchestrator (with the embedded broker), each device host, the target — every `--every`.
 * Prints first/last/min/max per process and whether its level stays within ±10 % after warm-up
 * (drift of the last third vs the first third; the first `--warmup` is start-up and only reported).
 *
 *   npm run bench:soak -- [--duration 30m] [--every 10s] [--warmup 2m] [--devices-per-host N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runAndJudge } from '../cli/run-stages.js';
import { parseDuration } from '../contract/duration.js';
import { loadScenario } from '../orchestrator/scenario.js';
import { judgeRss, readRss } from './rss.js';
import { benchScenario } from './scenario.js';
import { forkTrivialTarget } from './target-process.js';
import { TRIVIAL_IDS, TRIVIAL_WEBHOOK_SECRET } from './trivial-ids.js';

const USAGE =
  'usage: soak [--duration 30m] [--every 10s] [--warmup 2m] [--devices-per-host 1] [--seed 1]';

const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '30m' },
      every: { type: 'string', default: '10s' },
      warmup: { type: 'string', default: '2m' },
      'devices-per-host': { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return void console.log(USAGE);
  const durationMs = parseDuration(values.duration);
  const everyMs = parseDuration(values.every);
  const warmupMs = Math.min(parseDuration(values.warmup), durationMs / 2);
  const perHost = Number(values['devices-per-host']);
  if (!Number.isInteger(perHost) || perHost < 1) throw new Error(`--devices-per-host: ${USAGE}`);
  const scenario = benchScenario(await loadScenario('demo'), { factor: 1, durationMs });
  const target = await forkTrivialTarget();
  const series = new Map<string, number[]>();
  const sample = (name: string, pid: number | 'self') => {
    const rss = readRss(pid);
    if (rss === null) return;
    const s = series.get(name) ?? [];
    series.set(name, s);
    s.push(rss);
  };
  let timer: NodeJS.Timeout | undefined;
  let startedAt = 0;
  const stateDir = mkdtempSync(join(tmpdir(), 'gf-soak-'));
  process.stderr.write(`soak: pilot rate for ${values.duration}, RSS every ${values.every} ...\n`);
  try {
    const { report } = await runAndJudge({
      scenario,
      seed: Number(values.seed),
      target: {
        kind: 'http',
        baseUrl: target.url,
        ids: TRIVIAL_IDS,
        webhookSecret: TRIVIAL_WEBHOOK_SECRET,
      },
      stateDir,
      fleet: 'soak',
      devicesPerHost: perHost,
      log: () => {},
      onReady: (info) => {
        startedAt = performance.now();
        const tick = () => {
          // Only while arrivals run: the drain and stop are not the steady state.
          if (performance.now() - startedAt > durationMs) return clearInterval(timer);
          sample('orchestrator+broker', 'self');
          for (const h of info.supervisor.hosts()) sample(`host ${h.hostId}`, h.pid);
          sample('trivial target', target.pid);
        };
        tick();
        timer = setInterval(tick, everyMs);
      },
    });
    clearInterval(timer);
    const warmupSamples = Math.ceil(warmupMs / everyMs);
    console.log(
      `soak: ${scenario.name}, ${values.duration}, samples every ${values.every}, warm-up ${warmupMs / 1000} s (${warmupSamples} samples) not judged; flat = median of the last third after warm-up within ±10 % of the first third's (drift); band = every sample within ±10 % of the median (GC peaks break it)`,
    );
    console.log(
      `${'process'.padEnd(24)}${'samples'.padStart(8)}${'first'.padStart(11)}${'last'.padStart(11)}${'min'.padStart(11)}${'max'.padStart(11)}${'median'.padStart(11)}${'drift'.padStart(9)}  band  flat`,
    );
    let allFlat = true;
    for (const [name, s] of series) {
      const v = judgeRss(s, warmupSamples);
      if (!v) {
        console.log(`${name.padEnd(24)}${String(s.length).padStart(8)}  (no sample after warm-up)`);
        allFlat = false;
        continue;
      }
      allFlat &&= v.flat;
      console.log(
        `${name.padEnd(24)}${String(v.samples).padStart(8)}${mb(v.first).padStart(11)}${mb(v.last).padStart(11)}${mb(v.min).padStart(11)}${mb(v.max).padStart(11)}${mb(v.baseline).padStart(11)}${`${(v.drift * 100).toFixed(1)} %`.padStart(9)}  ${v.withinBand ? 'yes ' : 'no  '}  ${v.flat ? 'yes' : 'NO'}`,
      );
    }
    const performed = Object.values(report.operations).reduce((n, o) => n + o.outcomes.ok, 0);
    console.log(`operations ok: ${performed}; every process flat: ${allFlat ? 'yes' : 'NO'}`);
    if (!allFlat) process.exitCode = 1;
  } finally {
    clearInterval(timer);
    rmSync(stateDir, { recursive: true, force: true });
    await target.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
