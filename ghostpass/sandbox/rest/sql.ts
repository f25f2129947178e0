/**
 * Parsed requests → one SQL statement with $n parameters. Identifiers come only from the schema
 * cache (checked here) and are double-quoted; every value is a bound parameter. Rows are turned
 * into JSON by PostgreSQL itself (`json_agg`), as PostgREST does, so types render the same.
 */
import { parseError, RestError, unknownColumn } from './errors.js';
import type { Filter, OrderItem, ParsedQuery } from './parse.js';
import type { TableInfo } from './schema-cache.js';

export const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

function checkColumn(table: string, info: TableInfo, column: string): string {
  if (!info.columns.has(column)) {
    throw new RestError(400, '42703', `column ${table}.${column} does not exist`);
  }
  return q(column);
}

const CMP: Record<string, string> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  like: 'like',
  ilike: 'ilike',
};

function filterSql(table: string, info: TableInfo, f: Filter, p: Params): string {
  const col = `${q(table)}.${checkColumn(table, info, f.column)}`;
  let expr: string;
  if (f.op === 'in') {
    const list = f.value as string[];
    expr = list.length === 0 ? 'false' : `${col} in (${list.map((v) => p.add(v)).join(', ')})`;
  } else if (f.op === 'is') {
    expr = `${col} is ${(f.value as string).toLowerCase()}`;
  } else {
    let v = f.value as string;
    // PostgREST lets `*` stand for `%` in like patterns (a URL-safe wildcard).
    if (f.op === 'like' || f.op === 'ilike') v = v.replace(/\*/g, '%');
    expr = `${col} ${CMP[f.op]} ${p.add(v)}`;
  }
  return f.negate ? `not (${expr})` : expr;
}

export function whereSql(
  table: string,
  info: TableInfo,
  filters: readonly Filter[],
  p: Params,
): string {
  return filters.length === 0
    ? ''
    : ` where ${filters.map((f) => filterSql(table, info, f, p)).join(' and ')}`;
}

function orderSql(table: string, info: TableInfo, order: readonly OrderItem[]): string {
  if (order.length === 0) return '';
  const terms = order.map((o) => {
    const nulls = o.nulls === null ? '' : ` nulls ${o.nulls}`;
    return `_r.${checkColumn(table, info, o.column)}${o.desc ? ' desc' : ' asc'}${nulls}`;
  });
  return ` order by ${terms.join(', ')}`;
}

/** The select list over a row source aliased `_r` (a table or a DML's returning). */
function selectList(table: string, info: TableInfo, query: ParsedQuery): string {
  if (query.select === null) return '_r.*';
  return query.select
    .map((s) => `_r.${checkColumn(table, info, s.column)} as ${q(s.alias)}`)
    .join(', ');
}

export interface Built {
  sql: string;
  params: unknown[];
}

/**
 * `with _r as (<source>) select total, body`: `total` is the count of every matching row (for
 * `Prefer: count=exact`), `body` the JSON array of the requested page.
 */
function wrapRows(
  source: string,
  table: string,
  info: TableInfo,
  query: ParsedQuery,
  page: { limit: number | null; offset: number | null },
  p: Params,
): Built {
  const limit = page.limit === null ? '' : ` limit ${p.add(page.limit)}`;
  const offset = page.offset === null ? '' : ` offset ${p.add(page.offset)}`;
  const sql =
    `with _r as (${source}) select (select count(*) from _r)::int as total,` +
    ` coalesce((select json_agg(_s) from (select ${selectList(table, info, query)} from _r` +
    `${orderSql(table, info, query.order)}${limit}${offset}) _s), '[]')::text as body`;
  return { sql, params: p.values };
}

export function buildSelect(
  table: string,
  info: TableInfo,
  query: ParsedQuery,
  page: { limit: number | null; offset: number | null },
): Built {
  const p = new Params();
  const source = `select * from ${q(table)}${whereSql(table, info, query.filters, p)}`;
  return wrapRows(source, table, info, query, page, p);
}

/** The columns a write names: `columns=` if given, else every key of the body's rows. */
function writeColumns(
  table: string,
  info: TableInfo,
  rows: readonly Record<string, unknown>[],
  listed: string[] | null,
): string[] {
  const cols = listed ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  for (const c of cols) if (!info.columns.has(c)) throw unknownColumn(table, c);
  if (cols.length === 0) throw parseError('the body names no column');
  return cols;
}

export interface WriteOptions {
  upsert: 'merge' | 'ignore' | null;
}

export function buildInsert(
  table: string,
  info: TableInfo,
  query: ParsedQuery,
  rows: Record<string, unknown>[],
  opts: WriteOptions,
): Built {
  const cols = writeColumns(table, info, rows, query.columns);
  const p = new Params();
  const list = cols.map(q).join(', ');
  // json_populate_recordset types each value by its column (a bad uuid raises 22P02, as in PostgREST).
  let source = `insert into ${q(table)} (${list}) select ${list} from json_populate_recordset(null::${q(table)}, ${p.add(JSON.stringify(rows))}::json)`;
  if (opts.upsert !== null) {
    const target = query.onConflict ?? [...info.primaryKey];
    if (target.length === 0)
      throw parseError(`upsert on ${table} needs on_conflict (the table has no primary key)`);
    for (const c of target) checkColumn(table, info, c);
    const sets = cols.filter((c) => !target.includes(c)).map((c) => `${q(c)} = excluded.${q(c)}`);
    source += ` on conflict (${target.map(q).join(', ')}) do ${opts.upsert === 'ignore' || sets.length === 0 ? 'nothing' : `update set ${sets.join(', ')}`}`;
  }
  return wrapRows(`${source} returning *`, table, info, query, { limit: null, offset: null }, p);
}

export function buildUpdate(
  table: string,
  info: TableInfo,
  query: ParsedQuery,
  patch: Record<string, unknown>,
): Built {
  const cols = writeColumns(table, info, [patch], null);
  const p = new Params();
  const rec = `json_populate_record(null::${q(table)}, ${p.add(JSON.stringify(patch))}::json)`;
  const sets = cols.map((c) => `${q(c)} = _v.${q(c)}`).join(', ');
  const source = `update ${q(table)} set ${sets} from (select * from ${rec}) _v${whereSql(table, info, query.filters, p)} returning ${q(table)}.*`;
  return wrapRows(source, table, info, query, { limit: null, offset: null }, p);
}

export function buildDelete(table: string, info: TableInfo, query: ParsedQuery): Built {
  const p = new Params();
  const source = `delete from ${q(table)}${whereSql(table, info, query.filters, p)} returning *`;
  return wrapRows(source, table, info, query, { limit: null, offset: null }, p);
}
