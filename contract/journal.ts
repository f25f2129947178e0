/**
 * The run journal's records (DESIGN.md "The journal is the seam"): the orchestrator appends them
 * while a fleet runs; validation reads them back to judge the run. One JSON object per line.
 * - `run`: the header, with what the report needs of the scenario (its plan);
 * - `phase`: running (with the first arrival's time), draining, done or aborted;
 * - `planned`: an event sent to a device (or a physical reader's scan, source `physical`);
 * - `end`: its one terminal state; `late`: a second one (ignored, but the target did the work:
 *   validation must see it); `stray`: a terminal state for an id never planned;
 * - `device`: a device came up, went down or lost its reader;
 * - `chaos`: a fault of the chaos timeline started or ended;
 * - `db`: a sample of the target database's activity (a PostgreSQL target only);
 * - `closed`: the run's end, with the facts the journal cannot know otherwise (devices, target).
 */
import { z } from 'zod';
import { DEVICE_KINDS, METHODS, OPERATIONS, OUTCOMES, SOURCES } from './operations.js';
import { CartSchema, EventResultSchema } from './payloads.js';

const perOperation = <T extends z.ZodType>(t: T) =>
  z.strictObject({ entry: t, concession: t, funding: t });

/** What the report needs of the scenario: its length, rates and pass/fail limits. */
export const RunPlanSchema = z.strictObject({
  durationMs: z.number().nonnegative(),
  dropDeadlineMs: z.number().nonnegative(),
  perMinute: perOperation(z.number().nonnegative()),
  thresholds: z.strictObject({
    entryP95Seconds: z.number().positive(),
    concessionP95Seconds: z.number().positive(),
    fundingMeanSeconds: z.number().positive(),
    failureRate: z.number().min(0).max(1),
    latency: z.enum(['sojourn', 'service']),
  }),
});
export type RunPlan = z.infer<typeof RunPlanSchema>;

export const CollisionTagSchema = z.looseObject({ kind: z.string(), group: z.string() });

const RunRecord = z.looseObject({
  t: z.literal('run'),
  runId: z.string(),
  fleet: z.string().optional(),
  scenario: z.string(),
  seed: z.union([z.string(), z.number()]),
  createdAt: z.number(),
  plan: RunPlanSchema,
  /** The target's test venues (`ghostfleet validate` scopes the invariants to them). */
  venues: z.array(z.string()).optional(),
});

/** The run's phases as they happen; `running` carries the first arrival's time (`startAt`). */
const PhaseRecord = z.strictObject({
  t: z.literal('phase'),
  phase: z.enum(['running', 'draining', 'done', 'aborted']),
  at: z.number(),
  startAt: z.number().optional(),
  endsAt: z.number().optional(),
  target: z.string().optional(),
});

const PlannedRecord = z.strictObject({
  t: z.literal('planned'),
  id: z.string(),
  op: z.enum(OPERATIONS),
  at: z.number(),
  device: z.string(),
  /** wallet_binding_id */
  wallet: z.string(),
  method: z.enum(METHODS),
  source: z.enum(SOURCES),
  cart: CartSchema.optional(),
  amountCents: z.number().int().optional(),
  reassignedFrom: z.string().optional(),
  collision: CollisionTagSchema.optional(),
});

const endShape = {
  id: z.string(),
  outcome: z.enum(OUTCOMES),
  device: z.string().optional(),
  /** When the orchestrator wrote the state (epoch ms). */
  endedAt: z.number().optional(),
  /**
   * A patron the fleet never served (interrupted, unserved, dropped by the orchestrator) still
   * waited: at least this long (right-censored). Device results carry their own timestamps.
   */
  waitedMs: z.number().nonnegative().optional(),
  reason: z.string().optional(),
  result: EventResultSchema.optional(),
};

const DeviceRecord = z.strictObject({
  t: z.literal('device'),
  id: z.string(),
  at: z.number(),
  status: z.enum(['online', 'offline', 'reader_disconnected']),
  reason: z.string().optional(),
});

/** One sample of the target database's monitor (orchestrator/db-monitor.ts); deltas since the last. */
const DbRecord = z.strictObject({
  t: z.literal('db'),
  at: z.number(),
  connections: z.number().int().nonnegative(),
  active: z.number().int().nonnegative(),
  idleInTransaction: z.number().int().nonnegative(),
  lockWaits: z.number().int().nonnegative(),
  commits: z.number().nonnegative(),
  rollbacks: z.number().nonnegative(),
  deadlocks: z.number().nonnegative(),
  rowsWritten: z.number().nonnegative(),
  seqScans: z.number().nonnegative(),
  idxScans: z.number().nonnegative(),
});
export type DbSample = z.infer<typeof DbRecord>;

/** A chaos timeline's start or end (orchestrator/chaos/runner.ts ChaosEvent), journaled. */
export const ChaosRecordSchema = z.strictObject({
  t: z.literal('chaos'),
  at: z.number(),
  /** The timeline entry (its index in the scenario's `chaos` list). */
  entry: z.number().int().nonnegative(),
  phase: z.enum(['start', 'end']),
  fault: z.looseObject({ kind: z.string(), device: z.string().optional() }),
  detail: z.string().optional(),
});
export type ChaosRecord = z.infer<typeof ChaosRecordSchema>;

export const DeviceSummarySchema = z.strictObject({
  id: z.string(),
  kind: z.enum(DEVICE_KINDS),
  source: z.enum(SOURCES),
  profile: z.string(),
  /** The reader input (virtual-serial, serial, virtual-hid, hid, none). */
  input: z.string(),
  pid: z.number().int().nullable(),
  up: z.boolean(),
  /** How many times the device came online (more than 1: it was revived). */
  births: z.number().int(),
  /** Its clock minus the orchestrator's at birth, ms, less the birth message's delivery delay. */
  clockOffsetMs: z.number().nullable(),
  /** Its reader's frame counts at the end (device/{id}/reader), when it has a reader. */
  readerFrames: z.record(z.string(), z.number()).optional(),
});
export type DeviceFacts = z.infer<typeof DeviceSummarySchema>;

const ClosedRecord = z.strictObject({
  t: z.literal('closed'),
  endedAt: z.number(),
  aborted: z.boolean(),
  devices: z.array(DeviceSummarySchema),
  target: z.strictObject({ kind: z.string(), url: z.string(), mode: z.string().optional() }),
  broker: z.strictObject({ url: z.string(), embedded: z.boolean() }),
  /** The crowd model's own counters (orchestrator/crowd.ts CrowdStats), when there was one. */
  crowd: z.record(z.string(), z.unknown()).nullable(),
  notes: z.array(z.string()),
});

export const JournalRecordSchema = z.discriminatedUnion('t', [
  RunRecord,
  PhaseRecord,
  PlannedRecord,
  ...(['end', 'late', 'stray'] as const).map((t) =>
    z.strictObject({ t: z.literal(t), ...endShape }),
  ),
  DeviceRecord,
  DbRecord,
  ChaosRecordSchema,
  ClosedRecord,
]);
export type JournalRecord = z.infer<typeof JournalRecordSchema>;
export type PlannedRecord = z.infer<typeof PlannedRecord>;
export type EndRecord = Extract<JournalRecord, { t: 'end' | 'late' | 'stray' }>;
export type ClosedRecord = z.infer<typeof ClosedRecord>;
export type RunHeaderRecord = z.infer<typeof RunRecord>;
