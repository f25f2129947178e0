/**
 * One runner: invariants I1–I12 over a GhostPass database for a run window, I10 from the run's
 * journal. `validate()` checks the tables exist first (one clear error naming each missing
 * table), then runs every invariant in turn and times each. A database that cannot be reached
 * fails in `connectPostgres()` (validation/db/pg.ts) with the URL, never its password.
 *
 *   const db = await connectPostgres(url);            // or sandboxBackend(sandbox.db)
 *   const { results, ok } = await validateRun({ db, t0, venueIds, journal: await readJournal(p) });
 *   await db.close();
 */
import type { JournalRecord } from '../contract/journal.js';
import { assertTables, REQUIRED_TABLES, type SqlBackend } from './db/backend.js';
import { SQL_INVARIANTS } from './invariants/index.js';
import { runInvariant } from './invariants/run-check.js';
import {
  DEFAULT_WALLET_PATTERN,
  type InvariantResult,
  MAX_SAMPLE,
  type Scope,
} from './invariants/types.js';
import { reconcile, reconcileResult } from './reconcile/reconcile.js';
import { fleetSessions, foldJournal } from './reconcile/requests.js';

export interface ValidateOptions {
  db: SqlBackend;
  /** Run start: rows written since belong to the run. */
  t0: Date | number;
  venueIds: readonly string[];
  /** The run journal's records (`readJournal`). Without it I10 is not checked (said in a note). */
  journal?: readonly JournalRecord[];
  /** The fleet's checkout sessions, if not from the journal (I8's pending check). */
  sessions?: readonly { sessionId: string; amountCents?: number }[];
  walletPattern?: string;
  /** ≤ 20 */
  sampleSize?: number;
  /** Fleet ↔ database clock difference allowed in I10 (default 2 s). */
  slackMs?: number;
}

export interface Validation {
  results: InvariantResult[];
  /** False when any invariant that is not report-only failed. */
  ok: boolean;
  ms: number;
}

export async function validate(opts: ValidateOptions): Promise<InvariantResult[]> {
  return (await validateRun(opts)).results;
}

export async function validateRun(opts: ValidateOptions): Promise<Validation> {
  const started = performance.now();
  await assertTables(opts.db, REQUIRED_TABLES);
  const requests = opts.journal ? foldJournal(opts.journal) : undefined;
  const sessions = opts.sessions ?? (requests ? fleetSessions(requests) : undefined);
  const asked = opts.sampleSize ?? MAX_SAMPLE;
  // An integer 0…20: it is spliced into the sample query's LIMIT.
  const sampleSize = Number.isFinite(asked)
    ? Math.min(MAX_SAMPLE, Math.max(0, Math.trunc(asked)))
    : MAX_SAMPLE;
  const scope: Scope = {
    t0: new Date(opts.t0),
    venueIds: opts.venueIds,
    walletPattern: opts.walletPattern ?? DEFAULT_WALLET_PATTERN,
    sampleSize,
    ...(sessions ? { sessions } : {}),
  };
  const results: InvariantResult[] = [];
  for (const inv of SQL_INVARIANTS) {
    results.push(await runInvariant(opts.db, inv, scope));
    if (inv.id === 'I9') results.push(await runI10(opts.db, scope, requests, opts.slackMs));
  }
  return {
    results,
    ok: results.every((r) => r.ok || r.reportOnly === true),
    ms: Math.round(performance.now() - started),
  };
}

async function runI10(
  db: SqlBackend,
  scope: Scope,
  requests: ReturnType<typeof foldJournal> | undefined,
  slackMs: number | undefined,
): Promise<InvariantResult> {
  const started = performance.now();
  if (requests === undefined) {
    return {
      id: 'I10',
      name: 'the fleet journal agrees with the database',
      ok: true,
      count: 0,
      sample: [],
      note: 'not checked: no run journal given',
      ms: 0,
    };
  }
  const r = await reconcile(db, scope, requests, {
    sampleSize: scope.sampleSize,
    ...(slackMs !== undefined ? { slackMs } : {}),
  });
  return reconcileResult(r, scope.sampleSize, Math.round(performance.now() - started));
}
