/**
 * The scenario file's schema (scenario.ts loads it): strict like k6's scenario `Validate()`, so
 * unknown keys are errors, and the cross-field rules (layout, rates the devices can serve,
 * collision kinds, the chaos timeline) report every problem with its path.
 * Durations are written "45s" / "2m" / "1h30m" (or ms) in the file and are milliseconds here
 * (contract/duration.ts).
 */
import { z } from 'zod';
import { COLLISION_KINDS, type CollisionKind, membersPerOp } from '../contract/collisions.js';
import { durationProblem, parseDuration } from '../contract/duration.js';
import { DEVICE_KINDS, KIND_OPERATION, OPERATIONS, type Source } from '../contract/operations.js';
import { isValidId } from '../contract/topics.js';
import { AbortSchema } from './abort.js';
import { type Timeline, timelineSchema } from './chaos/timeline.js';

/** A duration field: "45s" | "2m" | "1h30m" | ms number in the file, milliseconds after parsing. */
const duration = z.unknown().transform((value, ctx): number => {
  const problem = durationProblem(value);
  if (problem !== null) {
    ctx.addIssue({ code: 'custom', message: `invalid duration: ${problem}` });
    return z.NEVER;
  }
  return parseDuration(value as string | number);
});

const share = z.number().min(0).max(1);
const perMinute = z.number().finite().nonnegative();

/**
 * Reader inputs (devices/inputs/): the virtual ones are driven by the planner; `serial` and `hid`
 * are physical readers (or a socat pty standing in for one) whose scans arrive unplanned.
 * `none` is for wallet-app devices, which have no reader.
 */
export const DEVICE_INPUTS = ['virtual-serial', 'virtual-hid', 'serial', 'hid', 'none'] as const;
export type DeviceInput = (typeof DEVICE_INPUTS)[number];
const PHYSICAL_INPUTS: readonly DeviceInput[] = ['serial', 'hid'];

export function inputSource(input: DeviceInput): Source {
  return PHYSICAL_INPUTS.includes(input) ? 'physical' : 'virtual';
}

const DeviceSchema = z.strictObject({
  id: z.string().refine(isValidId, 'use 1-64 letters, digits, "_", ".", "-"'),
  kind: z.enum(DEVICE_KINDS),
  /** Firmware profile name (firmware-profiles/<profile>.json), or "none" for wallet-app. */
  profile: z.string().min(1),
  input: z.enum(DEVICE_INPUTS),
  /** The serial path / HID path of a physical reader. */
  path: z.string().min(1).optional(),
  /** Patrons served at once: a door is one queue with one lane (DESIGN.md step 3). */
  lanes: z.number().int().min(1).max(1000).default(1),
});

/**
 * Deliberate collisions (contract/collisions.ts), per minute. `rate`: collisions per minute
 * overall, taking the kinds without their own entry in `kinds` in turn; an entry in `kinds` sets
 * that kind's own rate (0 turns it off). Absent: no collisions (demo, pilot).
 */
const CollisionsSchema = z.strictObject({
  rate: perMinute.optional(),
  kinds: z.partialRecord(z.enum(COLLISION_KINDS), perMinute).optional(),
});

const ShapeSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  duration,
  /**
   * `constant`: evenly spaced. `poisson`: exponential inter-arrival times (the count drifts like a
   * Poisson variable: ±7 % over a minute at 200/min). `poisson-per-minute`: Poisson times
   * conditioned on the target count in every minute, so bursts are real and the rate is exact.
   */
  arrivals: z.enum(['poisson', 'constant', 'poisson-per-minute']),
  crowd: z.strictObject({
    wallets: z.number().int().min(1),
    maxInside: z.number().int().min(1),
    openingBalanceCents: z.number().int().nonnegative(),
    leaveRatePerMinute: perMinute,
    walletCooldown: duration,
    /**
     * Patrons already inside at t0 (scenario B: purchases without an entry load). They never
     * scanned in, so no entry rows are written for them (crowd.ts).
     */
    startInside: z.number().int().nonnegative().default(0),
    /**
     * Deliberate re-entries (scenario D): `share` of entries is a wallet that walked out at least
     * `dwell` ago, when one is free (else an ordinary entry, counted in the crowd's facts).
     */
    reentry: z.strictObject({ share, dwell: duration }).optional(),
  }),
  operations: z.strictObject({
    entry: z.strictObject({ perMinute, nfcShare: share }),
    concession: z.strictObject({
      perMinute,
      maxQuantity: z.number().int().min(1),
      tipShare: share,
      nfcShare: share,
    }),
    funding: z.strictObject({
      perMinute,
      // GhostPass's create-checkout-session refuses amounts under 50 cents (GHOSTPASS.md 3).
      amountsCents: z.array(z.number().int().min(50)).min(1),
      /**
       * Median time a patron spends paying on Stripe's checkout page before the webhook is sent
       * (log-normal, devices/kinds/wallet-app-stripe.ts). Default: the fleet's (1.5 s).
       */
      paymentTime: duration.optional(),
    }),
  }),
  devices: z.array(DeviceSchema).min(1),
  /** A patron who cannot be served within this much of `at` is dropped (counted, not queued). */
  dropDeadline: duration,
  /** How far ahead plans are sent to devices. */
  lookahead: duration,
  thresholds: z.strictObject({
    entryP95Seconds: z.number().positive(),
    concessionP95Seconds: z.number().positive(),
    fundingMeanSeconds: z.number().positive(),
    failureRate: z.number().min(0).max(1),
    /**
     * Which latency the p95/mean limits apply to. Default `sojourn` (arrival → decision): it
     * includes queueing, so a stalled target cannot hide (DESIGN.md "no coordinated omission").
     * `service` (sent → responded) is the API alone. The report shows both either way.
     */
    latency: z.enum(['sojourn', 'service']).default('sojourn'),
  }),
  collisions: CollisionsSchema.optional(),
  /** Scenario F: faults on a timeline (orchestrator/chaos/timeline.ts; docs/chaos.md). */
  chaos: z.unknown().optional(),
  /** Abort thresholds: the run stops on its own, still validates and reports (orchestrator/abort.ts). */
  abort: AbortSchema.optional(),
});

export const ScenarioSchema = ShapeSchema.superRefine((s, ctx) => {
  checkChaos(s, ctx);
  checkLayout(s, ctx);
  checkServed(s, ctx);
  checkCollisionKinds(s, ctx);
});

type Parsed = z.output<typeof ShapeSchema>;
type Ctx = z.RefinementCtx;

/** The chaos timeline, checked against the scenario's devices and duration. */
function checkChaos(s: Parsed, ctx: Ctx): void {
  if (s.chaos === undefined) return;
  const t = timelineSchema({ devices: s.devices.map((d) => d.id), durationMs: s.duration });
  const parsed = t.safeParse(s.chaos);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      ctx.addIssue({ ...issue, path: ['chaos', ...issue.path] } as never);
  }
}

/** The crowd fits its wallets; device ids are unique; each device's input suits its kind. */
function checkLayout(s: Parsed, ctx: Ctx): void {
  if (s.crowd.maxInside > s.crowd.wallets) {
    ctx.addIssue({
      code: 'custom',
      path: ['crowd', 'maxInside'],
      message: `must not exceed crowd.wallets (${s.crowd.wallets})`,
    });
  }
  if (s.crowd.startInside > s.crowd.maxInside) {
    ctx.addIssue({
      code: 'custom',
      path: ['crowd', 'startInside'],
      message: `must not exceed crowd.maxInside (${s.crowd.maxInside})`,
    });
  }
  const seen = new Set<string>();
  s.devices.forEach((d, i) => {
    if (seen.has(d.id)) {
      ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: `duplicate id ${d.id}` });
    }
    seen.add(d.id);
    for (const { field, message } of inputProblems(d)) {
      ctx.addIssue({ code: 'custom', path: ['devices', i, field], message });
    }
  });
}

function inputProblems(
  d: Parsed['devices'][number],
): Array<{ field: 'path' | 'input'; message: string }> {
  const out: Array<{ field: 'path' | 'input'; message: string }> = [];
  const physical = inputSource(d.input) === 'physical';
  if (physical && d.path === undefined) {
    out.push({ field: 'path', message: `input ${d.input} needs the reader's path` });
  }
  if (!physical && d.path !== undefined) {
    out.push({ field: 'path', message: 'only physical inputs (serial, hid) take a path' });
  }
  if ((d.kind === 'wallet-app') !== (d.input === 'none')) {
    const message = 'wallet-app devices (and only they) use input "none": a phone has no reader';
    out.push({ field: 'input', message });
  }
  return out;
}

/** Every operation with a rate has a virtual device to perform it. */
function checkServed(s: Parsed, ctx: Ctx): void {
  for (const op of OPERATIONS) {
    if (s.operations[op].perMinute <= 0) continue;
    const kinds = DEVICE_KINDS.filter((k) => KIND_OPERATION[k] === op);
    const served = s.devices.some(
      (d) => kinds.includes(d.kind) && inputSource(d.input) === 'virtual',
    );
    if (!served) {
      ctx.addIssue({
        code: 'custom',
        path: ['operations', op, 'perMinute'],
        message: `${op} has a rate but no virtual ${kinds.join('/')} device to perform it`,
      });
    }
  }
}

/**
 * A kind asked for by name must be performable by the layout; the overall rate skips those that
 * are not (the planner says so).
 */
function checkCollisionKinds(s: Parsed, ctx: Ctx): void {
  for (const [kind, rate] of Object.entries(s.collisions?.kinds ?? {})) {
    if (!(rate > 0)) continue;
    for (const [op, n] of Object.entries(membersPerOp(kind as CollisionKind))) {
      if (n === 0) continue;
      const have = s.devices.filter(
        (d) => KIND_OPERATION[d.kind] === op && inputSource(d.input) === 'virtual',
      ).length;
      if (have < n) {
        ctx.addIssue({
          code: 'custom',
          path: ['collisions', 'kinds', kind],
          message: `${kind} needs ${n} virtual ${op} device(s), the scenario has ${have}`,
        });
      }
    }
  }
}

export type Scenario = Omit<z.output<typeof ScenarioSchema>, 'chaos'> & { chaos: Timeline };
export type ScenarioDevice = Scenario['devices'][number];
