/**
 * A hand-written 20-s journal for the report's tests: entry at two doors (served, declined,
 * dropped, interrupted by a door going offline, reassigned, unserved), one purchase, no funding,
 * a late result, a record type the report does not know, a collision tag; and a Report to match.
 */

import type { RunPlan } from '../../contract/journal.js';
import { OUTCOMES, type Outcome } from '../../contract/operations.js';
import type { Report } from '../report.js';

export const S = 1_700_000_000_000;
const PLAN: RunPlan = {
  durationMs: 20_000,
  dropDeadlineMs: 10_000,
  perMinute: { entry: 200, concession: 120, funding: 0 },
  thresholds: {
    entryP95Seconds: 0.5,
    concessionP95Seconds: 0.8,
    fundingMeanSeconds: 5,
    failureRate: 0.005,
    latency: 'sojourn',
  },
};

/** A served event's result, as a device reports it (times relative to S). */
export function result(id: string, at: number, decided: number, sent: number, responded: number) {
  return {
    id,
    op: 'entry',
    outcome: 'ok',
    source: 'virtual',
    at: S + at,
    sent: S + sent,
    responded: S + responded,
    decided: S + decided,
  };
}

function planned(id: string, op: string, at: number, device: string, extra = {}) {
  return {
    t: 'planned',
    id,
    op,
    at: S + at,
    device,
    wallet: 'wallet_test_1',
    method: 'QR',
    source: 'virtual',
    ...extra,
  };
}

const ok = (id: string, device: string, r: ReturnType<typeof result>, outcome = 'ok') => ({
  t: 'end',
  id,
  outcome,
  device,
  result: { ...r, outcome },
});

// A 20-s run, hand-written: entry at door-1/door-2, one purchase, no funding.
export const JOURNAL: unknown[] = [
  { t: 'run', runId: 'r1', scenario: 'hand', seed: 1, createdAt: S - 1000, plan: PLAN },
  { t: 'phase', phase: 'running', at: S - 1, startAt: S, endsAt: S + 20_000 },
  planned('e1', 'entry', 1000, 'door-1'),
  planned('e2', 'entry', 2000, 'door-1'),
  planned('e3', 'entry', 3000, 'door-1'),
  planned('e4', 'entry', 4000, 'door-1', { collision: 'two-doors' }),
  planned('c1', 'concession', 5000, 'concession-1', {
    cart: { itemId: 'b', itemName: 'Beer', unitPriceCents: 800, quantity: 1, tipCents: 0 },
  }),
  ok('e1', 'door-1', result('e1', 1000, 1100, 1020, 1080)),
  ok('e2', 'door-1', result('e2', 2000, 2200, 2050, 2150)),
  ok('e3', 'door-1', result('e3', 3000, 3300, 3050, 3250)),
  ok('e4', 'door-1', result('e4', 4000, 4400, 4100, 4300), 'declined'),
  { ...ok('c1', 'concession-1', result('c1', 5000, 5500, 5050, 5450)) },
  { t: 'late', id: 'e1', outcome: 'ok', device: 'door-1', result: result('e1', 1000, 9000, 0, 0) },
  { t: 'mystery', id: 'x' },
  planned('e5', 'entry', 12000, 'door-2'),
  planned('e6', 'entry', 15000, 'door-1'),
  planned('e7', 'entry', 18000, 'door-1'),
  planned('e8', 'entry', 19000, 'door-2'),
  { t: 'device', id: 'door-1', at: S + 16000, status: 'offline', reason: 'lost' },
  { t: 'end', id: 'e6', outcome: 'interrupted', device: 'door-1', reason: 'door-1 lost' },
  { t: 'end', id: 'e7', outcome: 'reassigned', device: 'door-1', reason: 'door-1 lost' },
  planned('e7r', 'entry', 18000, 'door-2', { reassignedFrom: 'e7' }),
  { t: 'device', id: 'door-1', at: S + 17000, status: 'online' },
  ok('e7r', 'door-2', result('e7r', 18000, 18500, 18100, 18400)),
  // Dropped by the device after a 10-s wait (the drop deadline): its result carries `decided`.
  ok('e5', 'door-2', result('e5', 12000, 22000, 0, 0), 'dropped'),
  { t: 'end', id: 'e8', outcome: 'unserved', device: 'door-2', reason: 'run ended' },
];

const latency = (p95: number | null, count: number) => ({
  p50: p95,
  p95,
  p99: p95,
  max: p95,
  mean: p95,
  count,
  censored: 0,
});

const outcomes = (o: Partial<Record<Outcome, number>>): Record<Outcome, number> =>
  Object.fromEntries(OUTCOMES.map((k) => [k, o[k] ?? 0])) as Record<Outcome, number>;

function operation(
  target: number,
  planned: number,
  o: Partial<Record<Outcome, number>>,
  p95: number | null,
) {
  const source = {
    planned,
    performed: (o.ok ?? 0) + (o.declined ?? 0),
    outcomes: outcomes(o),
    serviceSeconds: latency(p95, planned),
    sojournSeconds: latency(p95, planned),
  };
  const failed = ['error', 'timeout', 'interrupted', 'dropped', 'unserved'] as const;
  return {
    targetPerMinute: target,
    planned,
    failures: failed.reduce((n, k) => n + (o[k] ?? 0), 0),
    achievedPerMinute: source.performed * 3,
    outcomes: outcomes(o),
    serviceSeconds: latency(p95, planned),
    sojournSeconds: latency(p95, planned),
    scheduleLagSeconds: latency(0.002, planned),
    bySource: {
      virtual: source,
      physical: { ...source, planned: 0, performed: 0, outcomes: outcomes({}) },
    },
  };
}

/** The Report the orchestrator would have built for JOURNAL (numbers summarized by hand). */
export function handReport(overrides: Partial<Report> = {}): Report {
  const device = (id: string, kind: Report['devices'][number]['kind'], performed: number) => ({
    id,
    kind,
    source: 'virtual' as const,
    profile: 'usb-cdc-qr',
    input: 'virtual-serial',
    pid: 100,
    up: true,
    births: 1,
    clockOffsetMs: 0.5,
    performed,
  });
  return {
    runId: 'r1',
    scenario: 'hand',
    seed: 1,
    startedAt: new Date(S).toISOString(),
    endedAt: new Date(S + 25_000).toISOString(),
    durationSeconds: 20,
    target: { kind: 'sandbox', url: 'http://127.0.0.1:1', mode: 'correct' },
    broker: { url: 'mqtt://127.0.0.1:2', embedded: true },
    operations: {
      entry: operation(
        200,
        9,
        { ok: 4, declined: 1, interrupted: 1, reassigned: 1, dropped: 1, unserved: 1 },
        0.4,
      ),
      concession: operation(120, 1, { ok: 1 }, 0.5),
      funding: operation(0, 0, {}, null),
    },
    devices: [
      device('door-1', 'entry-scanner', 4),
      device('door-2', 'entry-scanner', 1),
      device('concession-1', 'pos-terminal', 1),
    ],
    thresholdLatency: 'sojourn',
    thresholds: [
      { name: 'entry sojourn p95', ok: true, value: 0.4, limit: 0.5, comparison: '<', unit: 's' },
      {
        name: 'concession sojourn p95',
        ok: true,
        value: 0.5,
        limit: 0.8,
        comparison: '<',
        unit: 's',
      },
      { name: 'failure rate', ok: false, value: 0.3, limit: 0.005, comparison: '<', unit: 'ratio' },
    ],
    passed: false,
    journal: { lateResults: 1, strayResults: 0, pending: 0 },
    crowd: null,
    invariants: null,
    database: null,
    chaos: null,
    notes: [],
    ...overrides,
  };
}

export const HOSTILE = '</script><img src=x onerror=alert(1)>';

/** The hand journal with hostile text where untrusted values reach the report. */
export function hostileInput() {
  const records = [
    ...JOURNAL,
    {
      t: 'device',
      id: 'door-2',
      at: 1_700_000_020_000,
      status: 'reader_disconnected',
      reason: HOSTILE,
    },
  ].map((r) => {
    // A device name lands in the charts' JSON (a queue dataset's label).
    const rec = r as { t: string; id?: string };
    return (rec.t === 'planned' || rec.t === 'end') && rec.id === 'e8'
      ? { ...rec, device: `door-${HOSTILE}` }
      : rec;
  });
  return {
    report: handReport({ notes: [`wallet ${HOSTILE} fell back`] }),
    records,
    invariants: [
      { id: 'I1', name: 'no negative balance', ok: true, count: 0, sample: [] },
      {
        id: 'I3',
        name: 'no duplicate entries',
        ok: false,
        count: 31,
        sample: [
          { wallet_binding_id: HOSTILE, entry_number: 2, meta: { note: '<b>x</b>|y' } },
          { wallet_binding_id: 'wallet_test_7', entry_number: null },
        ],
        note: 'pipes | and\nnewlines',
      },
    ],
  };
}
