/**
 * SQL semantics the REST invariants need in TypeScript, so their counts agree with the SQL ones:
 * `LIKE` patterns, `IS DISTINCT FROM`, PostgreSQL timestamps ordered to the microsecond (a JS Date
 * keeps milliseconds; rows written in one millisecond must still order as the database orders
 * them), `(ts, id)` ordering, and jsonb numbers (`jsonb_typeof = 'number'` or null).
 */

/** SQL LIKE (`%` any run, `_` one character, no escape) as an anchored RegExp. */
export function likeRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((c) =>
      c === '%' ? '[\\s\\S]*' : c === '_' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`);
}

/** `a IS DISTINCT FROM b` for numbers and strings (null = null, null ≠ a value). */
export function distinct(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined) return !(b === null || b === undefined);
  if (b === null || b === undefined) return true;
  return a !== b;
}

/**
 * Microseconds since the epoch of a PostgreSQL timestamp as PostgREST renders it
 * (`2026-12-03T07:40:00.123456+00:00`, fraction and offset optional; a timestamp without time
 * zone is read as UTC, Supabase's session zone).
 */
export function micros(ts: string): bigint {
  const m =
    /^(\d{4}-\d\d-\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d(?::?\d\d)?)?$/.exec(ts);
  if (m === null) throw new Error(`not a PostgreSQL timestamp: ${JSON.stringify(ts)}`);
  const [, day, h, min, s, frac = '', zone = 'Z'] = m;
  const ms = Date.parse(`${day}T${h}:${min}:${s}Z`);
  let offsetMin = 0;
  if (zone !== 'Z') {
    const z = /^([+-])(\d\d):?(\d\d)?$/.exec(zone);
    offsetMin = (z?.[1] === '-' ? -1 : 1) * (Number(z?.[2]) * 60 + Number(z?.[3] ?? 0));
  }
  return (BigInt(ms) - BigInt(offsetMin) * 60_000n) * 1000n + BigInt(frac.padEnd(6, '0'));
}

export const dateMicros = (d: Date): bigint => BigInt(d.getTime()) * 1000n;

/** Order by (timestamp, id) as the SQL invariants do (uuid order = lowercase hex order). */
export function byTimeThenId<T extends { ts: bigint; id: string }>(a: T, b: T): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** `metadata->'k'` as a number when it is a JSON number, else null (scope-sql.ts `jsonNum`). */
export function jsonNum(meta: Record<string, unknown> | null, key: string): number | null {
  const v = meta?.[key];
  return typeof v === 'number' ? v : null;
}

/** `metadata->>'k'`: a string as is, another scalar as its JSON text, null when absent/null. */
export function jsonText(meta: Record<string, unknown> | null, key: string): string | null {
  const v = meta?.[key];
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** `metadata ? 'k'`: the key is present (even with a null value). */
export const hasKey = (meta: Record<string, unknown> | null, key: string): boolean =>
  meta !== null && typeof meta === 'object' && Object.hasOwn(meta, key);
