/**
 * What validation needs from a database: read-only `query(sql, params) → rows`. Two
 * implementations: the sandbox's in-process PGlite handle (`pglite.ts`) and any PostgreSQL URL
 * through `pg` (`pg.ts`, a Supabase Postgres connection string included). Validation never writes.
 */
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';

export type Row = Record<string, unknown>;

export interface SqlBackend {
  /** Where the rows come from, for messages (a URL without its password, or "pglite"). */
  readonly label: string;
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Turns a driver error into a GhostfleetError that names the backend (never a password). */
export function databaseError(label: string, err: unknown, what = 'query failed'): GhostfleetError {
  if (err instanceof GhostfleetError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new GhostfleetError(ErrorCodes.Database, `database ${label}: ${what}: ${message}`, {
    cause: err,
  });
}

/** The tables the invariants read, as GhostPass names them (GHOSTPASS.md "Tables that matter"). */
export const REQUIRED_TABLES = [
  'wallets',
  'transactions',
  'entry_events',
  'venue_entry_configs',
  'gateway_points',
  'vendor_items',
  'audit_logs',
] as const;

/**
 * Fails with one clear error naming every missing table, before any invariant runs: a missing
 * table must not read as "no offending rows". `to_regclass` resolves through the search_path,
 * as the invariants' unqualified names do (Supabase: `public`).
 */
export async function assertTables(db: SqlBackend, tables: readonly string[]): Promise<void> {
  const rows = await db.query<{ name: string; found: boolean }>(
    'select t.name, to_regclass(t.name) is not null as found from unnest($1::text[]) as t(name)',
    [tables],
  );
  const missing = rows.filter((r) => r.found !== true).map((r) => r.name);
  if (missing.length > 0) {
    throw new GhostfleetError(
      ErrorCodes.Database,
      `database ${db.label}: missing table${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      {
        details: missing.map((t) => `table "${t}" does not exist (is this a GhostPass database?)`),
      },
    );
  }
}
