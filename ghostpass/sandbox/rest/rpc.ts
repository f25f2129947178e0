/**
 * `rpc/<fn>`: a SQL function called with named arguments (postgrest.org "Stored Procedures").
 * POST takes the arguments as a JSON object; GET/HEAD as query parameters. The answer's shape
 * follows the function's return type: a set → array, a row → object, a scalar → the value.
 */
import { parseError, RestError } from './errors.js';
import type { FunctionInfo } from './schema-cache.js';
import type { Built } from './sql.js';
import { Params, q } from './sql.js';

export function buildRpc(name: string, info: FunctionInfo, args: Record<string, unknown>): Built {
  const p = new Params();
  const named = Object.entries(args).map(([k, v]) => {
    if (!info.args.has(k)) {
      throw new RestError(
        404,
        'PGRST202',
        `Could not find the function public.${name}(${Object.keys(args).join(', ')}) in the schema cache`,
        null,
        `the function's arguments are: ${[...info.args].join(', ') || '(none)'}`,
      );
    }
    const value = v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
    return `${q(k)} => ${p.add(value)}`;
  });
  const call = `${q(name)}(${named.join(', ')})`;
  const sql = info.returnsSet
    ? `select coalesce(json_agg(_f), '[]')::text as body from ${call} _f`
    : info.returnsRow
      ? `select to_json(_f)::text as body from ${call} _f`
      : `select to_json(${call})::text as body`;
  return { sql, params: p.values };
}

export function rpcArgs(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw parseError('rpc arguments must be a JSON object');
  }
  return body as Record<string, unknown>;
}
