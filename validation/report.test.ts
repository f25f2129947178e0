import { describe, expect, it } from 'vitest';
import type { JournalRecord, RunPlan } from '../contract/journal.js';
import { OPERATIONS, type Operation, OUTCOMES } from '../contract/operations.js';
import type { EventResult } from '../contract/payloads.js';
import { formatReport } from './format.js';
import { parseJournal } from './journal-file.js';
import { replayJournal } from './replay.js';
import { buildReport, type Report } from './report.js';
import { evaluateThresholds } from './thresholds.js';

const START = 1_700_000_000_000;
const PLAN: RunPlan = {
  durationMs: 60_000,
  dropDeadlineMs: 10_000,
  perMinute: { entry: 200, concession: 120, funding: 30 },
  thresholds: {
    entryP95Seconds: 0.5,
    concessionP95Seconds: 0.8,
    fundingMeanSeconds: 5,
    failureRate: 0.005,
    latency: 'sojourn',
  },
};
const DEVICE = { entry: 'door-1', concession: 'concession-1', funding: 'wallets' } as const;
const KIND = { entry: 'entry-scanner', concession: 'pos-terminal', funding: 'wallet-app' } as const;

type Fate = 'ok' | 'declined' | 'timeout' | 'interrupted' | 'unserved' | 'reassigned' | 'pending';

/** A journal of one minute at `perMinute`; `fate(op, i)` decides each patron's end. */
function journal(fate: (op: Operation, i: number) => Fate, serviceMs = 40): JournalRecord[] {
  const r: JournalRecord[] = [
    { t: 'run', runId: 'run-t', scenario: 'demo', seed: 1, createdAt: START - 2000, plan: PLAN },
    { t: 'phase', phase: 'running', at: START - 1, startAt: START, endsAt: START + 60_000 },
  ];
  for (const op of OPERATIONS) {
    const n = PLAN.perMinute[op];
    for (let i = 0; i < n; i++) {
      const id = `${op[0]}-${i}`;
      const at = START + Math.floor((i * 60_000) / n);
      const device = DEVICE[op];
      r.push({
        t: 'planned',
        id,
        op,
        at,
        device,
        wallet: `wallet_test_${i}`,
        method: 'QR',
        source: 'virtual',
      });
      const f = fate(op, i);
      if (f === 'pending') continue;
      const service = op === 'funding' ? 2000 : serviceMs;
      const res = (rid: string, outcome: EventResult['outcome']): EventResult => ({
        id: rid,
        op,
        outcome,
        source: 'virtual',
        at,
        queued: at + 1,
        sent: at + 10,
        responded: at + 10 + service,
        decided: at + 20 + service,
      });
      if (f === 'reassigned') {
        r.push({ t: 'end', id, outcome: 'reassigned', device, endedAt: at - 100, reason: 'lost' });
        r.push({
          t: 'planned',
          id: `${id}r`,
          op,
          at,
          device: `${device}b`,
          wallet: `wallet_test_${i}`,
          method: 'QR',
          source: 'virtual',
          reassignedFrom: id,
        });
        r.push({
          t: 'end',
          id: `${id}r`,
          outcome: 'ok',
          device: `${device}b`,
          endedAt: at + 60,
          result: res(`${id}r`, 'ok'),
        });
      } else if (f === 'interrupted' || f === 'unserved') {
        r.push({
          t: 'end',
          id,
          outcome: f,
          device,
          endedAt: at + 20_000,
          waitedMs: 20_000,
          reason: 'x',
        });
      } else {
        r.push({ t: 'end', id, outcome: f, device, endedAt: at + 60, result: res(id, f) });
      }
    }
  }
  r.push({
    t: 'closed',
    endedAt: START + 65_000,
    aborted: false,
    devices: OPERATIONS.map((op) => ({
      id: DEVICE[op],
      kind: KIND[op],
      source: 'virtual',
      profile: 'usb-cdc-qr',
      input: 'virtual-serial',
      pid: 100,
      up: op !== 'concession',
      births: 1,
      clockOffsetMs: 0.4,
    })),
    target: { kind: 'sandbox', url: 'http://127.0.0.1:1', mode: 'correct' },
    broker: { url: 'mqtt://127.0.0.1:2', embedded: true },
    crowd: { noEligible: { entry: 0, concession: 3, funding: 0 }, forcedLeaves: 0 },
    notes: [],
  });
  return r;
}

const report = (records: JournalRecord[]): Report => buildReport(replayJournal(records));
const patronSum = (o: Report['operations'][Operation]) =>
  OUTCOMES.filter((k) => k !== 'reassigned').reduce((n, k) => n + o.outcomes[k], 0);

describe('the report, from the journal alone', () => {
  it('accounts for every patron: outcomes add up to planned, and it survives JSON', () => {
    const rep = report(journal((_, i) => (i % 50 === 7 ? 'declined' : 'ok')));
    for (const op of OPERATIONS) {
      const o = rep.operations[op];
      expect(o.planned).toBe(PLAN.perMinute[op]);
      expect(patronSum(o)).toBe(o.planned);
      expect(o.achievedPerMinute).toBe(PLAN.perMinute[op]);
    }
    expect(rep.devices.find((d) => d.id === 'door-1')?.performed).toBe(200);
    expect(rep.notes).toContain(
      '3 concession arrivals found no eligible wallet and used the best candidate',
    );
    expect(rep.passed).toBe(true);
    expect(JSON.parse(JSON.stringify(rep))).toEqual(rep);
  });

  it('counts patrons, not copies: a reassigned event and its copy are one patron', () => {
    const rep = report(journal((op, i) => (op === 'entry' && i < 20 ? 'reassigned' : 'ok')));
    const e = rep.operations.entry;
    expect(e.planned).toBe(200); // not 220
    expect(e.outcomes.reassigned).toBe(20);
    expect(e.outcomes.ok).toBe(200);
    expect(rep.thresholds.find((t) => t.name === 'failure rate')?.value).toBe(0);
  });

  it('fails the failure-rate threshold on unserved patrons, and on patrons with no end at all', () => {
    // 2 unserved of 350 patrons = 0.57 % ≥ 0.5 %: k6's "unserved is not a failure" would pass this.
    const unserved = report(journal((op, i) => (op === 'entry' && i < 2 ? 'unserved' : 'ok')));
    const rate = unserved.thresholds.find((t) => t.name === 'failure rate');
    expect(rate?.value).toBeCloseTo(2 / 350, 10);
    expect(rate?.ok).toBe(false);
    const cut = report(journal((op, i) => (op === 'entry' && i < 2 ? 'pending' : 'ok')));
    expect(cut.operations.entry.planned).toBe(200);
    expect(cut.operations.entry.failures).toBe(2);
    expect(cut.journal.pending).toBe(2);
    expect(cut.passed).toBe(false);
  });

  it('counts never-served patrons in sojourn percentiles, censored at their wait, and says how many', () => {
    // 5 % of entries interrupted after a 20 s wait: they are the p95, not invisible.
    const rep = report(journal((op, i) => (op === 'entry' && i % 20 === 0 ? 'interrupted' : 'ok')));
    const s = rep.operations.entry.sojournSeconds;
    expect(s.count).toBe(200);
    expect(s.censored).toBe(10);
    expect(s.max).toBeCloseTo(20, 1);
    expect(s.p99).toBeCloseTo(20, 1);
    expect(rep.operations.entry.serviceSeconds.count).toBe(190);
    expect(rep.notes.some((n) => /entry: 10 of 200 sojourn values are censored/.test(n))).toBe(
      true,
    );
    expect(rep.thresholds.find((t) => t.name === 'entry sojourn p95')?.ok).toBe(true);
    const worse = report(
      journal((op, i) => (op === 'entry' && i % 10 === 0 ? 'interrupted' : 'ok')),
    );
    expect(worse.thresholds.find((t) => t.name === 'entry sojourn p95')?.ok).toBe(false);
  });

  it('never reports a percentile above the max', () => {
    const rep = report(journal(() => 'ok', 487));
    for (const op of OPERATIONS) {
      for (const k of ['serviceSeconds', 'sojournSeconds'] as const) {
        const s = rep.operations[op][k];
        expect(s.p99 ?? 0).toBeLessThanOrEqual(s.max ?? 0);
        expect(s.p95 ?? 0).toBeLessThanOrEqual(s.max ?? 0);
      }
    }
  });

  it('fails a threshold that has no data instead of passing it vacuously', () => {
    const recs = journal((op) => (op === 'funding' ? 'unserved' : 'ok')).map((r) =>
      r.t === 'end' && r.id.startsWith('f-') ? { ...r, waitedMs: undefined } : r,
    );
    const rep = report(recs);
    const funding = rep.thresholds.find((t) => t.name.startsWith('funding'));
    expect(funding).toMatchObject({ ok: false, value: null, reason: 'no funding samples' });
    const none = { p50: null, p95: null, p99: null, max: null, mean: null, count: 0, censored: 0 };
    const empty = evaluateThresholds(PLAN.thresholds, {
      latency: { entry: none, concession: none, funding: none },
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

  it('fails the run on a violated invariant, but not on a report-only one', () => {
    const run = replayJournal(journal(() => 'ok'));
    const bad = { id: 'I4', name: 'entry numbering', ok: false, count: 2, sample: [] };
    const info = {
      id: 'I12',
      name: 'audit rows',
      ok: false,
      count: 9,
      sample: [],
      reportOnly: true,
    };
    expect(buildReport(run, { invariants: [info] }).passed).toBe(true);
    expect(buildReport(run, { invariants: [info, bad] }).passed).toBe(false);
  });

  it('reads a journal file back, naming each malformed line', () => {
    const text = journal(() => 'ok')
      .slice(0, 3)
      .map((r) => JSON.stringify(r))
      .join('\n');
    expect(parseJournal(text)).toHaveLength(3);
    expect(() => parseJournal(`${text}\n{"t":"planned","id":1}\nnot json`, 'j.jsonl')).toThrow(
      expect.objectContaining({
        details: expect.arrayContaining([
          expect.stringMatching(/^j\.jsonl:4: /),
          'j.jsonl:5: not JSON',
        ]),
      }),
    );
  });
});

describe('formatReport', () => {
  it('prints the key numbers, thresholds with ✓/✗ and the verdict', () => {
    const rep = report(journal((op, i) => (op === 'entry' && i < 4 ? 'timeout' : 'ok')));
    const text = formatReport(rep);
    const e = rep.operations.entry;
    expect(text).toContain('scenario demo');
    expect(text).toContain(e.achievedPerMinute.toFixed(1));
    expect(text).toContain((e.serviceSeconds.p95 ?? 0).toFixed(3));
    expect(text).toMatch(/✓ entry sojourn p95\s+0\.\d{3} s < 0\.500 s/);
    expect(text).toMatch(/✗ failure rate\s+1\.14 % < 0\.50 %/);
    expect(text).toContain('DOWN');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^FAILED \(1 of 4 thresholds not met\)$/);
    const table = text.split('\n\n')[1]?.split('\n') ?? [];
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
  });
});

describe('the database section', () => {
  it('summarises the monitor samples the journal holds, and is absent without them', () => {
    const recs = journal(() => 'ok');
    expect(report(recs).database).toBeNull();
    const sample = (at: number, o: Partial<Record<string, number>>) => ({
      t: 'db' as const,
      at,
      connections: 4,
      active: 1,
      idleInTransaction: 0,
      lockWaits: 0,
      commits: 0,
      rollbacks: 0,
      deadlocks: 0,
      rowsWritten: 0,
      seqScans: 0,
      idxScans: 0,
      ...o,
    });
    const withDb = [
      ...recs.slice(0, -1),
      sample(START, {}),
      sample(START + 1000, { commits: 40, rowsWritten: 90, lockWaits: 3, active: 5 }),
      sample(START + 2000, { commits: 60, rollbacks: 2, seqScans: 1, connections: 9 }),
      ...recs.slice(-1),
    ];
    const db = report(withDb).database;
    expect(db).toMatchObject({
      samples: 3,
      maxConnections: 9,
      maxActive: 5,
      maxLockWaits: 3,
      commits: 100,
      commitsPerSecond: 50,
      rollbacks: 2,
      rowsWritten: 90,
      seqScans: 1,
    });
    expect(formatReport(report(withDb))).toMatch(
      /database: max 9 connections \(5 active, 0 idle in transaction\), max 3 lock waits, 100 commits \(50\/s\)/,
    );
  });
});
