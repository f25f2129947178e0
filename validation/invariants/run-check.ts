/**
 * Runs one invariant: each check's count (uncapped) and its first offending rows in one query.
 * Rows come back through `json_agg`, so a bigint is a JSON number and a timestamp an ISO string
 * on both backends alike (pg returns bare bigints as strings, PGlite as numbers).
 */
import type { Row, SqlBackend } from '../db/backend.js';
import { bindParams } from './sql-params.js';
import type { Check, Invariant, InvariantResult, Scope } from './types.js';

async function runCheck(
  db: SqlBackend,
  check: Check,
  scope: Scope,
  limit: number,
): Promise<{ count: number; sample: Row[] }> {
  const { text, params } = bindParams(check.sql, scope);
  const wrapped = `with offending as (${text}),
    ranked as (select o.*, row_number() over (order by ${check.order}) as gf_rank from offending o)
    select (select count(*) from offending)::int as n,
      coalesce((select json_agg(r order by r.gf_rank) from ranked r where r.gf_rank <= ${limit}),
        '[]'::json) as sample`;
  const rows = await db.query<{ n: number; sample: unknown }>(wrapped, params);
  const first = rows[0];
  const raw = typeof first?.sample === 'string' ? JSON.parse(first.sample) : first?.sample;
  const sample = (Array.isArray(raw) ? (raw as Row[]) : []).map(({ gf_rank: _r, ...rest }) => ({
    problem: check.problem,
    ...rest,
  }));
  return { count: Number(first?.n ?? 0), sample };
}

export async function runInvariant(
  db: SqlBackend,
  inv: Invariant,
  scope: Scope,
): Promise<InvariantResult> {
  const started = performance.now();
  let count = 0;
  const sample: Row[] = [];
  const skipped: string[] = [];
  for (const check of inv.checks) {
    if (check.needs === 'sessions' && scope.sessions === undefined) {
      skipped.push(`${check.problem}: skipped (no list of the fleet's checkout sessions)`);
      continue;
    }
    const r = await runCheck(db, check, scope, Math.max(0, scope.sampleSize - sample.length));
    count += r.count;
    sample.push(...r.sample);
  }
  const ok = inv.reportOnly === true || count === 0;
  return {
    id: inv.id,
    name: inv.name,
    ok,
    count,
    sample,
    ...(skipped.length > 0 ? { note: skipped.join('; ') } : {}),
    ...(inv.reportOnly ? { reportOnly: true } : {}),
    ms: Math.round(performance.now() - started),
  };
}
