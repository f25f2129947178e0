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
import type { JournalRecord } from '../contract/journal.js';
import {
  KIND_OPERATION,
  type Operation,
  type Outcome,
  type Source,
} from '../contract/operations.js';
import type { EventResult, PlanEvent } from '../contract/payloads.js';
import type {
  Entry,
  EventLedger,
  LedgerOptions,
  LostCounts,
  OrchestratorOutcome,
} from './ledger-types.js';

export type {
  EventLedger,
  LedgerOptions,
  LostCounts,
  OrchestratorOutcome,
} from './ledger-types.js';

/** One ledger's state: every event's entry, the one map of what each device owes, the counts. */
interface LedgerState {
  readonly opts: LedgerOptions;
  readonly entries: Map<string, Entry>;
  readonly owedBy: Map<string, Map<string, PlanEvent>>;
  /** Keyed `${op}|${source}`. */
  readonly plannedCount: Map<string, number>;
  readonly endedCount: Map<Operation, Partial<Record<Outcome, number>>>;
}

export function createLedger(opts: LedgerOptions): EventLedger {
  const l: LedgerState = {
    opts,
    entries: new Map(),
    owedBy: new Map(),
    plannedCount: new Map(),
    endedCount: new Map(),
  };
  return {
    plan: (event, device, source = 'virtual') => plan(l, event, device, source),
    settle: (device, result) => settle(l, device, result),
    end: (id, outcome, reason, at = opts.now()) => end(l, id, outcome, reason, at),
    deviceLost: (device, lostAt, reroute) => deviceLost(l, device, lostAt, reroute),
    endOwed(outcome, reason) {
      const ids = [...l.owedBy.values()].flatMap((m) => [...m.keys()]);
      let n = 0;
      for (const id of ids) if (end(l, id, outcome, reason, opts.now())) n++;
      return n;
    },
    owed(device) {
      if (device !== undefined) return [...(l.owedBy.get(device)?.values() ?? [])];
      return [...l.owedBy.values()].flatMap((m) => [...m.values()]);
    },
    pending() {
      let n = 0;
      for (const mine of l.owedBy.values()) n += mine.size;
      return n;
    },
    planned(op, source) {
      const sources: Source[] = source ? [source] : ['virtual', 'physical'];
      return sources.reduce((n, s) => n + (l.plannedCount.get(`${op}|${s}`) ?? 0), 0);
    },
    ended: (op) => ({ ...(l.endedCount.get(op) ?? {}) }),
  };
}

function owe(l: LedgerState, device: string, event: PlanEvent): void {
  let mine = l.owedBy.get(device);
  if (mine === undefined) {
    mine = new Map();
    l.owedBy.set(device, mine);
  }
  mine.set(event.id, event);
}

function plan(l: LedgerState, event: PlanEvent, device: string, source: Source): void {
  if (l.entries.has(event.id)) return; // a re-sent plan: the first record stands
  l.entries.set(event.id, { event, device, source, outcome: null });
  const key = `${event.op}|${source}`;
  l.plannedCount.set(key, (l.plannedCount.get(key) ?? 0) + 1);
  // Patrons, not copies: a reassigned event's copy is the same patron.
  if (event.reassignedFrom === undefined) l.opts.metrics.planned.inc({ operation: event.op });
  if (source === 'virtual') owe(l, device, event);
  l.opts.journal.write({
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
function finish(l: LedgerState, entry: Entry, outcome: Outcome): void {
  const { metrics } = l.opts;
  entry.outcome = outcome;
  l.owedBy.get(entry.device)?.delete(entry.event.id);
  const op = entry.event.op;
  const counts = l.endedCount.get(op) ?? {};
  l.endedCount.set(op, counts);
  counts[outcome] = (counts[outcome] ?? 0) + 1;
  metrics.ended.inc({ operation: op, outcome });
  if (outcome === 'dropped') metrics.dropped.inc({ operation: op });
}

function anomaly(
  l: LedgerState,
  id: string,
  outcome: Outcome,
  extra: Partial<JournalRecord>,
): void {
  const entry = l.entries.get(id);
  const t = entry === undefined ? 'stray' : 'late';
  l.opts.journal.write({
    t,
    id,
    outcome,
    ...(entry ? { device: entry.device } : {}),
    ...extra,
  } as JournalRecord);
}

function settle(l: LedgerState, device: string, result: EventResult): boolean {
  if (result.unplanned && !l.entries.has(result.id)) {
    const event: PlanEvent = {
      id: result.id,
      op: result.op,
      at: result.at,
      wallet: { binding: result.wallet ?? 'unknown', fingerprint: 'unknown' },
      method: result.method ?? 'QR',
    };
    plan(l, event, device, 'physical');
  }
  const entry = l.entries.get(result.id);
  const endedAt = l.opts.now();
  if (entry === undefined || entry.outcome !== null) {
    anomaly(l, result.id, result.outcome, { endedAt, result });
    return false;
  }
  finish(l, entry, result.outcome);
  l.opts.progress.record(result);
  const sojournMs = result.decided - result.at;
  l.opts.onEnded?.({ at: endedAt, outcome: result.outcome, sojournMs });
  l.opts.journal.write({
    t: 'end',
    id: result.id,
    outcome: result.outcome,
    device: entry.device,
    endedAt,
    result,
  });
  return true;
}

function waited(
  l: LedgerState,
  entry: Entry,
  outcome: OrchestratorOutcome,
  at: number,
): number | undefined {
  if (outcome === 'reassigned') return undefined;
  if (outcome === 'dropped') return l.opts.dropDeadlineMs;
  return Math.max(0, at - entry.event.at);
}

/** The censored sojourn of a patron the fleet never served (ledger rules above). */
function observeWait(l: LedgerState, entry: Entry, outcome: Outcome, waitedMs: number): void {
  const kind = l.opts.kindOf(entry.device);
  l.opts.metrics.sojourn.observe(
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

function end(
  l: LedgerState,
  id: string,
  outcome: OrchestratorOutcome,
  reason: string,
  at: number,
): boolean {
  const entry = l.entries.get(id);
  if (entry === undefined || entry.outcome !== null) {
    anomaly(l, id, outcome, { endedAt: at, reason });
    return false;
  }
  finish(l, entry, outcome);
  l.opts.progress.recordOutcome(entry.event.op, outcome);
  const waitedMs = waited(l, entry, outcome, at);
  if (outcome !== 'reassigned') {
    l.opts.onEnded?.({ at, outcome, ...(waitedMs !== undefined ? { sojournMs: waitedMs } : {}) });
  }
  if (waitedMs !== undefined) observeWait(l, entry, outcome, waitedMs);
  l.opts.journal.write({
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

function deviceLost(
  l: LedgerState,
  device: string,
  lostAt: number,
  reroute: () => string | undefined,
): LostCounts & { copies: Array<{ event: PlanEvent; device: string }> } {
  const out = {
    interrupted: 0,
    reassigned: 0,
    dropped: 0,
    copies: [] as Array<{ event: PlanEvent; device: string }>,
  };
  const mine = [...(l.owedBy.get(device)?.values() ?? [])];
  for (const event of mine) {
    if (event.at <= lostAt) {
      if (end(l, event.id, 'interrupted', `${device} lost`, lostAt)) out.interrupted++;
      continue;
    }
    const other = reroute();
    const now = l.opts.now();
    if (other === undefined) {
      const why = `${device} lost and no other device of its kind is up`;
      if (end(l, event.id, 'dropped', why, now)) out.dropped++;
      continue;
    }
    if (!end(l, event.id, 'reassigned', `${device} lost`, now)) continue;
    out.reassigned++;
    const { reassignedFrom: _, ...rest } = event;
    // The copy keeps the intended time: the patron's sojourn runs on from the same arrival.
    out.copies.push({
      event: { ...rest, id: `${event.id}r`, reassignedFrom: event.id },
      device: other,
    });
  }
  return out;
}
