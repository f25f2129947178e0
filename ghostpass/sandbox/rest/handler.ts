/**
 * `/rest/v1/*`: the PostgREST subset supabase-js sends for server code (README "PostgREST
 * subset"). One request is one autocommit statement, except a write asked for a single object,
 * which runs in a transaction so a result of other than one row can be rolled back (as
 * PostgREST does).
 */
import type { IncomingMessage } from 'node:http';
import { readBody } from '../body.js';
import type { Db } from '../db.js';
import { checkAuth, type RestKeys } from './auth.js';
import { fromDbError, parseError, RestError } from './errors.js';
import { parseQuery, parseRange } from './parse.js';
import { type Prefs, prefsOf } from './prefer.js';
import { buildRpc, rpcArgs } from './rpc.js';
import type { SchemaCache } from './schema-cache.js';
import { type Built, buildDelete, buildInsert, buildSelect, buildUpdate } from './sql.js';

export const REST_PREFIX = '/rest/v1/';

export interface RestReply {
  status: number;
  headers: Record<string, string>;
  /** Raw JSON text, or undefined for no body. */
  body: string | undefined;
}

export interface RestContext {
  db: Db;
  keys: RestKeys;
  schema: SchemaCache;
  /**
   * PostgREST's `db-max-rows`: a read never answers more rows than this, silently (Supabase's
   * default is 1000: the old validator's vacuous passes). null = no cap.
   */
  maxRows: number | null;
}

const errorReply = (e: RestError): RestReply => ({
  status: e.status,
  headers: {},
  body: JSON.stringify(e.body()),
});

export async function handleRest(req: IncomingMessage, ctx: RestContext): Promise<RestReply> {
  try {
    checkAuth(req.headers, ctx.keys);
    const read = await readBody(req);
    if (read.kind === 'too_large')
      return errorReply(new RestError(413, 'PGRST413', 'Payload too large'));
    let body: unknown;
    if (read.text !== '') {
      try {
        body = JSON.parse(read.text);
      } catch (e) {
        throw new RestError(400, 'PGRST102', 'Empty or invalid json', (e as Error).message);
      }
    }
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const rest = decodeURIComponent(url.pathname.slice(REST_PREFIX.length));
    return await route(req, ctx, rest, url.searchParams, body);
  } catch (err) {
    return errorReply(fromDbError(err));
  }
}

async function route(
  req: IncomingMessage,
  ctx: RestContext,
  path: string,
  params: URLSearchParams,
  body: unknown,
): Promise<RestReply> {
  const method = req.method ?? 'GET';
  const prefs = prefsOf(req.headers);
  if (path.startsWith('rpc/')) return rpc(ctx, method, path.slice(4), params, body, prefs);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(path)) throw parseError(`unsupported path /rest/v1/${path}`);
  const info = await ctx.schema.table(path);
  if (info === undefined) {
    throw new RestError(
      404,
      'PGRST205',
      `Could not find the table 'public.${path}' in the schema cache`,
    );
  }
  const query = parseQuery(params);
  if (method === 'GET' || method === 'HEAD') {
    const range = parseRange(headerOf(req, 'range'));
    const asked = query.limit ?? range?.limit ?? null;
    const page = {
      limit: ctx.maxRows === null ? asked : Math.min(asked ?? ctx.maxRows, ctx.maxRows),
      offset: query.offset ?? range?.offset ?? null,
    };
    const built = buildSelect(path, info, query, page);
    return answer(ctx.db, built, prefs, {
      status: 200,
      head: method === 'HEAD',
      offset: page.offset ?? 0,
      write: false,
    });
  }
  if (method === 'POST') {
    const rows = Array.isArray(body) ? body : [body];
    if (!rows.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) {
      throw new RestError(400, 'PGRST102', 'the body must be a JSON object or an array of objects');
    }
    if (rows.length === 0) return answerEmpty(prefs);
    const built = buildInsert(path, info, query, rows as Record<string, unknown>[], {
      upsert: prefs.resolution,
    });
    return answer(ctx.db, built, prefs, { status: 201, head: false, offset: 0, write: true });
  }
  if (method === 'PATCH') {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new RestError(400, 'PGRST102', 'an update body must be one JSON object');
    }
    const built = buildUpdate(path, info, query, body as Record<string, unknown>);
    return answer(ctx.db, built, prefs, {
      status: prefs.representation ? 200 : 204,
      head: false,
      offset: 0,
      write: true,
    });
  }
  if (method === 'DELETE') {
    const built = buildDelete(path, info, query);
    return answer(ctx.db, built, prefs, {
      status: prefs.representation ? 200 : 204,
      head: false,
      offset: 0,
      write: true,
    });
  }
  throw new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function answerEmpty(prefs: Prefs): RestReply {
  return {
    status: 201,
    headers: { 'content-range': '*/0' },
    body: prefs.representation ? '[]' : undefined,
  };
}

interface AnswerShape {
  status: number;
  head: boolean;
  offset: number;
  write: boolean;
}

/** PGRST116: `.single()` on other than one row (postgrest.org "Singular or Plural"). */
function notOne(n: number): RestError {
  return new RestError(
    406,
    'PGRST116',
    'JSON object requested, multiple (or no) rows returned',
    `The result contains ${n} rows`,
  );
}

async function answer(db: Db, built: Built, prefs: Prefs, shape: AnswerShape): Promise<RestReply> {
  const run = async (d: Db) => {
    const { rows } = await d.query<{ total: number; body: string }>(built.sql, built.params);
    const row = rows[0] ?? { total: 0, body: '[]' };
    const items = JSON.parse(row.body) as unknown[];
    if (prefs.single && (!shape.write || prefs.representation) && items.length !== 1)
      throw notOne(items.length);
    return { total: Number(row.total), items };
  };
  const { total, items } = prefs.single && shape.write ? await db.transaction(run) : await run(db);
  const n = items.length;
  const range = n === 0 ? '*' : `${shape.offset}-${shape.offset + n - 1}`;
  const headers = { 'content-range': `${range}/${prefs.count ? total : '*'}` };
  // PostgREST answers 206 when a counted read returns part of the matching rows.
  const partial = !shape.write && prefs.count && n < total;
  const status = partial ? 206 : shape.status;
  if (shape.head) return { status, headers, body: undefined };
  if (shape.write && !prefs.representation)
    return { status: shape.status === 200 ? 204 : shape.status, headers, body: undefined };
  const body = prefs.single ? JSON.stringify(items[0]) : JSON.stringify(items);
  return { status, headers, body };
}

async function rpc(
  ctx: RestContext,
  method: string,
  name: string,
  params: URLSearchParams,
  body: unknown,
  prefs: Prefs,
): Promise<RestReply> {
  const info = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? await ctx.schema.fn(name) : undefined;
  if (info === undefined)
    throw new RestError(
      404,
      'PGRST202',
      `Could not find the function public.${name} in the schema cache`,
    );
  let args: Record<string, unknown>;
  if (method === 'POST') args = rpcArgs(body);
  else if (method === 'GET' || method === 'HEAD') args = Object.fromEntries(params);
  else throw new RestError(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
  const built = buildRpc(name, info, args);
  const { rows } = await ctx.db.query<{ body: string | null }>(built.sql, built.params);
  const text = rows[0]?.body ?? 'null';
  if (prefs.single) {
    const v = JSON.parse(text) as unknown;
    if (Array.isArray(v)) {
      if (v.length !== 1) throw notOne(v.length);
      return { status: 200, headers: {}, body: JSON.stringify(v[0]) };
    }
  }
  return { status: 200, headers: {}, body: method === 'HEAD' ? undefined : text };
}

export function writeRest(res: import('node:http').ServerResponse, reply: RestReply): void {
  if (res.headersSent || res.destroyed) return;
  if (reply.body === undefined) {
    res.writeHead(reply.status, { ...reply.headers, 'content-length': 0 });
    res.end();
    return;
  }
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(reply.body),
  });
  res.end(reply.body);
}
