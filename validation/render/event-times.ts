/**
 * When each planned event's patron arrived and when their wait ended, as far as the journal can
 * tell. A served patron (ok, declined, error, timeout) ended at the device's `decided`. A patron
 * who was dropped, interrupted or left unserved still lived a wait (DESIGN.md "Censored
 * latency"): their end is known only as a lower bound, the latest of
 * - the record's own time (a device's `dropped` result carries `decided`),
 * - the journal's clock when the record was written (the latest decision before it in the file),
 * - for `interrupted`: the device's first `offline` record at or after the arrival,
 * - for `unserved`: the run's planned end (they were still queued after the drain),
 * and never before the arrival. `reassigned` is no wait at all: the event moved to another
 * device as a new planned event, which is where the patron queued.
 * A `late` record is a result that arrived after its event had ended, typically a killed
 * device's outbox replayed on revival (orchestrator/journal.ts): the device did decide, so when
 * a late result was served its `decided` is the patron's real end, uncensored. The outcome
 * stays what the journal kept (the first terminal state wins).
 */
import type { Operation, Outcome } from '../../contract/operations.js';
import type { DeviceRecord, EndRecord, ParsedJournal } from './records.js';

/** Outcomes with a real decision (orchestrator/stats.ts records latency for exactly these). */
const SERVED: ReadonlySet<Outcome> = new Set(['ok', 'declined', 'error', 'timeout']);

export interface EventTimes {
  id: string;
  op: Operation;
  device: string;
  at: number;
  /** Null when the event has no terminal record yet. */
  outcome: Outcome | null;
  /** The end of the patron's wait (a lower bound when `censored`); null for reassigned. */
  endAt: number | null;
  censored: boolean;
  /** `responded − sent`, at `responded`, when both were recorded. */
  service: { ms: number; at: number } | null;
}

function firstOffline(devices: readonly DeviceRecord[], id: string, after: number): number | null {
  for (const d of devices) if (d.id === id && d.status === 'offline' && d.at >= after) return d.at;
  return null;
}

export function eventTimes(
  journal: ParsedJournal,
  opts: { plannedEndAt: number | null },
): EventTimes[] {
  const finalClock = lastClock(journal);
  const lateServed = new Map<string, EndRecord>();
  for (const l of journal.late) {
    if (SERVED.has(l.outcome) && l.endedAt !== undefined && !lateServed.has(l.id))
      lateServed.set(l.id, l);
  }
  return journal.planned.map((p) => {
    const kept = journal.ends.get(p.id);
    const late = kept && !SERVED.has(kept.outcome) ? lateServed.get(p.id) : undefined;
    // A served late result tells when the patron's wait really ended; the outcome stays kept's.
    const timing = late ?? kept;
    const end =
      kept === undefined || timing === undefined
        ? undefined
        : {
            outcome: kept.outcome,
            served: late !== undefined || SERVED.has(kept.outcome),
            endedAt: timing.endedAt,
            sent: timing.sent,
            responded: timing.responded,
            journalClock: kept.journalClock,
          };
    const base = { id: p.id, op: p.op, device: p.device, at: p.at };
    if (end === undefined) {
      // Still owed when the journal stops: waiting at least until the journal's last moment.
      const endAt = Math.max(p.at, finalClock ?? p.at);
      return { ...base, outcome: null, endAt, censored: true, service: null };
    }
    if (end.outcome === 'reassigned') {
      return { ...base, outcome: end.outcome, endAt: null, censored: false, service: null };
    }
    const service =
      end.sent !== undefined && end.responded !== undefined && end.served
        ? { ms: end.responded - end.sent, at: end.responded }
        : null;
    if (end.served && end.endedAt !== undefined) {
      return { ...base, outcome: end.outcome, endAt: end.endedAt, censored: false, service };
    }
    if (kept?.waitedMs !== undefined) {
      // The ledger's own censored wait: the same value the report's percentiles count.
      return {
        ...base,
        outcome: end.outcome,
        endAt: p.at + kept.waitedMs,
        censored: true,
        service,
      };
    }
    const bounds = [p.at, end.endedAt, end.journalClock];
    if (end.outcome === 'interrupted') bounds.push(firstOffline(journal.devices, p.device, p.at));
    if (end.outcome === 'unserved') bounds.push(opts.plannedEndAt);
    const endAt = Math.max(...bounds.filter((b): b is number => typeof b === 'number'));
    return { ...base, outcome: end.outcome, endAt, censored: true, service };
  });
}

function lastClock(journal: ParsedJournal): number | null {
  let clock: number | null = null;
  const see = (t: number | undefined | null) => {
    if (typeof t === 'number') clock = clock === null ? t : Math.max(clock, t);
  };
  for (const e of journal.ends.values()) see(e.endedAt);
  for (const e of journal.late) see(e.endedAt);
  for (const d of journal.devices) see(d.at);
  return clock;
}
