import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS, OUTCOMES } from '../contract/operations.js';
import type { EventResult } from '../contract/payloads.js';
import { formatProgress, formatReport } from './format.js';
import { createJournal, type Journal } from './journal.js';
import { createPlanner } from './planner.js';
import { createProgressWindow } from './progress.js';
import { buildReport, type Report } from './report.js';
import { loadScenario, type Scenario } from './scenario.js';
import { createStats, type Stats } from './stats.js';
import { evaluateThresholds } from './thresholds.js';

const START = 1_700_000_000_000;
const ITEMS = [
  { id: 'beer', name: 'Beer', priceCents: 800 },
  { id: 'soda', name: 'Soda', priceCents: 400 },
];
let dir: string;
let scenario: Scenario;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gf-report-'));
  scenario = { ...(await loadScenario('demo')), duration: 60_000 };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DEVICES = [
  {
    id: 'door-1',
    kind: 'entry-scanner',
    source: 'virtual',
    profile: 'usb-cdc-qr',
    input: 'virtual-serial',
    pid: 101,
    up: true,
    births: 1,
    clockOffsetMs: 0.4,
  },
  {
    id: 'door-2',
    kind: 'entry-scanner',
    source: 'virtual',
    profile: 'usb-cdc-qr',
    input: 'virtual-serial',
    pid: 102,
    up: false,
    births: 1,
    clockOffsetMs: -0.2,
  },
  {
    id: 'wallets',
    kind: 'wallet-app',
    source: 'virtual',
    profile: 'none',
    input: 'none',
    pid: null,
    up: true,
    births: 1,
    clockOffsetMs: null,
  },
] as const;

/**
 * A deterministic "run": every planned event gets an outcome by rule; service 20-60 ms for
 * entries, sojourn = service + 100 ms; funding takes 2 s. Some events are left for `unserved`.
 */
async function simulate(
  s: Scenario,
  opts: { skipFunding?: boolean } = {},
): Promise<{ journal: Journal; stats: Stats; report: Report }> {
  const journal = createJournal({
    path: join(dir, `run-${Math.random().toString(36).slice(2)}.jsonl`),
    run: { runId: 'run-t', scenario: s.name, seed: 1, startAt: START },
  });
  const stats = createStats();
  const planner = createPlanner({
    scenario: s,
    seed: 1,
    startAt: START,
    items: ITEMS,
    walletRef: (n) => ({ binding: `wallet_test_${n}`, fingerprint: `device_test_${n}` }),
  });
  const events = planner.next(Number.POSITIVE_INFINITY);
  const nthOfOp = { entry: 0, concession: 0, funding: 0 };
  events.forEach(({ event, device }, i) => {
    const nth = nthOfOp[event.op]++;
    journal.plan(event, device);
    if (opts.skipFunding && event.op === 'funding') {
      journal.end(event.id, 'dropped', 'no wallet-app up');
      return;
    }
    if (i % 97 === 0) {
      journal.end(event.id, 'interrupted', `${device} lost`);
      return;
    }
    if (nth % 10 === 9) return; // still queued at the end → unserved (some of every operation)
    const outcome: EventResult['outcome'] =
      i % 31 === 0 ? 'declined' : i % 89 === 0 ? 'timeout' : 'ok';
    const service = event.op === 'funding' ? 2000 : 20 + (i % 41);
    const result: EventResult = {
      id: event.id,
      op: event.op,
      outcome,
      source: 'virtual',
      at: event.at,
      queued: event.at + 1,
      sent: event.at + 50,
      responded: event.at + 50 + service,
      decided: event.at + 100 + service,
    };
    stats.recordResult(device, result);
    journal.end(event.id, outcome, result);
  });
  journal.endPending('unserved', 'run ended');
  const report = buildReport({
    scenario: s,
    runId: 'run-t',
    seed: 1,
    startedAt: START,
    endedAt: START + s.duration + 5000,
    journal,
    stats,
    devices: DEVICES,
    target: { kind: 'sandbox', url: 'http://127.0.0.1:1', mode: 'correct' },
    broker: { url: 'mqtt://127.0.0.1:2', embedded: true },
    crowd: planner.crowd(),
  });
  await journal.close();
  return { journal, stats, report };
}

describe('buildReport', () => {
  it('accounts for every planned event: outcome counts add up to planned', async () => {
    const { report, journal } = await simulate(scenario);
    let planned = 0;
    for (const op of OPERATIONS) {
      const o = report.operations[op];
      expect(o.planned).toBeGreaterThan(0);
      expect(OUTCOMES.reduce((n, k) => n + o.outcomes[k], 0)).toBe(o.planned);
      expect(o.bySource.virtual.planned + o.bySource.physical.planned).toBe(o.planned);
      const performed = o.outcomes.ok + o.outcomes.declined + o.outcomes.error + o.outcomes.timeout;
      expect(o.bySource.virtual.performed).toBe(performed);
      expect(o.achievedPerMinute).toBeCloseTo(performed, 2); // a 1-minute run
      expect(o.outcomes.unserved).toBeGreaterThan(0);
      planned += o.planned;
    }
    expect(journal.pending()).toBe(0);
    expect(report.journal).toEqual({ lateResults: 0, strayResults: 0, pending: 0 });
    expect(report.devices.map((d) => d.performed).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(
      planned,
    );
    expect(report.devices.find((d) => d.id === 'wallets')?.performed).toBe(
      report.operations.funding.bySource.virtual.performed,
    );
    expect(report.operations.entry.sojournSeconds.p95).toBeGreaterThan(
      report.operations.entry.serviceSeconds.p95 ?? 0,
    );
    expect(JSON.parse(JSON.stringify(report))).toEqual(report); // serializable for --json
  });

  it('judges thresholds on the chosen latency and counts failures over planned', async () => {
    const { report } = await simulate(scenario);
    const byName = Object.fromEntries(report.thresholds.map((t) => [t.name, t]));
    expect(Object.keys(byName)).toEqual([
      'entry sojourn p95',
      'concession sojourn p95',
      'funding sojourn mean',
      'failure rate',
    ]);
    expect(byName['entry sojourn p95']?.ok).toBe(true);
    expect(byName['funding sojourn mean']?.value).toBeCloseTo(2.1, 2);
    const failures = OPERATIONS.reduce(
      (n, op) =>
        n +
        report.operations[op].outcomes.interrupted +
        report.operations[op].outcomes.timeout +
        report.operations[op].outcomes.error +
        report.operations[op].outcomes.dropped,
      0,
    );
    const planned = OPERATIONS.reduce((n, op) => n + report.operations[op].planned, 0);
    expect(byName['failure rate']?.value).toBeCloseTo(failures / planned, 10);
    expect(byName['failure rate']?.ok).toBe(false); // ~1-2 % interrupted/timeouts by construction
    expect(report.passed).toBe(false);
  });

  it('fails a threshold that has no data instead of passing it vacuously', async () => {
    const { report } = await simulate(scenario, { skipFunding: true });
    const funding = report.thresholds.find((t) => t.name.startsWith('funding'));
    expect(funding).toMatchObject({ ok: false, value: null, reason: 'no funding samples' });
    expect(report.passed).toBe(false);
    const empty = evaluateThresholds(scenario.thresholds, {
      latency: {
        entry: { p50: null, p95: null, p99: null, max: null, mean: null, count: 0 },
        concession: { p50: null, p95: null, p99: null, max: null, mean: null, count: 0 },
        funding: { p50: null, p95: null, p99: null, max: null, mean: null, count: 0 },
      },
      active: { entry: true, concession: true, funding: false },
      failures: 0,
      planned: 0,
    });
    expect(empty.map((t) => [t.name, t.ok, t.value])).toEqual([
      ['entry sojourn p95', false, null],
      ['concession sojourn p95', false, null],
      ['failure rate', false, null],
    ]);
  });

  it('passes when every threshold is met', () => {
    const ok = evaluateThresholds(scenario.thresholds, {
      latency: {
        entry: { p50: 0.1, p95: 0.49, p99: 0.6, max: 1, mean: 0.2, count: 10 },
        concession: { p50: 0.1, p95: 0.79, p99: 0.9, max: 1, mean: 0.2, count: 10 },
        funding: { p50: 4, p95: 6, p99: 7, max: 8, mean: 5, count: 10 },
      },
      active: { entry: true, concession: true, funding: true },
      failures: 4,
      planned: 1000,
    });
    expect(ok.every((t) => t.ok)).toBe(true); // funding mean 5 ≤ 5; 0.4 % < 0.5 %
  });
});

describe('formatReport / formatProgress', () => {
  it('prints the key numbers, thresholds with ✓/✗ and the verdict', async () => {
    const { report } = await simulate(scenario);
    const text = formatReport(report);
    const e = report.operations.entry;
    expect(text).toContain('scenario demo');
    expect(text).toContain(e.achievedPerMinute.toFixed(1));
    expect(text).toContain(String(e.planned));
    expect(text).toContain((e.serviceSeconds.p95 ?? 0).toFixed(3));
    expect(text).toContain((e.sojournSeconds.p99 ?? 0).toFixed(3));
    expect(text).toMatch(/✓ entry sojourn p95\s+0\.\d{3} s < 0\.500 s/);
    expect(text).toMatch(/✗ failure rate\s+\d+\.\d\d % < 0\.50 %/);
    expect(text).toContain('door-2');
    expect(text).toContain('DOWN');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^FAILED \(1 of 4 thresholds not met\)$/);
    // Columns line up: every row of the operations table has the same width as its header.
    const table = text.split('\n\n')[1]?.split('\n') ?? [];
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
  });

  it('renders a progress line from a window of recent results', () => {
    const w = createProgressWindow({ windowMs: 10_000 });
    const now = START + 70_000;
    for (let i = 0; i < 30; i++) {
      const at = now - 9_000 + i * 300;
      w.record({
        id: `e-${i}`,
        op: 'entry',
        outcome: 'ok',
        source: 'virtual',
        at,
        decided: at + 100 + i,
      });
    }
    w.record({
      id: 'e-old',
      op: 'entry',
      outcome: 'ok',
      source: 'virtual',
      at: now - 60_000,
      decided: now - 59_000,
    });
    w.recordOutcome('concession', 'dropped');
    const snap = w.snapshot({
      now,
      startAt: START,
      totalMs: 120_000,
      targets: { entry: 200, concession: 120, funding: 0 },
      devicesUp: 6,
      devicesTotal: 7,
    });
    expect(snap.operations.entry.achievedPerMinute).toBeCloseTo(180, 6);
    const line = formatProgress(snap);
    expect(line).toBe(
      '[01:10/02:00] entry 180/200/min p95 0.128s · concession 0/120/min p95 — · errors 1 · devices 6/7 up',
    );
  });
});
