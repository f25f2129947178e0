/**
 * The target profile's schemas (target.ts `TargetProfile`): the file a person writes, where every
 * key is optional and overrides GhostPass's default (`TargetProfileFileSchema`), and the resolved
 * profile that travels to device processes in their config (`TargetProfileSchema`). Both strict:
 * an unknown key is a problem, never ignored (STYLE.md 4). Checks sit on the smallest object they
 * need, so one bad field does not hide another's problem.
 */
import { z } from 'zod';
import { DEFAULT_TARGET_PROFILE, type TargetFields, type TargetProfile } from './target.js';

/** RFC 9110 §5.6.2 `token`: what a header field name may be. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Header names that carry credentials. The profile is not a secret (it is in every device's
 * config, and may be shown in logs): a credential belongs in the env file, which the fleet keeps
 * out of every output.
 */
const SECRET_HEADER = /auth|token|secret|key|cookie|passw|signature|bypass|session|credential/i;

/** Set by the client itself per request; a profile must not override them. */
const RESERVED_HEADERS = new Set([
  'accept',
  'content-type',
  'content-length',
  'host',
  'connection',
  'transfer-encoding',
  'idempotency-key',
  'stripe-signature',
]);

const pathString = z
  .string()
  .regex(/^\/[^\s?#]*$/, 'must start with "/" and hold no spaces, "?" or "#"');
const fieldName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^\S(.*\S)?$/, 'must not start or end with whitespace');
const headerName = z.string().regex(TOKEN, 'is not a valid HTTP header name');
const headerValue = z.string().regex(/^[^\u0000-\u0008\u000a-\u001f\u007f]*$/, {
  message: 'holds a control character (CR, LF, NUL, …)',
});

function headerProblem(name: string): string | null {
  if (!TOKEN.test(name)) return 'is not a valid HTTP header name';
  if (RESERVED_HEADERS.has(name.toLowerCase())) return 'is set by the client itself';
  if (SECRET_HEADER.test(name))
    return 'looks like a credential: secrets go in the env file, never in a target profile';
  return null;
}

const extraHeaders = z.record(z.string(), headerValue).superRefine((extra, ctx) => {
  for (const name of Object.keys(extra)) {
    const problem = headerProblem(name);
    if (problem !== null) ctx.addIssue({ code: 'custom', path: [name], message: problem });
  }
});

/** A strict object of the given string keys, each checked by `value`. */
function stringsOf<K extends string>(keys: readonly K[], value: z.ZodString) {
  const shape = Object.fromEntries(keys.map((k) => [k, value])) as unknown as Record<
    K,
    z.ZodString
  >;
  return z.strictObject(shape);
}
const keysOf = <T extends object>(o: T) => Object.keys(o) as (keyof T & string)[];

/** Two logical fields of one operation sent under one wire name would overwrite each other. */
function uniqueWireNames(
  defaults: Record<string, string>,
  given: Record<string, string | undefined>,
  ctx: z.RefinementCtx,
): void {
  const merged = { ...defaults, ...stripUndefined(given) };
  const seen = new Map<string, string>();
  for (const [logical, wire] of Object.entries(merged)) {
    const other = seen.get(wire);
    if (other !== undefined) {
      const blamed = given[logical] !== undefined ? logical : other;
      ctx.addIssue({
        code: 'custom',
        path: [blamed],
        message: `"${wire}" is also the name of ${blamed === logical ? other : logical}: each field needs its own name`,
      });
    }
    seen.set(wire, logical);
  }
}

function stripUndefined(o: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

const D = DEFAULT_TARGET_PROFILE;
const PATHS = stringsOf(keysOf(D.paths), pathString);
const FIELDS = {
  entryScan: stringsOf(keysOf(D.fields.entryScan), fieldName),
  purchase: stringsOf(keysOf(D.fields.purchase), fieldName),
  checkout: stringsOf(keysOf(D.fields.checkout), fieldName),
  verifySession: stringsOf(keysOf(D.fields.verifySession), fieldName),
  fund: stringsOf(keysOf(D.fields.fund), fieldName),
};

/** An operation's fields in a file: any subset, none sharing a wire name once merged. */
function fieldsFile<K extends keyof TargetFields>(op: K) {
  const defaults: Record<string, string> = D.fields[op];
  return FIELDS[op]
    .partial()
    .superRefine((given, ctx) =>
      uniqueWireNames(defaults, given as Record<string, string | undefined>, ctx),
    )
    .optional();
}

export const TargetProfileFileSchema = z.strictObject({
  /** Free text for the person who wrote it (which deployment, which commit). */
  description: z.string().optional(),
  /** The deployment's base URL; `--target URL` wins when both are given. */
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .refine((u) => {
      const url = new URL(u);
      return url.username === '' && url.password === '';
    }, 'must not carry a user or password: secrets go in the env file')
    .refine((u) => new URL(u).search === '', 'must not carry a query string')
    .optional(),
  paths: PATHS.partial().optional(),
  headers: z
    .strictObject({
      fingerprint: headerName
        .refine((n) => !RESERVED_HEADERS.has(n.toLowerCase()), 'is set by the client itself')
        .optional(),
      extra: extraHeaders.optional(),
    })
    .superRefine((h, ctx) => {
      const fp = (h.fingerprint ?? DEFAULT_TARGET_PROFILE.headers.fingerprint).toLowerCase();
      for (const name of Object.keys(h.extra ?? {})) {
        if (name.toLowerCase() === fp) {
          ctx.addIssue({
            code: 'custom',
            path: ['extra', name],
            message: 'is the fingerprint header: each patron sends its own',
          });
        }
      }
    })
    .optional(),
  fields: z
    .strictObject({
      entryScan: fieldsFile('entryScan'),
      purchase: fieldsFile('purchase'),
      checkout: fieldsFile('checkout'),
      verifySession: fieldsFile('verifySession'),
      fund: fieldsFile('fund'),
    })
    .optional(),
});
export type TargetProfileFile = z.infer<typeof TargetProfileFileSchema>;

/** The resolved profile (every field present), as a device process parses it from its config. */
export const TargetProfileSchema = z.strictObject({
  paths: PATHS,
  headers: z.strictObject({ fingerprint: headerName, extra: extraHeaders }),
  fields: z.strictObject(FIELDS),
});

// The resolved schema and target.ts's interface must describe the same thing.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameShape: Same<z.infer<typeof TargetProfileSchema>, TargetProfile> = true;
void _sameShape;
