/**
 * The few supabase-js/PostgREST behaviours the real handlers depend on, over a `Db`, one
 * autocommit statement per call (no transaction: that is the point of this mode):
 * - results are `{data, error}`; a failed statement is an `error` value, never a throw, so a
 *   handler that does not look at it carries on (GhostPass ignores most insert errors);
 * - `.single()` errors unless exactly one row matches (PGRST116), `.maybeSingle()` errors when
 *   more than one does (defect 11) and gives null for none;
 * - values travel as JSON: `undefined` keys are dropped and NaN/Infinity become null
 *   (JSON.stringify), which is how `/api/wallet/fund` ends up writing a NULL balance (defect 12);
 * - an insert naming a column the table lacks fails as a whole (PostgREST PGRST204; here
 *   PostgreSQL's "column does not exist"), which is defect 10.
 * - every call is a network round trip (supabase-js `fetch`es PostgREST): the handler's `await`
 *   gives the event loop to other requests before the statement runs (`roundTrip` below).
 * Table and column names come from this folder's code, never from a request.
 */
import type { Db } from '../db.js';

export type Row = Record<string, unknown>;
export interface Result<T> {
  data: T | null;
  error: { message: string } | null;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`not an identifier: ${name}`);
  return name;
}

/** A value as it reaches PostgREST after JSON.stringify: NaN/±Infinity → null, objects → JSON. */
function jsonValue(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) return JSON.stringify(v);
  return v;
}

function columns(values: Row): [string[], unknown[]] {
  const entries = Object.entries(values).filter(([, v]) => v !== undefined);
  return [entries.map(([k]) => ident(k)), entries.map(([, v]) => jsonValue(v))];
}

/**
 * A PostgREST call is an HTTP request, so the real handler's `await` between two statements is a
 * macrotask: other requests are read and handled meanwhile. PGlite's in-process query runs its
 * WASM synchronously and resolves in microtasks, so without this yield a handler's whole chain
 * of "separate" statements ran before the next request was even parsed: two doors' scans of one
 * wallet never interleaved and defect 3 could not fire in a fleet run (measured: 0 of 30
 * simultaneous pairs raced; with the yield, 30 of 30). No latency is invented: on a real
 * PostgreSQL the socket already yields, and `statementLatencyMs` still models a slow database.
 */
const roundTrip = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function run(db: Db, sql: string, params: unknown[]): Promise<Result<Row[]>> {
  await roundTrip();
  try {
    return { data: (await db.query<Row>(sql, params)).rows, error: null };
  } catch (err) {
    return { data: null, error: { message: (err as Error).message } };
  }
}

/** `from(table).select(cols).eq(k, v)...` with every filter an equality. */
export function select(db: Db, table: string, cols: string, eq: Row): Promise<Result<Row[]>> {
  const [keys, params] = columns(eq);
  const where = keys.map((k, i) => `${k} = $${i + 1}`).join(' and ');
  return run(db, `select ${cols} from ${ident(table)}${where ? ` where ${where}` : ''}`, params);
}

/** `.single()`: exactly one row, else an error and no data. */
export function single(r: Result<Row[]>): Result<Row> {
  if (r.error !== null || r.data === null) return { data: null, error: r.error };
  if (r.data.length !== 1) {
    return { data: null, error: { message: `PGRST116: ${r.data.length} rows, expected 1` } };
  }
  return { data: r.data[0] ?? null, error: null };
}

/** `.maybeSingle()`: null for no row, the row for one, an error (and no data) for more. */
export function maybeSingle(r: Result<Row[]>): Result<Row> {
  if (r.error !== null || r.data === null) return { data: null, error: r.error };
  if (r.data.length > 1) {
    return { data: null, error: { message: `PGRST116: ${r.data.length} rows, expected 0 or 1` } };
  }
  return { data: r.data[0] ?? null, error: null };
}

/** `from(table).insert(values)`, optionally `.select()` (returning every column). */
export function insert(
  db: Db,
  table: string,
  values: Row,
  returning = false,
): Promise<Result<Row[]>> {
  const [keys, params] = columns(values);
  const sql = `insert into ${ident(table)} (${keys.join(', ')}) values (${keys
    .map((_, i) => `$${i + 1}`)
    .join(', ')})${returning ? ' returning *' : ''}`;
  return run(db, sql, params);
}

/** `from(table).update(values).eq(k, v)`, optionally `.select()`. */
export function update(
  db: Db,
  table: string,
  values: Row,
  eq: Row,
  returning = false,
): Promise<Result<Row[]>> {
  const [setKeys, setParams] = columns(values);
  const [eqKeys, eqParams] = columns(eq);
  const n = setKeys.length;
  const sql = `update ${ident(table)} set ${setKeys.map((k, i) => `${k} = $${i + 1}`).join(', ')}
    where ${eqKeys.map((k, i) => `${k} = $${n + i + 1}`).join(' and ')}${returning ? ' returning *' : ''}`;
  return run(db, sql, [...setParams, ...eqParams]);
}

/** A bigint/integer column as PostgREST's JSON gives it: a number, or null. */
export function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  return Number(v);
}
