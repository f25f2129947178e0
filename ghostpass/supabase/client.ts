/**
 * supabase-js for the fleet's own server-side use (`--target staging`): a client with the service
 * key (ENVIRONMENT.md: on Node 20 `realtime.transport` must be `ws`, or `createClient` throws),
 * and one way to turn an answer into rows or a clear `GhostfleetError`: an unreachable URL
 * (status 0, supabase-js's FetchError), a refused key (401 PGRST301), anything else with
 * PostgREST's code. Messages name the URL, never the key.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import ws from 'ws';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { selectAll } from './select-all.js';

export interface SupabaseTarget {
  /** SUPABASE_URL: the project's origin (https://<ref>.supabase.co, or a sandbox). */
  url: string;
  /** SUPABASE_SERVICE_KEY: never printed. */
  serviceKey: string;
  /** A fetch to use instead of the global one (tests inject faults here). */
  fetch?: typeof fetch;
}

export interface RestAnswer<T> {
  data: T | null;
  error: { message: string; code?: string; details?: string | null; hint?: string | null } | null;
  count?: number | null;
  status: number;
}

/** The URL as messages show it: origin and path, no credentials, no query. */
export function supabaseLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return '(unparsable SUPABASE_URL)';
  }
}

export function openSupabase(t: SupabaseTarget): SupabaseClient {
  return createClient(t.url, t.serviceKey, {
    realtime: { transport: ws as never },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    ...(t.fetch ? { global: { fetch: t.fetch } } : {}),
  });
}

/** The error an answer means, naming what was asked and where. */
export function restFailure(label: string, what: string, r: RestAnswer<unknown>): GhostfleetError {
  const e = r.error ?? { message: 'no data and no error' };
  if (r.status === 0) {
    // supabase-js puts the cause (ECONNREFUSED, ENOTFOUND) in details; its first line is enough.
    const cause = /Caused by: ([^\n]*)/.exec(e.details ?? '')?.[1] ?? e.message;
    return new GhostfleetError(
      ErrorCodes.TargetUnreachable,
      `cannot reach ${label} (${what}): ${cause}`,
    );
  }
  if (r.status === 401 || r.status === 403) {
    return new GhostfleetError(
      ErrorCodes.Database,
      `${label} refused SUPABASE_SERVICE_KEY (${what}: HTTP ${r.status} ${e.code ?? ''} ${e.message}): is it the project's service_role key?`,
    );
  }
  return new GhostfleetError(
    ErrorCodes.Database,
    `${label}: ${what}: HTTP ${r.status} ${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' '),
    e.details ? { details: [e.details.split('\n')[0] ?? ''] } : {},
  );
}

/** The rows of an answer, or its error thrown. */
export async function rows<T>(
  label: string,
  what: string,
  q: PromiseLike<RestAnswer<T[]>>,
): Promise<T[]> {
  const r = await q;
  if (r.error !== null) throw restFailure(label, what, r);
  return r.data ?? [];
}

/** The exact count of an answer (`{count:'exact'}` on a read or a write), or its error thrown. */
export async function counted(
  label: string,
  what: string,
  q: PromiseLike<RestAnswer<unknown>>,
): Promise<number> {
  const r = await q;
  if (r.error !== null) throw restFailure(label, what, r);
  return r.count ?? 0;
}

/**
 * Every row of a read, in pages (never capped at PostgREST's max_rows): `page(from, to)` is the
 * read with `{count:'exact'}`, ordered by a unique key, `.range(from, to)`.
 */
export function readAll<T>(
  label: string,
  what: string,
  page: (from: number, to: number) => PromiseLike<RestAnswer<T[]>>,
  pageSize = 1000,
): Promise<T[]> {
  return selectAll<T>(
    `${label}: ${what}`,
    async (from, to) => {
      const r = await page(from, to);
      if (r.error !== null) throw restFailure(label, what, r);
      return { data: r.data, error: null, count: r.count ?? null };
    },
    pageSize,
  );
}

/** `xs` in slices of `n`: `in.(…)` filters stay far below URL limits (PostgREST: ~8 KB). */
export function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * One cheap read that fails fast (no retries) when the URL does not answer or the key is
 * refused: `wallets?select=id&limit=0`. A missing table is not a connection problem (the schema
 * check names it), so only status 0 and 401/403 throw.
 */
export async function probe(sb: SupabaseClient, label: string): Promise<void> {
  const r = await sb.from('wallets').select('id').limit(0).retry(false);
  if (r.error !== null && (r.status === 0 || r.status === 401 || r.status === 403))
    throw restFailure(label, 'connect', r);
}
