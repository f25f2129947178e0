/**
 * MQTT payload schemas (DESIGN.md "MQTT contract"). Every payload crossing the broker is parsed
 * against one of these at the receiving end: an MQTT message stays `unknown` until it has.
 * Times are epoch milliseconds (fractional allowed): plans carry absolute times, so hosts share
 * a clock (NTP).
 */
import { z } from 'zod';
import { CollisionSchema } from './collisions.js';
import { ErrorCodes, GhostfleetError } from './errors.js';
import { DEVICE_KINDS, DEVICE_OUTCOMES, METHODS, OPERATIONS, SOURCES } from './operations.js';
import { formatIssues } from './zod-issues.js';

const epochMs = z.number().finite().nonnegative();
const cents = z.number().int();

export const WalletRefSchema = z.strictObject({
  /** `wallet_binding_id` (test data: wallet_test_N). */
  binding: z.string().min(1),
  /** `X-Device-Fingerprint` owning the wallet (test data: device_test_N). Not a secret. */
  fingerprint: z.string().min(1),
});
export type WalletRef = z.infer<typeof WalletRefSchema>;

export const CartSchema = z.strictObject({
  itemId: z.string().min(1),
  itemName: z.string().min(1),
  unitPriceCents: cents.nonnegative(),
  quantity: z.number().int(),
  tipCents: cents,
});
export type Cart = z.infer<typeof CartSchema>;

export const PlanEventSchema = z.strictObject({
  /** Run-unique id; the journal's key. */
  id: z.string().min(1),
  op: z.enum(OPERATIONS),
  /** Intended arrival time: sojourn is measured from here (no coordinated omission). */
  at: epochMs,
  wallet: WalletRefSchema,
  method: z.enum(METHODS),
  cart: CartSchema.optional(),
  /** Funding amount. */
  amountCents: cents.positive().optional(),
  /** Set when this event is a copy of one reassigned from a dead device. */
  reassignedFrom: z.string().optional(),
  /** Set when the event is part of a deliberate collision (contract/collisions.ts). */
  collision: CollisionSchema.optional(),
});
export type PlanEvent = z.infer<typeof PlanEventSchema>;

export const PlanSchema = z.strictObject({
  runId: z.string().min(1),
  seq: z.number().int().nonnegative(),
  events: z.array(PlanEventSchema),
});
export type Plan = z.infer<typeof PlanSchema>;

/** One HTTP call a collision made (a retry, a second webhook delivery, a verify-session). */
export const CallRecordSchema = z.strictObject({
  /** What was called: `purchase`, `webhook`, `verify-session`, `entry`, `fund`, ... */
  name: z.string().min(1),
  outcome: z.enum(DEVICE_OUTCOMES),
  status: z.number().int().optional(),
  code: z.string().optional(),
  sent: epochMs,
  responded: epochMs,
  /**
   * The index (in `calls`) of the attempt this call repeats, same operation and same
   * Idempotency-Key: the patron meant ONE charge, so every row past the first is a double
   * charge (GHOSTPASS.md defect 4), not a timed-out request's explained row.
   */
  retryOf: z.number().int().nonnegative().optional(),
});
export type CallRecord = z.infer<typeof CallRecordSchema>;

export const EventResultSchema = z.strictObject({
  id: z.string().min(1),
  op: z.enum(OPERATIONS),
  outcome: z.enum(DEVICE_OUTCOMES),
  source: z.enum(SOURCES),
  /** Arrival: planned `at`, or the first reader byte for a physical reader. */
  at: epochMs,
  /** When the device's timer put the patron in its queue: `queued − at` is the schedule lag. */
  queued: epochMs.optional(),
  /** Reader frame complete. */
  started: epochMs.optional(),
  /** First request sent. */
  sent: epochMs.optional(),
  /** Last response received. */
  responded: epochMs.optional(),
  /** The decision shown to the patron. */
  decided: epochMs,
  /** HTTP status of the deciding response. */
  status: z.number().int().optional(),
  /** A short machine code for declines and errors (e.g. `insufficient_balance`, `ECONNREFUSED`). */
  code: z.string().optional(),
  wallet: z.string().optional(),
  receiptId: z.string().optional(),
  sessionId: z.string().optional(),
  entryNumber: z.number().int().optional(),
  entryType: z.string().optional(),
  chargedCents: cents.optional(),
  /** True when the event was not planned by the orchestrator (a physical reader's scan). */
  unplanned: z.boolean().optional(),
  /** How the credential was read (a physical scan's method follows its reader profile). */
  method: z.enum(METHODS).optional(),
  /** Collisions: HTTP attempts of the deciding operation (2 when a retry was sent). */
  attempts: z.number().int().positive().optional(),
  /** Collisions: the `Idempotency-Key` every attempt sent (not a secret). */
  idempotencyKey: z.string().optional(),
  /** Collisions: the calls that make the collision (attempts, deliveries, verify-session), in order. */
  calls: z.array(CallRecordSchema).optional(),
});
export type EventResult = z.infer<typeof EventResultSchema>;

export const ResultBatchSchema = z.strictObject({
  runId: z.string().min(1),
  device: z.string().min(1),
  seq: z.number().int().nonnegative(),
  results: z.array(EventResultSchema),
});
export type ResultBatch = z.infer<typeof ResultBatchSchema>;

export const DeviceOnlineSchema = z.strictObject({
  status: z.literal('online'),
  kind: z.enum(DEVICE_KINDS),
  profile: z.string(),
  input: z.string(),
  source: z.enum(SOURCES),
  host: z.string(),
  pid: z.number().int(),
  metricsUrl: z.string(),
  startedAt: epochMs,
  /** The device's clock when it published: the orchestrator estimates clock offset from it. */
  clock: epochMs,
});
export const DeviceOfflineSchema = z.strictObject({
  status: z.literal('offline'),
  reason: z.enum(['lost', 'shutdown']),
});
export const DeviceReaderDownSchema = z.strictObject({
  status: z.literal('reader_disconnected'),
  kind: z.enum(DEVICE_KINDS),
  input: z.string(),
  error: z.string(),
  since: epochMs,
});
export const DeviceStateSchema = z.discriminatedUnion('status', [
  DeviceOnlineSchema,
  DeviceOfflineSchema,
  DeviceReaderDownSchema,
]);
export type DeviceOnline = z.infer<typeof DeviceOnlineSchema>;
export type DeviceState = z.infer<typeof DeviceStateSchema>;

const frameCount = z.number().int().nonnegative();

/**
 * `device/{id}/reader` (retained): frames from the device's reader by result. `ok` decoded to a
 * credential the venue knows, `unknown` decoded to one it does not (no such wallet), `malformed`
 * did not decode, `duplicate` was the same code again inside the profile's same-code delay,
 * `noread` a decode attempt the (emulated) reader failed. `firstMalformed` shows the bytes of the
 * first frame that did not decode, escaped (`\x02W1\x03`), so a wrong prefix/suffix is visible.
 */
export const ReaderReportSchema = z.strictObject({
  profile: z.string(),
  source: z.enum(SOURCES),
  counts: z.strictObject({
    ok: frameCount,
    malformed: frameCount,
    unknown: frameCount,
    duplicate: frameCount,
    noread: frameCount,
  }),
  firstMalformed: z
    .strictObject({ escaped: z.string(), reason: z.string().optional(), at: epochMs })
    .optional(),
});
export type ReaderReport = z.infer<typeof ReaderReportSchema>;

/** Chaos knobs a device reads (the wallet app: Stripe's webhook delay and re-deliveries). */
export const WebhookFaultsSchema = z.strictObject({
  /** Added delay before the webhook, lognormal from its median and p95 (0: none). */
  delayMedianMs: z.number().nonnegative(),
  delayP95Ms: z.number().nonnegative(),
  /** Share of payments whose webhook Stripe delivers twice (a re-delivery after the first). */
  duplicateShare: z.number().min(0).max(1),
});
export type WebhookFaults = z.infer<typeof WebhookFaultsSchema>;

export const DeviceCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('pause') }),
  z.strictObject({ type: z.literal('resume') }),
  z.strictObject({ type: z.literal('stop') }),
  z.strictObject({ type: z.literal('faults'), webhook: WebhookFaultsSchema }),
  /**
   * The orchestrator's answer to every birth during a run: the events it ended when it declared
   * the device lost since its previous birth (none: it was not declared lost). The device drops
   * those it still holds (a zombie must not serve what went to another device) and, having heard
   * the orchestrator on this connection, flushes its outbox.
   */
  z.strictObject({
    type: z.literal('revoke'),
    runId: z.string().min(1),
    ids: z.array(z.string().min(1)),
    /**
     * The `clock` of the birth this answers. A verdict sent before a broker died is replayed by
     * the orchestrator's client on reconnect, before its subscriptions are back: the device trusts
     * only an answer to a birth it published on its current connection.
     */
    answers: epochMs.optional(),
  }),
]);
export type DeviceCommand = z.infer<typeof DeviceCommandSchema>;

export const RUN_PHASES = ['starting', 'running', 'draining', 'done', 'aborted'] as const;
export const RunStateSchema = z.strictObject({
  phase: z.enum(RUN_PHASES),
  runId: z.string(),
  scenario: z.string(),
  startedAt: epochMs,
  endsAt: epochMs.optional(),
});
export type RunState = z.infer<typeof RunStateSchema>;

/** Parse an MQTT payload (Buffer or string) against a schema; a clear error names what failed. */
export function parsePayload<T>(schema: z.ZodType<T>, payload: Buffer | string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch (err) {
    throw new GhostfleetError(ErrorCodes.BadPayload, `${what}: payload is not JSON`, {
      cause: err,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new GhostfleetError(ErrorCodes.BadPayload, `${what}: payload does not match its schema`, {
      details: formatIssues(parsed.error.issues),
    });
  }
  return parsed.data;
}

export function encodePayload(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}
