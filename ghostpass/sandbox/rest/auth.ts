/**
 * The keys Supabase's gateway accepts: `apikey` and/or `Authorization: Bearer <key>`, each
 * compared (in constant time) with the sandbox's service key or anon key. A wrong or missing key
 * is PostgREST's 401 (PGRST301). The sandbox has no row-level security: the anon key reads and
 * writes like the service key (README "PostgREST subset").
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { RestError } from './errors.js';

export interface RestKeys {
  serviceKey: string;
  anonKey?: string;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function checkAuth(headers: IncomingHttpHeaders, keys: RestKeys): void {
  const valid = [keys.serviceKey, ...(keys.anonKey === undefined ? [] : [keys.anonKey])];
  const apikey = one(headers.apikey);
  const auth = one(headers.authorization);
  const bearer = auth === undefined ? undefined : /^Bearer\s+(.+)$/i.exec(auth)?.[1];
  const given = [apikey, bearer].filter((k): k is string => k !== undefined);
  if (given.length === 0) {
    throw new RestError(
      401,
      'PGRST301',
      'No API key found in request',
      null,
      'send apikey or Authorization: Bearer',
    );
  }
  // Every key presented must be valid: a good apikey cannot carry a forged bearer.
  if (!given.every((k) => valid.some((v) => same(k, v)))) {
    throw new RestError(401, 'PGRST301', 'Invalid API key', null, null);
  }
}
