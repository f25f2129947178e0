/**
 * The journal as the report reads it. The journal's own schema (`orchestrator/journal.ts`) is
 * strict because the orchestrator writes it; the report must also read journals written by a
 * newer or older fleet, so it parses each record loosely here: known fields are checked, extra
 * fields are kept out of the way, and record types it does not know are counted and skipped.
 * Records are `unknown` until parsed: wallet ids, reasons and codes come from devices and from
 * the target's replies (STYLE.md 12).
 */
import { z } from 'zod';
import { OPERATIONS, type Operation, OUTCOMES, type Outcome } from '../../contract/operations.js';

const time = z.number().finite();

const RunSchema = z.looseObject({
  t: z.literal('run'),
  runId: z.string(),
  scenario: z.string(),
  /** Older journals put the first arrival here; newer ones in the `running` phase record. */
  startAt: time.optional(),
  createdAt: time.optional(),
});

const PhaseSchema = z.looseObject({
  t: z.literal('phase'),
  phase: z.string(),
  startAt: time.optional(),
});

/**
 * A collision (issue 9: deliberate same-wallet concurrency) as the planner tags its events: the
 * kind, and the group shared by the events of one collision. What it is meant to test comes from
 * the record when it says so, else from the caller (the kinds' table in contract/).
 */
const CollisionSchema = z.union([
  z.string().transform((kind) => ({ kind })),
  z
    .looseObject({
      kind: z.string(),
      group: z.string().optional(),
      invariants: z.array(z.string()).optional(),
      invariant: z.string().optional(),
    })
    .transform((c) => ({
      kind: c.kind,
      ...(c.group !== undefined && { group: c.group }),
      ...((c.invariants ?? c.invariant) !== undefined && {
        invariants: c.invariants ?? [c.invariant as string],
      }),
    })),
]);

export interface CollisionTag {
  kind: string;
  group?: string;
  invariants?: string[];
}

const PlannedSchema = z.looseObject({
  t: z.literal('planned'),
  id: z.string(),
  op: z.enum(OPERATIONS),
  at: time,
  device: z.string(),
  wallet: z.string(),
  collision: CollisionSchema.optional(),
});

const ResultSchema = z.looseObject({
  at: time,
  sent: time.optional(),
  responded: time.optional(),
  decided: time,
});

const EndSchema = z.looseObject({
  t: z.enum(['end', 'late', 'stray']),
  id: z.string(),
  outcome: z.enum(OUTCOMES),
  device: z.string().optional(),
  reason: z.string().optional(),
  /** When the orchestrator ended it (`endedAt`; `at` in journals of other fleets). */
  endedAt: time.optional(),
  at: time.optional(),
  /** A never-served patron's censored wait, from its intended time (the ledger writes it). */
  waitedMs: z.number().nonnegative().optional(),
  result: ResultSchema.optional(),
});

export const DEVICE_STATUSES = ['online', 'offline', 'reader_disconnected'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

const DeviceSchema = z.looseObject({
  t: z.literal('device'),
  id: z.string(),
  at: time,
  status: z.enum(DEVICE_STATUSES),
  reason: z.string().optional(),
});

export interface PlannedRecord {
  id: string;
  op: Operation;
  at: number;
  device: string;
  wallet: string;
  collision?: CollisionTag;
}

export interface EndRecord {
  id: string;
  outcome: Outcome;
  device?: string;
  reason?: string;
  /** When the event ended, if the record says so (result.decided, or `at`). */
  endedAt?: number;
  /** The censored wait the ledger recorded (from the patron's intended time). */
  waitedMs?: number;
  sent?: number;
  responded?: number;
  /**
   * The latest device decision written before this record (file order is time order: the
   * journal is appended as results arrive). A lower bound on when this record was written.
   */
  journalClock: number | null;
}

export interface DeviceRecord {
  id: string;
  at: number;
  status: DeviceStatus;
  reason?: string;
}

export interface ParsedJournal {
  run: { runId: string; scenario: string; startAt: number } | null;
  planned: PlannedRecord[];
  /** The first terminal record per id (what the journal's ledger kept). */
  ends: Map<string, EndRecord>;
  late: EndRecord[];
  stray: EndRecord[];
  devices: DeviceRecord[];
  /** Records that were not one of the known types, or did not parse (counted, not fatal). */
  skipped: number;
}

/** Parse journal records (`readJournal`'s output, or raw JSON lines) for the report. */
export function parseJournal(records: readonly unknown[]): ParsedJournal {
  const out: ParsedJournal = {
    run: null,
    planned: [],
    ends: new Map(),
    late: [],
    stray: [],
    devices: [],
    skipped: 0,
  };
  let clock: number | null = null;
  for (const raw of records) {
    const type = typeof raw === 'object' && raw !== null ? (raw as { t?: unknown }).t : undefined;
    if (type === 'run') {
      const r = RunSchema.safeParse(raw);
      if (r.success && out.run === null) {
        const startAt = r.data.startAt ?? r.data.createdAt ?? 0;
        out.run = { runId: r.data.runId, scenario: r.data.scenario, startAt };
      } else if (!r.success) out.skipped++;
    } else if (type === 'phase') {
      const r = PhaseSchema.safeParse(raw);
      if (r.success && r.data.phase === 'running' && r.data.startAt !== undefined && out.run) {
        out.run.startAt = r.data.startAt;
      }
    } else if (type === 'closed') {
      // the closing facts: the report (validation/report.ts) reads them
    } else if (type === 'planned') {
      const r = PlannedSchema.safeParse(raw);
      if (!r.success) out.skipped++;
      else {
        const { t: _, collision, ...p } = r.data;
        out.planned.push({
          id: p.id,
          op: p.op,
          at: p.at,
          device: p.device,
          wallet: p.wallet,
          ...(collision && { collision }),
        });
      }
    } else if (type === 'end' || type === 'late' || type === 'stray') {
      const r = EndSchema.safeParse(raw);
      if (!r.success) {
        out.skipped++;
        continue;
      }
      const e = r.data;
      const end: EndRecord = {
        id: e.id,
        outcome: e.outcome,
        ...(e.device !== undefined && { device: e.device }),
        ...(e.reason !== undefined && { reason: e.reason }),
        ...((e.result?.decided ?? e.endedAt ?? e.at) !== undefined && {
          endedAt: e.result?.decided ?? e.endedAt ?? e.at,
        }),
        ...(e.waitedMs !== undefined && { waitedMs: e.waitedMs }),
        ...(e.result?.sent !== undefined && { sent: e.result.sent }),
        ...(e.result?.responded !== undefined && { responded: e.result.responded }),
        journalClock: clock,
      };
      if (e.result) clock = clock === null ? e.result.decided : Math.max(clock, e.result.decided);
      if (e.t === 'late') out.late.push(end);
      else if (e.t === 'stray') out.stray.push(end);
      else if (!out.ends.has(e.id)) out.ends.set(e.id, end);
    } else if (type === 'device') {
      const r = DeviceSchema.safeParse(raw);
      if (!r.success) out.skipped++;
      else {
        const d = r.data;
        clock = clock === null ? d.at : Math.max(clock, d.at);
        out.devices.push({
          id: d.id,
          at: d.at,
          status: d.status,
          ...(d.reason !== undefined && { reason: d.reason }),
        });
      }
    } else out.skipped++;
  }
  out.devices.sort((a, b) => a.at - b.at);
  return out;
}
