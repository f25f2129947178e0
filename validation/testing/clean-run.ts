/**
 * Test support: a small clean run on a fresh database — provision, `t0` from the database clock,
 * then entries, re-entries, purchases, Stripe fundings and one declined purchase through the
 * sandbox's correct-mode handlers. Every invariant holds on it; tests corrupt it with SQL.
 */
import { provision } from '../../ghostpass/sandbox/provision.js';
import type { TargetIds } from '../../ghostpass/target.js';
import type { Row } from '../db/backend.js';
import type { InvariantResult } from '../invariants/types.js';
import { type ValidateOptions, validate } from '../validate.js';
import type { TestDatabase } from './backends.js';
import { type RunBuilder, runBuilder } from './run-builder.js';

export interface CleanRun {
  tdb: TestDatabase;
  ids: TargetIds;
  t0: Date;
  run: RunBuilder;
  /** Runs every invariant over this run; returns the one asked for. */
  check(id: string, extra?: Partial<ValidateOptions>): Promise<InvariantResult>;
  all(extra?: Partial<ValidateOptions>): Promise<InvariantResult[]>;
  /** A query on the writer, first row. */
  one(sql: string, params?: unknown[]): Promise<Row>;
}

export async function cleanRun(tdb: TestDatabase): Promise<CleanRun> {
  const ids = await provision(tdb.db, { wallets: 12 });
  const t0 = await tdb.now();
  const run = runBuilder(tdb.db, ids);
  for (let w = 1; w <= 6; w++) await run.entry(w, w % 2);
  for (let w = 1; w <= 3; w++) await run.entry(w, (w + 1) % 2);
  for (let w = 1; w <= 8; w++) await run.purchase(w, w % 6, 1 + (w % 2), (w % 3) * 100);
  for (let w = 1; w <= 4; w++) await run.fund(w, 5000);
  const declined = await run.purchase(12, 1, 50); // 50 cocktails: 402, writes nothing
  if (declined.outcome !== 'declined') throw new Error('the declined purchase was not declined');
  const all = (extra: Partial<ValidateOptions> = {}) =>
    validate({ db: tdb.backend, t0, venueIds: [ids.venueId], journal: run.journal, ...extra });
  return {
    tdb,
    ids,
    t0,
    run,
    all,
    async check(id, extra) {
      const r = (await all(extra)).find((x) => x.id === id);
      if (r === undefined) throw new Error(`no result ${id}`);
      return r;
    },
    async one(sql, params) {
      return (await tdb.db.query<Row>(sql, params)).rows[0] ?? {};
    },
  };
}
