/**
 * PostgREST query-string grammar, the subset supabase-js sends for server code
 * (postgrest.org "Tables and Views"): `select`, horizontal filters `col=op.value`, `not.`,
 * `order`, `limit`, `offset`, `on_conflict`, `columns`. Anything else is PGRST100, never ignored.
 * Identifiers are checked against the schema later (sql.ts); values stay strings for binding.
 */
import { parseError, RestError } from './errors.js';

export type Op = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'is' | 'like' | 'ilike';
const OPS: ReadonlySet<string> = new Set([
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'is',
  'like',
  'ilike',
]);
const RESERVED = new Set(['select', 'order', 'limit', 'offset', 'on_conflict', 'columns']);

export interface Filter {
  column: string;
  op: Op;
  negate: boolean;
  /** One value, the list of `in`, or the keyword of `is`. */
  value: string | string[];
}

export interface SelectItem {
  column: string;
  alias: string;
}

export interface OrderItem {
  column: string;
  desc: boolean;
  nulls: 'first' | 'last' | null;
}

export interface ParsedQuery {
  /** null = `*`. */
  select: SelectItem[] | null;
  filters: Filter[];
  order: OrderItem[];
  limit: number | null;
  offset: number | null;
  onConflict: string[] | null;
  columns: string[] | null;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function ident(s: string, what: string): string {
  const t = s.trim();
  if (!IDENT.test(t))
    throw parseError(
      `"${s}" is not a supported ${what}`,
      'the sandbox accepts plain column names only',
    );
  return t;
}

export function parseSelect(raw: string): SelectItem[] | null {
  const items = raw.split(',').map((s) => s.trim());
  if (items.length === 1 && items[0] === '*') return null;
  return items.map((item) => {
    const m = /^(?:([A-Za-z_][A-Za-z0-9_]*):)?(.+)$/.exec(item);
    const column = ident(m?.[2] ?? item, 'select item');
    return { column, alias: m?.[1] ?? column };
  });
}

function parseList(raw: string): string[] {
  if (!raw.startsWith('(') || !raw.endsWith(')'))
    throw parseError(`"in" needs a list in parentheses, got "${raw}"`);
  const body = raw.slice(1, -1);
  if (body === '') return [];
  // Values may be double-quoted to carry commas (postgrest.org "Reserved characters").
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*))\s*(,|$)/gy;
  while (re.lastIndex < body.length) {
    const m = re.exec(body);
    if (m === null) break;
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? '').trim());
    if (m[3] === '') break;
  }
  return out;
}

export function parseFilter(column: string, raw: string): Filter {
  let rest = raw;
  let negate = false;
  if (rest.startsWith('not.')) {
    negate = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  const op = dot < 0 ? rest : rest.slice(0, dot);
  if (!OPS.has(op))
    throw parseError(
      `unsupported filter operator "${op}" on ${column}`,
      `supported: ${[...OPS].join(', ')}, each optionally after not.`,
    );
  const value = dot < 0 ? '' : rest.slice(dot + 1);
  if (op === 'in') return { column: ident(column, 'column'), op, negate, value: parseList(value) };
  if (op === 'is' && !['null', 'true', 'false', 'unknown'].includes(value.toLowerCase())) {
    throw parseError(`"is" takes null, true, false or unknown, got "${value}"`);
  }
  return { column: ident(column, 'column'), op: op as Op, negate, value };
}

export function parseOrder(raw: string): OrderItem[] {
  return raw.split(',').map((term) => {
    const [col = '', ...mods] = term.split('.');
    const item: OrderItem = { column: ident(col, 'order column'), desc: false, nulls: null };
    for (const m of mods) {
      if (m === 'asc' || m === 'desc') item.desc = m === 'desc';
      else if (m === 'nullsfirst' || m === 'nullslast')
        item.nulls = m === 'nullsfirst' ? 'first' : 'last';
      else
        throw parseError(
          `unsupported order modifier "${m}"`,
          'use asc, desc, nullsfirst, nullslast',
        );
    }
    return item;
  });
}

function nonNegInt(raw: string, what: string): number {
  if (!/^\d+$/.test(raw)) throw parseError(`${what} must be a whole number, got "${raw}"`);
  return Number(raw);
}

export function parseQuery(params: URLSearchParams): ParsedQuery {
  const q: ParsedQuery = {
    select: null,
    filters: [],
    order: [],
    limit: null,
    offset: null,
    onConflict: null,
    columns: null,
  };
  for (const [key, value] of params) {
    if (key === 'select') q.select = parseSelect(value);
    else if (key === 'order') q.order = parseOrder(value);
    else if (key === 'limit') q.limit = nonNegInt(value, 'limit');
    else if (key === 'offset') q.offset = nonNegInt(value, 'offset');
    else if (key === 'on_conflict')
      q.onConflict = value.split(',').map((c) => ident(c, 'on_conflict column'));
    else if (key === 'columns')
      q.columns = value.split(',').map((c) => ident(c.replace(/^"(.*)"$/, '$1'), 'column'));
    else if (RESERVED.has(key)) throw parseError(`unsupported parameter ${key}`);
    else if (key === 'or' || key === 'and' || key.includes('.'))
      throw parseError(
        `unsupported parameter "${key}"`,
        'logical trees and embedded filters are outside the sandbox subset',
      );
    else q.filters.push(parseFilter(key, value));
  }
  return q;
}

/** `Range: 0-9` (Range-Unit: items) → offset and limit; null when absent. */
export function parseRange(
  header: string | undefined,
): { offset: number; limit: number | null } | null {
  if (header === undefined || header.trim() === '') return null;
  const m = /^\s*(?:items=)?(\d+)-(\d*)\s*$/.exec(header);
  if (m === null)
    throw new RestError(
      416,
      'PGRST103',
      'Requested range not satisfiable',
      `bad Range header "${header}"`,
    );
  const from = Number(m[1]);
  const to = m[2] === '' ? null : Number(m[2]);
  return { offset: from, limit: to === null ? null : Math.max(0, to - from + 1) };
}
