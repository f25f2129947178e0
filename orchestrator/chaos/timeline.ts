/**
 * A chaos timeline (issue 7, the protocol's scenario F): faults at fixed offsets from the run's
 * start, each `{ at: "2m", for?: "3m", fault: {...} }`. Without `for` a fault lasts to the run's
 * end (a device stays down). Strict like `orchestrator/scenario.ts`: unknown keys are errors and
 * one `GF_BAD_CONFIG` names every problem as `<where>: <path>: <reason>` (STYLE.md 4).
 *
 * Faults:
 * - `kill` / `offline` `{ device }`: a real SIGKILL of the device's process; `for` → revived after.
 *   `offline` is the same action, named as the protocol names it for a concession or door.
 * - `db-latency` `{ addMs }`: the sandbox's per-statement delay (`setStatementLatencyMs`).
 * - `http-latency` / `http-5xx` / `http-stall` / `http-reset`: the fault proxy's faults
 *   (ghostpass/fault-proxy-faults.ts) with the same fields (`rate`, `path`, ...).
 * - `webhook-delay` `{ medianMs, p95Ms? }`, `webhook-duplicate` `{ share }`: knobs the wallet app
 *   reads (Stripe's delivery delay and its at-least-once duplicates), set by `setWebhookFaults`.
 */
import { z } from 'zod';
import { durationProblem, formatDuration, parseDuration } from '../../contract/duration.js';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { isValidId } from '../../contract/topics.js';
import { formatIssues } from '../../contract/zod-issues.js';
import {
  type Fault as ProxyFault,
  FaultSchema as ProxyFaultSchema,
} from '../../ghostpass/fault-proxy.js';

const deviceId = z.string().refine(isValidId, 'use 1-64 letters, digits, "_", ".", "-"');
const positiveMs = z.number().finite().positive();

/** The proxy fault each `http-*` kind stands for. */
export const HTTP_FAULT_KINDS = {
  'http-latency': 'latency',
  'http-5xx': '5xx',
  'http-stall': 'stall',
  'http-reset': 'reset',
} as const;
export type HttpFaultKind = keyof typeof HTTP_FAULT_KINDS;

const PLAIN_FAULTS = {
  kill: z.strictObject({ kind: z.literal('kill'), device: deviceId }),
  offline: z.strictObject({ kind: z.literal('offline'), device: deviceId }),
  'db-latency': z.strictObject({ kind: z.literal('db-latency'), addMs: positiveMs }),
  'webhook-delay': z
    .strictObject({
      kind: z.literal('webhook-delay'),
      medianMs: positiveMs,
      p95Ms: positiveMs.optional(),
    })
    .refine((f) => f.p95Ms === undefined || f.p95Ms >= f.medianMs, {
      path: ['p95Ms'],
      message: 'must be ≥ medianMs',
    }),
  'webhook-duplicate': z.strictObject({
    kind: z.literal('webhook-duplicate'),
    share: z.number().min(0).max(1),
  }),
} as const;

export type DeviceFault = { kind: 'kill' | 'offline'; device: string };
export type HttpFault = { kind: HttpFaultKind; proxy: ProxyFault };
export type ChaosFault =
  | DeviceFault
  | { kind: 'db-latency'; addMs: number }
  | HttpFault
  | { kind: 'webhook-delay'; medianMs: number; p95Ms?: number }
  | { kind: 'webhook-duplicate'; share: number };
export type ChaosFaultKind = ChaosFault['kind'];
export const CHAOS_FAULT_KINDS = [
  ...Object.keys(PLAIN_FAULTS),
  ...Object.keys(HTTP_FAULT_KINDS),
] as ChaosFaultKind[];

export interface TimelineContext {
  /** The scenario's device ids: a fault naming another is an error. */
  devices?: readonly string[];
  /** The run's length: a fault starting at or after it is an error. */
  durationMs?: number;
}

type Ctx = z.RefinementCtx;

/** Re-raise a sub-schema's issues here (each unknown key on its own); returns z.NEVER. */
function copyIssues(issues: readonly z.core.$ZodIssue[], ctx: Ctx): never {
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        ctx.addIssue({ code: 'custom', path: [...issue.path, key], message: 'unknown key' });
      }
    } else ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
  }
  return z.NEVER;
}

function parseFault(value: unknown, ctx: Ctx, context: TimelineContext): ChaosFault {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !(CHAOS_FAULT_KINDS as string[]).includes(kind)) {
    ctx.addIssue({
      code: 'custom',
      path: ['kind'],
      message: `must be one of ${CHAOS_FAULT_KINDS.join(', ')}`,
    });
    return z.NEVER;
  }
  if (kind in HTTP_FAULT_KINDS) {
    const k = kind as HttpFaultKind;
    const parsed = ProxyFaultSchema.safeParse({ ...(value as object), kind: HTTP_FAULT_KINDS[k] });
    if (!parsed.success) return copyIssues(parsed.error.issues, ctx);
    return { kind: k, proxy: parsed.data };
  }
  const parsed = PLAIN_FAULTS[kind as keyof typeof PLAIN_FAULTS].safeParse(value);
  if (!parsed.success) return copyIssues(parsed.error.issues, ctx);
  const fault = parsed.data as ChaosFault;
  if ('device' in fault && context.devices && !context.devices.includes(fault.device)) {
    ctx.addIssue({
      code: 'custom',
      path: ['device'],
      message: `no device ${fault.device} in the scenario (${context.devices.join(', ')})`,
    });
  }
  return fault;
}

const duration = z
  .union([z.string(), z.number()], { error: 'must be a duration such as "2m" or "45s"' })
  .superRefine((v, ctx) => {
    const problem = durationProblem(v);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: `invalid duration: ${problem}` });
  })
  .transform((v) => parseDuration(v));

export interface TimelineEntry {
  /** Position in the file: names the entry in events, journal records and the report. */
  index: number;
  atMs: number;
  /** null: to the run's end. */
  forMs: number | null;
  fault: ChaosFault;
}
export type Timeline = readonly TimelineEntry[];

/**
 * The timeline as a zod schema, output a `Timeline`; `context` adds the scenario's checks. The
 * scenario schema can embed `timelineSchema()` as its `chaos` field (and pass its devices and
 * duration by calling `parseTimeline` with the context, or by its own superRefine).
 */
export function timelineSchema(context: TimelineContext = {}) {
  // Field-level checks, so each runs whatever else is wrong in the entry (every problem named).
  const at = duration.superRefine((ms, ctx) => {
    if (context.durationMs !== undefined && ms >= context.durationMs) {
      const end = formatDuration(context.durationMs);
      ctx.addIssue({ code: 'custom', message: `starts after the run's end (${end})` });
    }
  });
  const span = duration.refine((ms) => ms > 0, 'must be longer than 0');
  const entry = z.strictObject({
    at,
    for: span.optional(),
    fault: z.unknown().transform((v, ctx) => parseFault(v, ctx, context)),
  });
  return z
    .array(entry)
    .superRefine((entries, ctx) => overlaps(entries, ctx))
    .transform(
      (entries): Timeline =>
        entries.map((e, index) => ({ index, atMs: e.at, forMs: e.for ?? null, fault: e.fault })),
    );
}

/** A device cannot be killed twice at once: the second kill would have nothing to kill. */
function overlaps(
  entries: readonly { at: number; for?: number | undefined; fault: ChaosFault }[],
  ctx: Ctx,
): void {
  const end = (e: (typeof entries)[number]) => (e.for === undefined ? Infinity : e.at + e.for);
  entries.forEach((a, i) => {
    if (!('device' in a.fault)) return;
    for (let j = 0; j < i; j++) {
      const b = entries[j];
      if (b === undefined || !('device' in b.fault) || b.fault.device !== a.fault.device) continue;
      if (a.at < end(b) && b.at < end(a)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'at'],
          message: `overlaps entry ${j} (${b.fault.kind} ${b.fault.device} from ${formatDuration(b.at)})`,
        });
      }
    }
  });
}

/** Validate a timeline (untrusted: a scenario file's `chaos`); `where` prefixes every problem. */
export function parseTimeline(
  data: unknown,
  where = 'chaos',
  context: TimelineContext = {},
): Timeline {
  const parsed = timelineSchema(context).safeParse(data);
  if (!parsed.success) {
    throw new GhostfleetError(ErrorCodes.BadConfig, `chaos timeline ${where} is invalid`, {
      details: formatIssues(parsed.error.issues, where),
    });
  }
  return parsed.data;
}

/** "kill door-1", "db-latency +800ms", "http-5xx 10% replace": one fault in a line. */
export function describeFault(f: ChaosFault): string {
  switch (f.kind) {
    case 'kill':
    case 'offline':
      return `${f.kind} ${f.device}`;
    case 'db-latency':
      return `db-latency +${f.addMs}ms`;
    case 'webhook-delay':
      return `webhook-delay median ${f.medianMs}ms`;
    case 'webhook-duplicate':
      return `webhook-duplicate ${Math.round(f.share * 100)}%`;
    default: {
      const p = f.proxy;
      const rate = `${Math.round((p.rate ?? 1) * 100)}%`;
      const extra =
        p.kind === '5xx'
          ? ` ${p.mode}`
          : p.kind === 'latency'
            ? latencyText(p)
            : p.kind === 'reset' && p.when === 'after'
              ? ' after'
              : '';
      return `${f.kind} ${rate}${extra}${p.path ? ` ${p.path}` : ''}`;
    }
  }
}

function latencyText(p: Extract<ProxyFault, { kind: 'latency' }>): string {
  return p.fixedMs !== undefined ? ` +${p.fixedMs}ms` : ` median ${p.medianMs}ms p95 ${p.p95Ms}ms`;
}
