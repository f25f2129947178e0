/**
 * Reading a run's journal in an end-to-end test: the records as loose objects, and the checks
 * every fault test makes — each planned event has exactly one terminal `end` record.
 */
import { readFileSync } from 'node:fs';

export interface LooseRecord {
  t: string;
  id?: string;
  op?: string;
  at?: number;
  device?: string;
  wallet?: string;
  outcome?: string;
  status?: string;
  reason?: string;
  reassignedFrom?: string;
  endedAt?: number;
  [k: string]: unknown;
}

export function readJournal(path: string): LooseRecord[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LooseRecord);
}

/** Planned events without exactly one `end` record (empty: every event accounted for once). */
export function unaccounted(records: readonly LooseRecord[]): string[] {
  const ends = new Map<string, number>();
  for (const r of records) if (r.t === 'end' && r.id) ends.set(r.id, (ends.get(r.id) ?? 0) + 1);
  return records
    .filter((r) => r.t === 'planned' && r.id)
    .map((r) => r.id as string)
    .filter((id) => ends.get(id) !== 1);
}

/** The `device` records of one device, in order. */
export function deviceRecords(records: readonly LooseRecord[], id: string): LooseRecord[] {
  return records.filter((r) => r.t === 'device' && r.id === id);
}
