import { describe, expect, it } from 'vitest';
import { parseJournal } from './records.js';
import { buildSeries } from './series.js';
import { JOURNAL, result, S } from './test-support.js';

describe('the run over time, from a hand-written journal', () => {
  const journal = parseJournal(JOURNAL);
  const series = buildSeries(journal, {
    durationMs: 20_000,
    endAt: S + 25_000,
    targetPerMinute: { entry: 200, concession: 120, funding: 30 },
    devices: [
      { id: 'door-1', up: true },
      { id: 'door-2', up: true },
      { id: 'concession-1', up: true },
    ],
  });
  const entry = series.operations.entry.windows;

  it('skips records it does not know and keeps the collision tag', () => {
    expect(journal.skipped).toBe(1);
    expect(journal.late).toHaveLength(1);
    expect(journal.planned.find((p) => p.id === 'e4')?.collision?.kind).toBe('two-doors');
    expect(series.windowMs).toBe(10_000);
    expect(entry.map((w) => w.t)).toEqual([0, 10, 20]);
  });

  it('window 0: four served patrons, sojourn and service percentiles from HDR', () => {
    const w = entry[0]!;
    expect(w.sojourn.count).toBe(4);
    expect(w.sojourn.censored).toBe(0);
    expect(w.sojourn.p50).toBeCloseTo(0.2, 3);
    expect(w.sojourn.p95).toBeCloseTo(0.4, 3);
    expect(w.sojourn.p99).toBeCloseTo(0.4, 3);
    expect(w.sojourn.mean).toBeCloseTo(0.25, 3);
    expect(w.service.count).toBe(4);
    expect(w.service.p50).toBeCloseTo(0.1, 3);
    expect(w.service.p95).toBeCloseTo(0.2, 3);
    expect(w.plannedPerMinute).toBe(24);
    expect(w.achievedPerMinute).toBe(24);
    expect(w.outcomes).toMatchObject({ ok: 3, declined: 1, pending: 0 });
  });

  it('window 1: an interrupted wait ends at the device going offline (censored)', () => {
    const w = entry[1]!;
    // e6 waited 15 s → 16 s (door-1 offline): 1.0 s censored; e7r was served in 0.5 s.
    expect(w.sojourn.count).toBe(2);
    expect(w.sojourn.censored).toBe(1);
    expect(w.sojourn.p50).toBeCloseTo(0.5, 3);
    expect(w.sojourn.p95).toBeCloseTo(1.0, 3);
    // e5, e6, e7r, e8 arrived (e7 is its copy e7r): 4 in 10 s; only e7r was performed.
    expect(w.plannedPerMinute).toBe(24);
    expect(w.achievedPerMinute).toBe(6);
    expect(w.outcomes).toMatchObject({
      ok: 1,
      dropped: 1,
      interrupted: 1,
      reassigned: 1,
      unserved: 1,
    });
  });

  it('window 2: dropped and unserved waits count at their end, as lower bounds', () => {
    const w = entry[2]!;
    // e5 dropped at 22 s after 10 s; e8 unserved: at least until the journal's clock (22 s).
    expect(w.sojourn.count).toBe(2);
    expect(w.sojourn.censored).toBe(2);
    expect(w.sojourn.p50).toBeCloseTo(3.0, 2);
    expect(w.sojourn.p99).toBeCloseTo(10.0, 1);
    expect(w.service.count).toBe(0);
    expect(w.service.p50).toBeNull();
    expect(w.plannedPerMinute).toBe(0);
    expect(w.achievedPerMinute).toBe(0);
  });

  it('other operations: their own windows, empty ones have no percentiles', () => {
    const c = series.operations.concession.windows;
    expect(c[0]?.sojourn.count).toBe(1);
    expect(c[0]?.sojourn.p50).toBeCloseTo(0.5, 3);
    expect(c[0]?.service.p50).toBeCloseTo(0.4, 3);
    expect(c[0]?.plannedPerMinute).toBe(6);
    expect(series.operations.concession.targetPerMinute).toBe(120);
    const f = series.operations.funding.windows;
    expect(f).toHaveLength(3);
    expect(f.every((w) => w.sojourn.count === 0 && w.sojourn.p95 === null)).toBe(true);
  });

  it('queue length per device: arrived and not yet decided, max per second', () => {
    const byId = Object.fromEntries(series.queue.devices.map((d) => [d.id, d]));
    expect(series.queue.t).toHaveLength(23);
    const door1 = byId['door-1']!.max;
    expect(door1.slice(0, 6)).toEqual([0, 1, 1, 1, 1, 0]);
    expect(door1.slice(14, 18)).toEqual([0, 1, 0, 0]);
    const door2 = byId['door-2']!;
    expect(door2.max.slice(11, 23)).toEqual([0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 0]);
    expect(door2.peak).toBe(2);
  });

  it('devices up and down from device records', () => {
    expect(series.devices.fromRecords).toBe(true);
    expect(series.devices.points).toEqual([
      { t: 0, online: 3, offline: 0, reader_disconnected: 0 },
      { t: 16, online: 2, offline: 1, reader_disconnected: 0 },
      { t: 17, online: 3, offline: 0, reader_disconnected: 0 },
      { t: 25, online: 3, offline: 0, reader_disconnected: 0 },
    ]);
    expect(series.devices.changes[0]).toEqual({
      t: 16,
      id: 'door-1',
      status: 'offline',
      reason: 'lost',
    });
  });

  it('without device records: the start and the end state only, and it says so', () => {
    const old = parseJournal(JOURNAL.filter((r) => (r as { t: string }).t !== 'device'));
    const s = buildSeries(old, {
      durationMs: 20_000,
      endAt: S + 25_000,
      devices: [
        { id: 'door-1', up: false },
        { id: 'door-2', up: true },
      ],
    });
    expect(s.devices.fromRecords).toBe(false);
    expect(s.devices.points.map((p) => [p.t, p.online, p.offline])).toEqual([
      [0, 3, 0],
      [25, 2, 1],
    ]);
    // Without door-1's offline record, e6's wait ends at the journal's clock then (9 s, the late
    // result): the arrival, 15 s, is the tighter lower bound, so it counts as 0 s, censored.
    const w1 = s.operations.entry.windows[1]!;
    expect(w1.sojourn.count).toBe(2);
    expect(w1.sojourn.p50).toBeCloseTo(0, 3);
  });

  it('an interrupted patron whose result was replayed late was really served: uncensored', () => {
    const replayed = parseJournal([
      ...JOURNAL,
      {
        t: 'late',
        id: 'e6',
        outcome: 'ok',
        device: 'door-1',
        result: { ...result('e6', 15000, 15600, 15100, 15500), outcome: 'ok' },
      },
    ]);
    const w = buildSeries(replayed, { durationMs: 20_000 }).operations.entry.windows[1]!;
    // e6: 0.6 s, real; e7r 0.5 s. The outcome stays interrupted (the journal's first state).
    expect(w.sojourn.count).toBe(2);
    expect(w.sojourn.censored).toBe(0);
    expect(w.sojourn.p95).toBeCloseTo(0.6, 3);
    expect(w.service.count).toBe(2);
    expect(w.outcomes.interrupted).toBe(1);
    expect(w.achievedPerMinute).toBe(6);
  });
});
