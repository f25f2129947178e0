/**
 * Scenario files (`scenarios/*.json`): the crowd, the rates, the device layout and the pass/fail
 * thresholds of one run. Strict like k6's scenario `Validate()`: unknown keys are errors and one
 * `GF_BAD_CONFIG` names every problem at once as `<file>: <path>: <reason>`.
 * Durations are written "45s" / "2m" / "1h30m" (or ms) in the file and are milliseconds here.
 */
import { access, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { COLLISION_KINDS, type CollisionKind, membersPerOp } from '../contract/collisions.js';
import { durationProblem, parseDuration } from '../contract/duration.js';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import type { RunPlan } from '../contract/journal.js';
import {
  DEVICE_KINDS,
  type DeviceKind,
  KIND_OPERATION,
  OPERATIONS,
  type Source,
} from '../contract/operations.js';
import { isValidId } from '../contract/topics.js';
import { formatIssues } from '../contract/zod-issues.js';
import { AbortSchema } from './abort.js';
import { type Timeline, timelineSchema } from './chaos/timeline.js';

export { formatDuration, parseDuration } from '../contract/duration.js';

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

const ScenarioSchema = z
  .strictObject({
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
  })
  .superRefine((s, ctx) => {
    if (s.chaos !== undefined) {
      const t = timelineSchema({ devices: s.devices.map((d) => d.id), durationMs: s.duration });
      const parsed = t.safeParse(s.chaos);
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          ctx.addIssue({ ...issue, path: ['chaos', ...issue.path] } as never);
      }
    }
    if (s.crowd.maxInside > s.crowd.wallets) {
      ctx.addIssue({
        code: 'custom',
        path: ['crowd', 'maxInside'],
        message: `must not exceed crowd.wallets (${s.crowd.wallets})`,
      });
    }
    const seen = new Set<string>();
    s.devices.forEach((d, i) => {
      if (seen.has(d.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['devices', i, 'id'],
          message: `duplicate id ${d.id}`,
        });
      }
      seen.add(d.id);
      const physical = inputSource(d.input) === 'physical';
      if (physical && d.path === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['devices', i, 'path'],
          message: `input ${d.input} needs the reader's path`,
        });
      }
      if (!physical && d.path !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['devices', i, 'path'],
          message: `only physical inputs (serial, hid) take a path`,
        });
      }
      if ((d.kind === 'wallet-app') !== (d.input === 'none')) {
        ctx.addIssue({
          code: 'custom',
          path: ['devices', i, 'input'],
          message: 'wallet-app devices (and only they) use input "none": a phone has no reader',
        });
      }
    });
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
    // A kind asked for by name must be performable by the layout; the overall rate skips those
    // that are not (the planner says so).
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
  });

export type Scenario = Omit<z.output<typeof ScenarioSchema>, 'chaos'> & { chaos: Timeline };
export type ScenarioDevice = Scenario['devices'][number];

/** Validate parsed JSON; `file` names the source in every problem line. */
export function validateScenario(data: unknown, file: string): Scenario {
  const parsed = ScenarioSchema.safeParse(data);
  if (parsed.success) {
    const chaos = parsed.data.chaos === undefined ? [] : timelineSchema().parse(parsed.data.chaos);
    return { ...parsed.data, chaos };
  }
  throw new GhostfleetError(ErrorCodes.BadConfig, `scenario ${file} is invalid`, {
    details: formatIssues(parsed.error.issues, file),
  });
}

/**
 * Load a scenario: a bare name (`demo`, `pilot`) resolves to `scenarios/<name>.json` in the
 * package (works from source and from `dist/`); anything with a slash or `.json` is a path.
 */
export async function loadScenario(nameOrPath: string): Promise<Scenario> {
  const isName = /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(nameOrPath);
  const file = isName
    ? join(await packageRoot(), 'scenarios', `${nameOrPath}.json`)
    : resolve(nameOrPath);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new GhostfleetError(ErrorCodes.BadConfig, `scenario ${nameOrPath} not found`, {
      cause: err,
      details: [`looked for ${file}`],
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new GhostfleetError(ErrorCodes.BadConfig, `scenario ${file} is invalid`, {
      cause: err,
      details: [`${file}: (root): not JSON: ${(err as Error).message}`],
    });
  }
  return validateScenario(data, file);
}

/**
 * The caller's overrides (CLI `--duration`, `--wallets`, `--collisions RATE`), applied to a loaded
 * scenario. `collisionsPerMinute` sets the overall collision rate and keeps the file's per-kind
 * rates; 0 turns every collision off.
 */
export function withOverrides(
  scenario: Scenario,
  overrides: { durationMs?: number; wallets?: number; collisionsPerMinute?: number },
): Scenario {
  const out: Scenario = { ...scenario, crowd: { ...scenario.crowd } };
  if (overrides.durationMs !== undefined) {
    if (!(Number.isFinite(overrides.durationMs) && overrides.durationMs > 0)) {
      throw new GhostfleetError(ErrorCodes.BadArgument, 'duration override must be > 0');
    }
    out.duration = overrides.durationMs;
  }
  if (overrides.wallets !== undefined) {
    if (!(Number.isInteger(overrides.wallets) && overrides.wallets > 0)) {
      throw new GhostfleetError(ErrorCodes.BadArgument, 'wallets override must be an integer > 0');
    }
    out.crowd.wallets = overrides.wallets;
    out.crowd.maxInside = Math.min(out.crowd.maxInside, overrides.wallets);
  }
  const rate = overrides.collisionsPerMinute;
  if (rate !== undefined) {
    if (!(Number.isFinite(rate) && rate >= 0)) {
      throw new GhostfleetError(ErrorCodes.BadArgument, 'collisions override must be a rate >= 0');
    }
    out.collisions = rate === 0 ? { rate: 0, kinds: {} } : { ...scenario.collisions, rate };
  }
  return out;
}

/** Devices of one kind, in file order. */
export function devicesOfKind(scenario: Scenario, kind: DeviceKind): ScenarioDevice[] {
  return scenario.devices.filter((d) => d.kind === kind);
}

/** The directory holding package.json, walking up from this module (source or dist/). */
async function packageRoot(): Promise<string> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      await access(join(dir, 'package.json'));
      return dir;
    } catch {
      const up = dirname(dir);
      if (up === dir) {
        throw new GhostfleetError(ErrorCodes.Internal, 'cannot find the package root');
      }
      dir = up;
    }
  }
}

/** What the journal keeps of a scenario for the report (contract/journal.ts RunPlan). */
export function runPlanOf(s: Scenario): RunPlan {
  return {
    durationMs: s.duration,
    dropDeadlineMs: s.dropDeadline,
    perMinute: {
      entry: s.operations.entry.perMinute,
      concession: s.operations.concession.perMinute,
      funding: s.operations.funding.perMinute,
    },
    thresholds: { ...s.thresholds },
  };
}
