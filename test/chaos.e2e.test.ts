/**
 * Chaos for real, through the whole fleet: scenario F compressed into 60 s (`chaos-short.json`: a
 * door SIGKILLed and revived, a concession taken offline, +800 ms per database statement for 6 s,
 * 10 % duplicate and 5 s-delayed Stripe webhooks) against the correct-mode sandbox, then the
 * report's chaos section and the database's verdict on the duplicates; and an abort threshold
 * stopping a run whose target (behind the fault proxy) fails half its requests.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAndJudge } from '../cli/run-stages.js';
import { OPERATIONS, OUTCOMES } from '../contract/operations.js';
import { timelineSchema } from '../orchestrator/chaos/timeline.js';
import { loadScenario } from '../orchestrator/scenario.js';
import type { Report } from '../validation/report.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'gf-chaos-e2e-'));
  dirs.push(d);
  return d;
};
const patrons = (r: Report, op: (typeof OPERATIONS)[number]) =>
  OUTCOMES.filter((o) => o !== 'reassigned').reduce((n, o) => n + r.operations[op].outcomes[o], 0);

describe('chaos through the fleet', () => {
  it('runs scenario F in 60 s: every fault journaled, detected, and the duplicates credited once', async () => {
    const base = await loadScenario('chaos-short');
    const scenario = { ...base, crowd: { ...base.crowd, wallets: 800, maxInside: 400 } };
    const logs: string[] = [];
    const { report, journalPath } = await runAndJudge({
      scenario,
      seed: 21,
      target: { kind: 'sandbox' },
      stateDir: tmp(),
      fleet: 'chaos-e2e',
      log: (l) => logs.push(l),
      stripeDelayMs: 300,
    });
    const records = readFileSync(journalPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { t: string; phase?: string; entry?: number });
    const chaos = records.filter((r) => r.t === 'chaos');
    // Five entries start; the kill and the spike end after their `for`, the webhook knobs when
    // the arrivals end (the drain runs clean); concession-3's outage has no end (never revived).
    expect(new Set(chaos.filter((r) => r.phase === 'start').map((r) => r.entry))).toEqual(
      new Set([0, 1, 2, 3, 4]),
    );
    expect(new Set(chaos.filter((r) => r.phase === 'end').map((r) => r.entry))).toEqual(
      new Set([0, 1, 2, 4]),
    );
    const section = report.chaos;
    expect(section, logs.join('\n')).not.toBeNull();
    const kill = section?.faults.find((f) => f.kind === 'kill');
    expect(kill?.detectMs ?? Number.POSITIVE_INFINITY).toBeLessThan(2000);
    expect(kill?.backUpMs ?? Number.POSITIVE_INFINITY).toBeLessThan(5000);
    expect((kill?.crowd.reassigned ?? 0) + (kill?.crowd.interrupted ?? 0)).toBeGreaterThan(0);
    const spike = section?.faults.find((f) => f.kind === 'db-latency');
    const entry = spike?.operations.entry;
    expect(entry?.during.p95SojournSeconds ?? 0).toBeGreaterThan(
      entry?.before.p95SojournSeconds ?? 1,
    );
    for (const op of OPERATIONS) expect(patrons(report, op)).toBe(report.operations[op].planned);
    // 10 % of the webhooks were delivered twice: correct mode credited each session once.
    const i8 = report.invariants?.find((i) => i.id === 'I8');
    expect(i8, JSON.stringify(report.invariants)).toMatchObject({ ok: true, count: 0 });
    expect(report.invariants?.filter((i) => !i.ok && !i.reportOnly)).toEqual([]);
    expect(logs.some((l) => /chaos start: kill door-1/.test(l))).toBe(true);
  }, 300_000);

  it('stops on an abort threshold when the target fails half its requests, and says why', async () => {
    const demo = await loadScenario('demo');
    const chaos = timelineSchema().parse([
      { at: '4s', fault: { kind: 'http-5xx', mode: 'reject', rate: 0.5 } },
    ]);
    const scenario = {
      ...demo,
      name: 'abort-e2e',
      duration: 60_000,
      crowd: { ...demo.crowd, wallets: 600, maxInside: 300 },
      abort: { failureRate: 0.05, window: 10_000, minEvents: 10 },
      chaos,
    };
    const logs: string[] = [];
    const started = Date.now();
    const result = await runAndJudge({
      scenario,
      seed: 22,
      target: { kind: 'sandbox' },
      stateDir: tmp(),
      fleet: 'abort-e2e',
      log: (l) => logs.push(l),
      stripeDelayMs: 300,
      faultProxy: true,
    });
    expect(result.abortReason, logs.join('\n')).toMatch(/failures over the last 10 s .* > 5\.0 %/);
    expect(result.report.notes.some((n) => n.startsWith('aborted: abort threshold crossed'))).toBe(
      true,
    );
    expect(result.report.operations.entry.outcomes.error).toBeGreaterThan(0);
    expect(result.report.passed).toBe(false);
    // It stopped on its own, long before its planned minute (startup and drain included).
    expect(result.report.operations.entry.planned).toBeLessThan(150);
    expect(Date.now() - started).toBeGreaterThan(0);
  }, 300_000);
});
