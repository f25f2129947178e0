import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../contract/journal.js';
import type { EventResult, PlanEvent } from '../contract/payloads.js';
import { createLedger } from './ledger.js';
import { createOrchestratorMetrics } from './metrics.js';
import { createProgressWindow } from './progress.js';

const T0 = 1_700_000_000_000;

function setup() {
  const records: JournalRecord[] = [];
  let clock = T0;
  const metrics = createOrchestratorMetrics();
  const ledger = createLedger({
    journal: { write: (r) => records.push(r) },
    metrics,
    progress: createProgressWindow(),
    now: () => clock,
    dropDeadlineMs: 10_000,
    kindOf: (id) => (id.startsWith('door') ? 'entry-scanner' : 'pos-terminal'),
  });
  const tick = (ms: number) => {
    clock += ms;
  };
  return { records, metrics, ledger, tick, now: () => clock };
}

const event = (id: string, at: number, op: PlanEvent['op'] = 'entry'): PlanEvent => ({
  id,
  op,
  at,
  wallet: { binding: `wallet_test_${id}`, fingerprint: `device_test_${id}` },
  method: 'QR',
});

const result = (id: string, outcome: EventResult['outcome'], at: number): EventResult => ({
  id,
  op: 'entry',
  outcome,
  source: 'virtual',
  at,
  sent: at + 5,
  responded: at + 25,
  decided: at + 30,
});

async function metric(metrics: ReturnType<typeof createOrchestratorMetrics>, name: string) {
  const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
  return m?.values ?? [];
}

describe('the event ledger', () => {
  it('ends device outcomes once: ok, declined, error, timeout, dropped', () => {
    const { ledger, records } = setup();
    const outcomes = ['ok', 'declined', 'error', 'timeout', 'dropped'] as const;
    for (const [i] of outcomes.entries()) ledger.plan(event(`e-${i}`, T0 + i), 'door-1');
    expect(ledger.pending()).toBe(5);
    for (const [i, o] of outcomes.entries()) {
      expect(ledger.settle('door-1', result(`e-${i}`, o, T0 + i))).toBe(true);
    }
    expect(ledger.pending()).toBe(0);
    expect(ledger.ended('entry')).toEqual({ ok: 1, declined: 1, error: 1, timeout: 1, dropped: 1 });
    expect(records.filter((r) => r.t === 'planned')).toHaveLength(5);
    expect(
      records.filter((r) => r.t === 'end').map((r) => (r as { outcome: string }).outcome),
    ).toEqual([...outcomes]);
  });

  it('records a second terminal state as late and an unknown id as stray, counting neither', () => {
    const { ledger, records } = setup();
    ledger.plan(event('e-1', T0), 'door-1');
    expect(ledger.settle('door-1', result('e-1', 'ok', T0))).toBe(true);
    expect(ledger.settle('door-1', result('e-1', 'error', T0))).toBe(false);
    expect(ledger.end('e-1', 'unserved', 'run ended')).toBe(false);
    expect(ledger.settle('door-1', result('e-404', 'ok', T0))).toBe(false);
    expect(ledger.ended('entry')).toEqual({ ok: 1 });
    expect(records.filter((r) => r.t === 'late')).toHaveLength(2);
    expect(records.filter((r) => r.t === 'stray')).toHaveLength(1);
  });

  it('on a lost device: interrupted if its time had come, else reassigned as a copy, or dropped with no device', () => {
    const { ledger, records, now } = setup();
    ledger.plan(event('e-1', T0 - 500), 'door-1');
    ledger.plan(event('e-2', T0 + 2000), 'door-1');
    ledger.plan(event('e-3', T0 + 2500), 'door-1');
    let spare: string | undefined = 'door-2';
    const out = ledger.deviceLost('door-1', now(), () => {
      const d = spare;
      spare = undefined; // only one copy finds a live door
      return d;
    });
    expect(out).toMatchObject({ interrupted: 1, reassigned: 1, dropped: 1 });
    expect(out.copies).toEqual([
      {
        event: { ...event('e-2', T0 + 2000), id: 'e-2r', reassignedFrom: 'e-2' },
        device: 'door-2',
      },
    ]);
    // The copy is planned by whoever sends it; until then door-1 owes nothing and door-2 nothing.
    expect(ledger.owed('door-1')).toEqual([]);
    const ends = records.filter((r) => r.t === 'end') as Array<{
      id: string;
      outcome: string;
      waitedMs?: number;
    }>;
    expect(ends.map((e) => [e.id, e.outcome])).toEqual([
      ['e-1', 'interrupted'],
      ['e-2', 'reassigned'],
      ['e-3', 'dropped'],
    ]);
    // Censored waits: the interrupted patron waited from its time to the loss; a patron dropped
    // for want of a door waits the drop deadline; a reassigned one is carried by its copy.
    expect(ends[0]?.waitedMs).toBe(500);
    expect(ends[1]?.waitedMs).toBeUndefined();
    expect(ends[2]?.waitedMs).toBe(10_000);
  });

  it('ends what is still owed as unserved, with the time the patron waited', () => {
    const { ledger, records, tick } = setup();
    ledger.plan(event('e-1', T0), 'door-1');
    ledger.plan(event('e-2', T0 + 100), 'concession-1');
    tick(4000);
    expect(ledger.endOwed('unserved', 'run ended')).toBe(2);
    expect(ledger.pending()).toBe(0);
    const ends = records.filter((r) => r.t === 'end') as Array<{
      waitedMs?: number;
      outcome: string;
    }>;
    expect(ends.map((e) => [e.outcome, e.waitedMs])).toEqual([
      ['unserved', 4000],
      ['unserved', 3900],
    ]);
  });

  it('plans a physical scan and ends it at once, with the method its reader read', () => {
    const { ledger, records } = setup();
    const scan: EventResult = {
      ...result('p-door-2-1', 'ok', T0),
      source: 'physical',
      unplanned: true,
      method: 'NFC',
    };
    expect(ledger.settle('door-2', scan)).toBe(true);
    expect(ledger.planned('entry', 'physical')).toBe(1);
    expect(ledger.pending()).toBe(0);
    expect(records[0]).toMatchObject({
      t: 'planned',
      source: 'physical',
      method: 'NFC',
      device: 'door-2',
    });
  });

  it('counts patrons in planned_total, only dropped events in dropped_total, and every end by outcome', async () => {
    const { ledger, metrics, now } = setup();
    ledger.plan(event('e-1', T0 + 5000), 'door-1');
    ledger.plan(event('e-2', T0 + 6000), 'door-1');
    const { copies } = ledger.deviceLost('door-1', now(), () => 'door-2');
    for (const c of copies) ledger.plan(c.event, c.device);
    ledger.settle('door-2', result('e-1r', 'dropped', T0 + 5000));
    ledger.end('e-2r', 'unserved', 'run ended');
    const planned = await metric(metrics, 'ghostfleet_planned_total');
    expect(planned).toEqual([{ value: 2, labels: { operation: 'entry' } }]);
    const dropped = await metric(metrics, 'ghostfleet_dropped_total');
    expect(dropped).toEqual([{ value: 1, labels: { operation: 'entry' } }]);
    const ended = Object.fromEntries(
      (await metric(metrics, 'ghostfleet_ended_total')).map((v) => [v.labels.outcome, v.value]),
    );
    expect(ended).toEqual({ reassigned: 2, dropped: 1, unserved: 1 });
    // The unserved patron's wait is in the orchestrator's sojourn histogram.
    const sojourn = await metric(metrics, 'ghostfleet_sojourn_duration_seconds');
    const count = sojourn.find(
      (v) =>
        (v as { metricName?: string }).metricName?.endsWith('_count') &&
        v.labels.outcome === 'unserved',
    );
    expect(count?.value).toBe(1);
  });
});
