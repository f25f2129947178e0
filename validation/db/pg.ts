/**
 * Validation over any PostgreSQL by URL through `pg` (a Supabase Postgres connection string
 * included). Read-only: every session is set `default_transaction_read_only` when it connects, so
 * a bug here cannot write to staging. Through Supabase's transaction-mode pooler (port 6543) a
 * session setting may not stick to the server connection; the queries are plain SELECTs anyway.
 */
import pg from 'pg';
import { databaseError, type Row, type SqlBackend } from './backend.js';

/** The URL without its password: safe for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

const SESSION_SETUP = "set session characteristics as transaction read only; set time zone 'UTC'";

export interface PgBackendOptions {
  /** Connection timeout, so an unreachable database fails fast with a clear error. */
  connectTimeoutMs?: number;
  /** Per-statement timeout: a 50,000-row validation takes well under a second here. */
  statementTimeoutMs?: number;
}

/** Connects (and checks the connection once) so an unreachable database fails here, clearly. */
export async function connectPostgres(
  url: string,
  opts: PgBackendOptions = {},
): Promise<SqlBackend> {
  const label = redactUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: 2,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    statement_timeout: opts.statementTimeoutMs ?? 120_000,
  });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  // Each server session is set up once, awaited, before its first query of ours: never a second
  // query on a client still busy (pg 8 queues it with a deprecation warning; pg 9 refuses it).
  // UTC: supabase.sql's `timestamp` columns hold UTC wall time (Supabase runs in UTC; scan.ts
  // writes `new Date().toISOString()`), so `:t0` is compared in UTC, and samples print alike.
  const ready = new WeakSet<pg.PoolClient>();
  const run = async <T extends Row>(sql: string, params?: readonly unknown[]): Promise<T[]> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      if (!ready.has(client)) {
        await client.query(SESSION_SETUP);
        ready.add(client);
      }
      return (await client.query<T>(sql, params === undefined ? undefined : [...params])).rows;
    } catch (err) {
      // The server's answer (a SQL error) leaves the session usable; anything else discards it.
      if (!(err instanceof pg.DatabaseError)) broken = err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
  };
  try {
    await run('select 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw databaseError(label, err, 'unreachable');
  }
  return {
    label,
    async query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      try {
        return await run<T>(sql, params);
      } catch (err) {
        throw databaseError(label, err);
      }
    },
    close: () => pool.end(),
  };
}
