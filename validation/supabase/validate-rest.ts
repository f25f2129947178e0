/**
 * `ghostfleet validate --supabase`: the invariants evaluated over rows read through supabase-js
 * (every page, exact counts checked), for a Supabase project reachable only by its REST API.
 * Same ids, names and counting rules as the SQL invariants (validation/invariants/); what REST
 * cannot answer is listed with the reason, never reported as passing.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Row } from '../db/backend.js';
import { SQL_INVARIANTS } from '../invariants/index.js';
import { DEFAULT_WALLET_PATTERN, type InvariantResult, MAX_SAMPLE } from '../invariants/types.js';
import { I4, I5, I6, I11 } from './entry-checks.js';
import { loadRestData, restSource } from './load.js';
import { I7, I8, I12 } from './money-checks.js';
import type { RestInvariant, RestScope } from './types.js';
import { I1, I2, I3, I9 } from './wallet-checks.js';

export const REST_INVARIANTS: readonly RestInvariant[] = [
  I1,
  I2,
  I3,
  I4,
  I5,
  I6,
  I7,
  I8,
  I9,
  I11,
  I12,
];

/** What REST cannot check, and why (printed by the command, kept in --json). */
export const NOT_OVER_REST: readonly { id: string; why: string }[] = [
  {
    id: 'I10',
    why: "the fleet's record against the rows (reconcile/) joins every request of a run journal to its rows across tables in SQL; run `validate RUN --db <the project's Postgres URL>`",
  },
];

/** Caveats where the REST reading is narrower than the SQL one (none changes a clean run). */
export const REST_NOTES: Readonly<Record<string, string>> = {
  I5: "an entry's debits are looked for among the test wallets' ledger rows since t0 (SQL: every row)",
};

export interface RestValidation {
  results: InvariantResult[];
  ok: boolean;
  ms: number;
  notChecked: typeof NOT_OVER_REST;
  /** Rows read (wallets, ledger rows since t0, entries at the venues). */
  scanned: { wallets: number; transactions: number; entries: number };
}

export async function validateRest(opts: {
  sb: SupabaseClient;
  label: string;
  t0: Date;
  venueIds: readonly string[];
  walletPattern?: string;
  sessions?: RestScope['sessions'];
}): Promise<RestValidation> {
  const started = performance.now();
  const scope: RestScope = {
    t0: opts.t0,
    venueIds: opts.venueIds,
    walletPattern: opts.walletPattern ?? DEFAULT_WALLET_PATTERN,
    ...(opts.sessions ? { sessions: opts.sessions } : {}),
  };
  const src = restSource(opts.sb, opts.label);
  const data = await loadRestData(src, scope);
  const results: InvariantResult[] = [];
  for (const inv of REST_INVARIANTS) {
    const t = performance.now();
    const meta = SQL_INVARIANTS.find((s) => s.id === inv.id);
    const checks = await inv.checks({ src, scope, data });
    const sample: Row[] = checks
      .flatMap((c) => c.rows.map((r) => ({ problem: c.problem, ...r })))
      .slice(0, MAX_SAMPLE);
    const count = checks.reduce((s, c) => s + c.rows.length, 0);
    const notes = [
      ...checks.filter((c) => c.skipped).map((c) => `${c.problem}: ${c.skipped}`),
      ...(REST_NOTES[inv.id] ? [REST_NOTES[inv.id] as string] : []),
    ];
    results.push({
      id: inv.id,
      name: meta?.name ?? inv.id,
      ok: meta?.reportOnly === true || count === 0,
      count,
      sample,
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
      ...(meta?.reportOnly ? { reportOnly: true } : {}),
      ms: Math.round(performance.now() - t),
    });
  }
  return {
    results,
    ok: results.every((r) => r.ok),
    ms: Math.round(performance.now() - started),
    notChecked: NOT_OVER_REST,
    scanned: {
      wallets: data.wallets.length,
      transactions: data.windowTx.length,
      entries: data.venueEntries.length,
    },
  };
}
