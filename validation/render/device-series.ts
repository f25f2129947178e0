/**
 * Devices up and down over time, from the journal's `device` records (online, offline,
 * reader_disconnected). A device is counted online from the run's start unless its first record
 * is an `online` after the start (it joined late): the fleet waits for every birth before the
 * first arrival (orchestrator/fleet.ts, warmup). A journal without device records (written
 * before they existed) only tells the start and, from the report, the end: the series then has
 * exactly those two points, and says so.
 */
import type { DeviceRecord, DeviceStatus } from './records.js';

export interface DevicePoint {
  /** Seconds since the run's start. */
  t: number;
  online: number;
  offline: number;
  reader_disconnected: number;
}

export interface DeviceSeries {
  /** False: no device records; the points are the start and end states only. */
  fromRecords: boolean;
  points: DevicePoint[];
  /** The records themselves, for the timeline table (seconds since the run's start). */
  changes: { t: number; id: string; status: DeviceStatus; reason?: string }[];
}

export interface DeviceSeriesInput {
  records: readonly DeviceRecord[];
  startAt: number;
  endAt: number;
  /** Devices known from the report (id, up at the end) and the journal's planned records. */
  known: ReadonlyArray<{ id: string; up?: boolean }>;
}

const sec = (ms: number, startAt: number): number => (ms - startAt) / 1000;

function count(state: ReadonlyMap<string, DeviceStatus>, t: number): DevicePoint {
  const p: DevicePoint = { t, online: 0, offline: 0, reader_disconnected: 0 };
  for (const s of state.values()) p[s]++;
  return p;
}

export function deviceSeries(input: DeviceSeriesInput): DeviceSeries {
  const { records, startAt, endAt } = input;
  const state = new Map<string, DeviceStatus>();
  for (const d of input.known) state.set(d.id, 'online');
  if (records.length === 0) {
    const start = count(state, 0);
    for (const d of input.known) if (d.up === false) state.set(d.id, 'offline');
    return { fromRecords: false, points: [start, count(state, sec(endAt, startAt))], changes: [] };
  }
  for (const r of records) {
    if (!state.has(r.id)) state.set(r.id, 'online');
  }
  const firstOf = new Map<string, DeviceRecord>();
  for (const r of records) if (!firstOf.has(r.id)) firstOf.set(r.id, r);
  for (const [id, r] of firstOf) {
    if (r.status === 'online' && r.at > startAt) state.set(id, 'offline');
  }
  const t0 = Math.min(startAt, records[0]?.at ?? startAt);
  const points: DevicePoint[] = [count(state, sec(t0, startAt))];
  for (const r of records) {
    state.set(r.id, r.status);
    points.push(count(state, sec(r.at, startAt)));
  }
  const lastAt = records[records.length - 1]?.at ?? endAt;
  points.push(count(state, sec(Math.max(endAt, lastAt), startAt)));
  return {
    fromRecords: true,
    points,
    changes: records.map((r) => ({
      t: sec(r.at, startAt),
      id: r.id,
      status: r.status,
      ...(r.reason !== undefined && { reason: r.reason }),
    })),
  };
}
