/**
 * One schema per mode, kept as data (schema/correct.ts, schema/ghostpass.ts), and one way to
 * apply it. Both create only what does not exist yet, so applying twice is harmless.
 */
import type { Db } from './db.js';
import type { SandboxMode } from './mode.js';
import { CORRECT_SCHEMA } from './schema/correct.js';
import { GHOSTPASS_SCHEMA } from './schema/ghostpass.js';

export const SCHEMAS: Readonly<Record<SandboxMode, readonly string[]>> = Object.freeze({
  correct: CORRECT_SCHEMA,
  ghostpass: GHOSTPASS_SCHEMA,
});

/** Creates every table, type and index of `mode`'s schema that does not exist yet. */
export async function applySchema(db: Db, mode: SandboxMode = 'correct'): Promise<void> {
  await db.transaction(async (tx) => {
    for (const sql of SCHEMAS[mode]) await tx.query(sql);
  });
}

/** The mode whose schema a database already holds (null when it has no `transactions` table). */
export async function schemaModeOf(db: Db): Promise<SandboxMode | null> {
  const r = await db.query<{ unique_provider: boolean | null }>(
    `select (select true from pg_indexes where indexname = 'transactions_provider_tx_uq') as unique_provider
     where to_regclass('transactions') is not null`,
  );
  const row = r.rows[0];
  if (row === undefined) return null;
  return row.unique_provider ? 'correct' : 'ghostpass';
}
