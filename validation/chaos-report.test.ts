import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../contract/journal.js';
import type { Operation, Outcome } from '../contract/operations.js';
import { createChaosRunner } from '../orchestrator/chaos/runner.js';
import { parseTimeline } from '../orchestrator/chaos/timeline.js';
import short from '../scenarios/chaos-short.json' with { type: 'json' };
import demo from '../scenarios/demo.json' with { type: 'json' };
import {
  buildChaosSection,
  type ChaosRecord,
  ChaosRecordSchema,
  formatChaos,
} from './chaos-report.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

/** A synthetic journal: the records the orchestrator writes, for patrons described in a line each. */
function journal(durationMs: number) {
  const records: (JournalRecord | ChaosRecord)[] = [
    {
      t: 'run',
      runId: 'r1',
      scenario: 'chaos-test',
      seed: 1,
      createdAt: T0 - 2000,
      plan: {
        durationMs,
        dropDeadlineMs: 10_000,
        perMinute: { entry: 200, concession: 0, funding: 0 },
        // The protocol's limits, as the demo scenario carries them.
        thresholds: { ...demo.thresholds, latency: 'sojourn' },
      },
    },
    { t: 'phase', phase: 'running', at: T0 - 100, startAt: T0 },
  ];
  let n = 0;
  const patron = (
    device: string,
    atMs: number,
    outcome: Outcome,
    sojournMs: number,
    extra: { reassignedFrom?: string; op?: Operation } = {},
  ): string => {
    const id = `e${n++}`;
    const at = T0 + atMs;
    const op = extra.op ?? 'entry';
    records.push({
      t: 'planned',
      id,
      op,
      at,
      device,
      wallet: `wallet_test_${n}`,
      method: 'QR',
      source: 'virtual',
      ...(extra.reassignedFrom ? { reassignedFrom: extra.reassignedFrom } : {}),
    });
    const performed = ['ok', 'declined', 'error', 'timeout'].includes(outcome);
    records.push({
      t: 'end',
      id,
      outcome,
      device,
      ...(performed
        ? {
            result: {
              id,
              op,
              outcome: outcome as 'ok',
              source: 'virtual',
              at,
              sent: at + 5,
              responded: at + sojournMs - 2,
              decided: at + sojournMs,
            },
          }
        : outcome === 'reassigned'
          ? {}
          : { waitedMs: sojournMs }),
    });
    return id;
  };
  const chaos = (
    atMs: number,
    entry: number,
    phase: 'start' | 'end',
    fault: ChaosRecord['fault'],
  ) =>
    records.push(
      ChaosRecordSchema.parse({
        t: 'chaos',
        at: T0 + atMs,
        entry,
        phase,
        fault,
        detail: `${fault.kind}: test`,
      }),
    );
  const device = (id: string, atMs: number, status: 'online' | 'offline') =>
    records.push({
      t: 'device',
      id,
      at: T0 + atMs,
      status,
      ...(status === 'offline' ? { reason: 'lost' } : {}),
    });
  return { records, patron, chaos, device };
}

/** Two doors at 100/min each (one patron every 600 ms, door-2 offset by 300 ms). */
function eachDoorArrival(durationMs: number, f: (door: string, atMs: number) => void) {
  for (let t = 0; t < durationMs; t += 600) {
    f('door-1', t);
    if (t + 300 < durationMs) f('door-2', t + 300);
  }
}

describe('chaos section from a synthetic journal', () => {
  it('a 60-s database latency spike shows in the during-window p95 only, with detect and recover times', () => {
    const j = journal(6 * MIN);
    const inSpike = (t: number) => t >= 2 * MIN && t < 3 * MIN;
    eachDoorArrival(6 * MIN, (door, t) => j.patron(door, t, 'ok', inSpike(t) ? 900 : 50));
    j.chaos(2 * MIN, 0, 'start', { kind: 'db-latency', addMs: 800 });
    j.chaos(3 * MIN, 0, 'end', { kind: 'db-latency', addMs: 800 });
    const section = buildChaosSection(j.records);
    const f = section?.faults[0];
    expect(section?.faults).toHaveLength(1);
    expect(f).toMatchObject({
      kind: 'db-latency',
      startMs: 120_000,
      endMs: 180_000,
      endedBy: 'timeline',
    });
    const w = f?.operations.entry;
    expect([
      w?.before.p95SojournSeconds,
      w?.during.p95SojournSeconds,
      w?.after.p95SojournSeconds,
    ]).toEqual([0.05, 0.9, 0.05]);
    expect([w?.before.perMinute, w?.during.perMinute, w?.after.perMinute]).toEqual([200, 200, 200]);
    // The API time (sent → responded) shows the spike in the same window only.
    expect([
      w?.before.p95ServiceSeconds,
      w?.during.p95ServiceSeconds,
      w?.after.p95ServiceSeconds,
    ]).toEqual([0.043, 0.893, 0.043]);
    expect(w?.before).toMatchObject({ fromMs: 60_000, toMs: 120_000, patrons: 200, failures: 0 });
    // The third patron over the limit arrived at +600 ms and was decided 900 ms later.
    expect(f?.detectMs).toBe(1500);
    expect(f?.recoverMs).toBe(0);
    expect(f?.device).toBeNull();
    const text = formatChaos(section!).join('\n');
    expect(text).toMatch(/\[0\] db-latency {2}\+2m → \+3m/);
    expect(text).toMatch(/p95 sojourn\s+0\.05s\s+0\.9s\s+0\.05s/);
    expect(text).toMatch(/detected after 1\.5s .*; recovered 0s after the end/);
  });

  it('a fault the crowd never felt is not detected, and its windows look alike', () => {
    const j = journal(6 * MIN);
    eachDoorArrival(6 * MIN, (door, t) => j.patron(door, t, 'ok', 50));
    j.chaos(2 * MIN, 0, 'start', { kind: 'http-latency' });
    j.chaos(3 * MIN, 0, 'end', { kind: 'http-latency' });
    const f = buildChaosSection(j.records)?.faults[0];
    expect(f?.detectMs).toBeNull();
    expect(f?.operations.entry?.during.p95SojournSeconds).toBe(0.05);
    expect(formatChaos({ faults: [f!] }).join('\n')).toMatch(/not detected; recovered 0s/);
  });

  it('a kill shows reassigned patrons, a detection time, the other door taking the load, and recovery', () => {
    const j = journal(6 * MIN);
    const kill = 2 * MIN;
    const revive = 3 * MIN;
    // door-1 is planned again once its birth is seen (+2 s) and a plan reaches it (+3 s).
    const door1Down = (t: number) => t >= kill && t < revive + 3000;
    eachDoorArrival(6 * MIN, (door, t) => {
      if (door === 'door-1' && t === kill) j.patron(door, t, 'interrupted', 1000);
      else if (door === 'door-1' && door1Down(t)) {
        const from = j.patron('door-1', t, 'reassigned', 0);
        j.patron('door-2', t, 'ok', 120, { reassignedFrom: from });
      } else j.patron(door, t, 'ok', 60);
    });
    j.chaos(kill, 0, 'start', { kind: 'kill', device: 'door-1' });
    j.device('door-1', kill + 1200, 'offline');
    j.chaos(revive, 0, 'end', { kind: 'kill', device: 'door-1' });
    j.device('door-1', revive + 2000, 'online');
    const f = buildChaosSection(j.records)?.faults[0];
    expect(f?.detectMs).toBe(1200);
    expect(f?.detectedBy).toBe('door-1 offline record (lost)');
    expect(Object.keys(f?.operations ?? {})).toEqual(['entry']);
    expect(f?.crowd).toMatchObject({ reassigned: 99, interrupted: 1, dropped: 0, unserved: 0 });
    expect(f?.crowd.others).toEqual([{ id: 'door-2', beforePerMinute: 100, duringPerMinute: 199 }]);
    expect(f?.device).toMatchObject({
      id: 'door-1',
      before: { perMinute: 100 },
      during: { perMinute: 0 },
    });
    expect(f?.operations.entry?.during).toMatchObject({ perMinute: 199, failures: 1 });
    // door-1's 15-s rate is back within 10 % once 13.5 s of it are served again: 2 s after the end.
    expect(f?.recoverMs).toBe(2000);
    expect(f?.backUpMs).toBe(2000);
    const text = formatChaos({ faults: [f!] }).join('\n');
    expect(text).toMatch(
      /detected after 1\.2s \(door-1 offline record \(lost\)\); recovered 2s after the end; door-1 back up 2s after the end/,
    );
    expect(text).toMatch(
      /crowd: 99 reassigned, 0 dropped, 1 interrupted, 0 unserved; door-2 100 → 199\/min/,
    );
  });

  it('a device that never comes back has no recovery and its window runs to the run end', () => {
    const j = journal(4 * MIN);
    eachDoorArrival(4 * MIN, (door, t) => {
      if (door === 'door-1' && t >= 3 * MIN) j.patron(door, t, 'dropped', 10_000);
      else j.patron(door, t, 'ok', 60);
    });
    j.chaos(3 * MIN, 1, 'start', { kind: 'offline', device: 'door-1' });
    const f = buildChaosSection(j.records)?.faults[0];
    expect(f).toMatchObject({
      entry: 1,
      endMs: 240_000,
      endedBy: 'run end',
      recoverMs: null,
      detectMs: null,
    });
    expect(f?.recoverNote).toBe('lasted to the run end');
    expect(f?.crowd.dropped).toBe(100);
    expect(f?.operations.entry?.during.failures).toBe(100);
  });

  it('no chaos records: no section; a malformed chaos record is refused', () => {
    const j = journal(MIN);
    j.patron('door-1', 0, 'ok', 50);
    expect(buildChaosSection(j.records)).toBeNull();
    expect(
      ChaosRecordSchema.safeParse({ t: 'chaos', at: 1, entry: -1, phase: 'middle', fault: {} })
        .success,
    ).toBe(false);
  });

  it("the runner's events are the journal's chaos records: chaos-short.json end to end", () => {
    const j = journal(MIN);
    eachDoorArrival(MIN, (door, t) => j.patron(door, t, 'ok', 50));
    let now = T0 - 1000;
    const runner = createChaosRunner({
      timeline: parseTimeline(short.chaos),
      startAt: T0,
      actions: {
        kill: (id) => void j.device(id, now - T0 + 800, 'offline'),
        revive: () => {},
        setDbLatency: () => {},
        setHttpFaults: () => {},
        setWebhookFaults: () => {},
      },
      log: () => {},
      now: () => now,
    });
    const events = [];
    for (; now < T0 + MIN; now += 200) events.push(...runner.tick());
    events.push(...runner.stop());
    for (const e of events) j.records.push(ChaosRecordSchema.parse({ t: 'chaos', ...e }));
    const faults = buildChaosSection(j.records)?.faults ?? [];
    expect(faults.map((f) => [f.entry, f.startMs, f.endMs, f.endedBy])).toEqual([
      [0, 0, 60_000, 'run end'],
      [1, 0, 60_000, 'run end'],
      [2, 12_000, 30_000, 'timeline'],
      [3, 36_000, 60_000, 'run end'],
      [4, 48_000, 54_000, 'timeline'],
    ]);
    expect(faults[2]).toMatchObject({ kind: 'kill', detectMs: 800 });
    expect(faults[3]).toMatchObject({ kind: 'offline', detectMs: 800, recoverMs: null });
    // Webhook faults concern funding; this journal has none.
    expect(Object.keys(faults[0]?.operations ?? {})).toEqual([]);
    expect(Object.keys(faults[4]?.operations ?? {})).toEqual(['entry']);
    // A 6-s spike near the end still has room to measure its recovery (a 3-s window).
    expect(faults[4]).toMatchObject({ kind: 'db-latency', detectMs: null, recoverMs: 0 });
  });
});
