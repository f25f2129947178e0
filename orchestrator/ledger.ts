/**
 * The event ledger: the one place that moves an event from planned to its terminal state
 * (DESIGN.md: every planned event ends in exactly one state). The distributor plans through it,
 * the collector settles device results through it, a lost device and the drain end what is still
 * owed through it — and it alone writes event records to the journal and updates the counters
 * derived from them (planned/dropped/ended metrics, censored sojourn, the progress window). It
 * keeps the one map of what each device still owes.
 *
 * Rules it enforces:
 * - the first terminal state wins; a second is journaled `late` (the target may have done the
 *   work: validation needs it), a state for an unknown id `stray`;
 * - a patron the fleet never served still waited, and that wait is recorded (right-censored): an
 *   interrupted patron from its time to the loss, an unserved one to the run's end, one dropped
 *   for want of a device for the drop deadline (what a device-side drop waits). A reassigned event
 *   records nothing: its copy, with the same intended time, carries the patron.
 */
import type { Clock } from '../contract/clock.js';
import type { JournalRecord } from '../contract/journal.js';
import {
  type DeviceKind,
  KIND_OPERATION,
  type Operation,
  type Outcome,
  type Source,
} from '../contract/operations.js';
import type { EventResult, PlanEvent } from '../contract/payloads.js';
import type { OrchestratorMetrics } from './metrics.js';
import type { ProgressWindow } from './progress.js';

/** Terminal states only the orchestrator decides. */
export type OrchestratorOutcome = 'interrupted' | 'reassigned' | 'dropped' | 'unserved';

interface Entry {
  event: PlanEvent;
  device: string;
  source: Source;
  outcome: Outcome | null;
}

export interface LedgerOptions {
  journal: { write(record: JournalRecord): void };
  metrics: OrchestratorMetrics;
  progress: ProgressWindow;
  now: Clock;
  dropDeadlineMs: number;
  kindOf(device: string): DeviceKind | undefined;
  /** Every terminal state with the patron's sojourn when known (the abort monitor). */
  onEnded?(e: { at: number; outcome: Outcome; sojournMs?: number }): void;
}

export interface LostCounts {
  interrupted: number;
  reassigned: number;
  dropped: number;
}

export interface EventLedger {
  /** Journal an event as owed by `device` (or, with `source` physical, a scan already read). */
  plan(event: PlanEvent, device: string, source?: Source): void;
  /** A device's result. False when it was late or stray (journaled, not counted). */
  settle(device: string, result: EventResult): boolean;
  /** An orchestrator-decided end, at `at` (default now). False when the event had ended already. */
  end(id: string, outcome: OrchestratorOutcome, reason: string, at?: number): boolean;
  /**
   * `device` was lost at `lostAt`: what it owed is `interrupted` if its time had come, else
   * `reassigned` to `reroute()`'s device as a copy (returned, for sending), or `dropped` when
   * there is none.
   */
  deviceLost(
    device: string,
    lostAt: number,
    reroute: () => string | undefined,
  ): LostCounts & { copies: Array<{ event: PlanEvent; device: string }> };
  /** End everything still owed with `outcome` (the drain's `unserved`); returns how many. */
  endOwed(outcome: OrchestratorOutcome, reason: string): number;
  owed(device?: string): PlanEvent[];
  pending(): number;
  /** Events of `op` planned with `source` (the physical pacer counts real scans with it). */
  planned(op: Operation, source?: Source): number;
  /** Terminal states so far, by operation (tests; the report reads the journal). */
  ended(op: Operation): Partial<Record<Outcome, number>>;
}

export function createLedger(opts: LedgerOptions): EventLedger {
  const { journal, metrics, progress, now } = opts;
  const entries = new Map<string, Entry>();
  const owedBy = new Map<string, Map<string, PlanEvent>>();
  const plannedCount = new Map<string, number>(); // `${op}|${source}`
  const endedCount = new Map<Operation, Partial<Record<Outcome, number>>>();

  const owe = (device: string, event: PlanEvent) => {
    let mine = owedBy.get(device);
    if (mine === undefined) {
      mine = new Map();
      owedBy.set(device, mine);
    }
    mine.set(event.id, event);
  };

  function plan(event: PlanEvent, device: string, source: Source = 'virtual'): void {
    if (entries.has(event.id)) return; // a re-sent plan: the first record stands
    entries.set(event.id, { event, device, source, outcome: null });
    const key = `${event.op}|${source}`;
    plannedCount.set(key, (plannedCount.get(key) ?? 0) + 1);
    // Patrons, not copies: a reassigned event's copy is the same patron.
    if (event.reassignedFrom === undefined) metrics.planned.inc({ operation: event.op });
    if (source === 'virtual') owe(device, event);
    journal.write({
      t: 'planned',
      id: event.id,
      op: event.op,
      at: event.at,
      device,
      wallet: event.wallet.binding,
      method: event.method,
      source,
      ...(event.cart && { cart: event.cart }),
      ...(event.amountCents !== undefined && { amountCents: event.amountCents }),
      ...(event.reassignedFrom !== undefined && { reassignedFrom: event.reassignedFrom }),
      ...(event.collision !== undefined && { collision: event.collision }),
    });
  }

  /** The transition itself; every terminal state passes here exactly once. */
  function finish(entry: Entry, outcome: Outcome): void {
    entry.outcome = outcome;
    owedBy.get(entry.device)?.delete(entry.event.id);
    const op = entry.event.op;
    const counts = endedCount.get(op) ?? {};
    endedCount.set(op, counts);
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    metrics.ended.inc({ operation: op, outcome });
    if (outcome === 'dropped') metrics.dropped.inc({ operation: op });
  }

  function anomaly(id: string, outcome: Outcome, extra: Partial<JournalRecord>): void {
    const entry = entries.get(id);
    const t = entry === undefined ? 'stray' : 'late';
    journal.write({
      t,
      id,
      outcome,
      ...(entry ? { device: entry.device } : {}),
      ...extra,
    } as JournalRecord);
  }

  function settle(device: string, result: EventResult): boolean {
    if (result.unplanned && !entries.has(result.id)) {
      const event: PlanEvent = {
        id: result.id,
        op: result.op,
        at: result.at,
        wallet: { binding: result.wallet ?? 'unknown', fingerprint: 'unknown' },
        method: result.method ?? 'QR',
      };
      plan(event, device, 'physical');
    }
    const entry = entries.get(result.id);
    const endedAt = now();
    if (entry === undefined || entry.outcome !== null) {
      anomaly(result.id, result.outcome, { endedAt, result });
      return false;
    }
    finish(entry, result.outcome);
    progress.record(result);
    opts.onEnded?.({ at: endedAt, outcome: result.outcome, sojournMs: result.decided - result.at });
    journal.write({
      t: 'end',
      id: result.id,
      outcome: result.outcome,
      device: entry.device,
      endedAt,
      result,
    });
    return true;
  }

  function waited(entry: Entry, outcome: OrchestratorOutcome, at: number): number | undefined {
    if (outcome === 'reassigned') return undefined;
    if (outcome === 'dropped') return opts.dropDeadlineMs;
    return Math.max(0, at - entry.event.at);
  }

  function end(id: string, outcome: OrchestratorOutcome, reason: string, at = now()): boolean {
    const entry = entries.get(id);
    if (entry === undefined || entry.outcome !== null) {
      anomaly(id, outcome, { endedAt: at, reason });
      return false;
    }
    finish(entry, outcome);
    progress.recordOutcome(entry.event.op, outcome);
    const waitedMs = waited(entry, outcome, at);
    if (outcome !== 'reassigned') {
      opts.onEnded?.({ at, outcome, ...(waitedMs !== undefined ? { sojournMs: waitedMs } : {}) });
    }
    if (waitedMs !== undefined) {
      const kind = opts.kindOf(entry.device);
      metrics.sojourn.observe(
        {
          device: entry.device,
          kind: kind ?? 'unknown',
          operation: kind ? KIND_OPERATION[kind] : entry.event.op,
          outcome,
          source: entry.source,
        },
        waitedMs / 1000,
      );
    }
    journal.write({
      t: 'end',
      id,
      outcome,
      device: entry.device,
      endedAt: at,
      ...(waitedMs !== undefined ? { waitedMs } : {}),
      reason,
    });
    return true;
  }

  return {
    plan,
    settle,
    end,
    deviceLost(device, lostAt, reroute) {
      const out = {
        interrupted: 0,
        reassigned: 0,
        dropped: 0,
        copies: [] as Array<{ event: PlanEvent; device: string }>,
      };
      const mine = [...(owedBy.get(device)?.values() ?? [])];
      for (const event of mine) {
        if (event.at <= lostAt) {
          if (end(event.id, 'interrupted', `${device} lost`, lostAt)) out.interrupted++;
          continue;
        }
        const other = reroute();
        if (other === undefined) {
          if (end(event.id, 'dropped', `${device} lost and no other device of its kind is up`))
            out.dropped++;
          continue;
        }
        if (!end(event.id, 'reassigned', `${device} lost`)) continue;
        out.reassigned++;
        const { reassignedFrom: _, ...rest } = event;
        // The copy keeps the intended time: the patron's sojourn runs on from the same arrival.
        out.copies.push({
          event: { ...rest, id: `${event.id}r`, reassignedFrom: event.id },
          device: other,
        });
      }
      return out;
    },
    endOwed(outcome, reason) {
      const ids = [...owedBy.values()].flatMap((m) => [...m.keys()]);
      let n = 0;
      for (const id of ids) if (end(id, outcome, reason)) n++;
      return n;
    },
    owed(device) {
      if (device !== undefined) return [...(owedBy.get(device)?.values() ?? [])];
      return [...owedBy.values()].flatMap((m) => [...m.values()]);
    },
    pending() {
      let n = 0;
      for (const mine of owedBy.values()) n += mine.size;
      return n;
    },
    planned(op, source) {
      const sources: Source[] = source ? [source] : ['virtual', 'physical'];
      return sources.reduce((n, s) => n + (plannedCount.get(`${op}|${s}`) ?? 0), 0);
    },
    ended: (op) => ({ ...(endedCount.get(op) ?? {}) }),
  };
}
