/**
 * The sandbox's `Db` on a real PostgreSQL (DESIGN.md "Targets"), through a `pg` Pool. Unlike
 * PGlite (one shared session), every pooled connection is its own session, so concurrent
 * requests really run in parallel: `transaction()` takes one client for BEGIN … COMMIT (ROLLBACK
 * on throw) and correct mode's `SELECT … FOR UPDATE` makes a second writer of the same wallet
 * wait; plain `query()` is one autocommit statement on whichever connection is free, which is
 * how ghostpass mode issues the real handlers' separate statements.
 */
import pg from 'pg';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { type Db, wrap } from './db.js';

/** int8 (OID 20) as a JS number, as PGlite gives it: cents and counts stay far below 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  /** Pool size (default 20): the most statements in flight at once. */
  max?: number;
}

function clientDb(client: pg.PoolClient): Db {
  const self: Db = {
    query: <T>(sql: string, params?: readonly unknown[]) =>
      wrap(async () => ({
        rows: (await client.query(sql, params === undefined ? undefined : [...params])).rows as T[],
      })),
    // Nested calls join the open transaction, as PGlite's handle does (db.ts).
    transaction: (fn) => fn(self),
    close: () =>
      Promise.reject(new GhostfleetError(ErrorCodes.Internal, 'close() inside a transaction')),
  };
  return self;
}

/** The URL without its password, for error messages (never log a secret). */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable database URL)';
  }
}

/** Opens a pool on `url` and checks it answers; throws GF_DATABASE naming the (redacted) URL. */
export async function openPostgres(
  url: string,
  opts: PostgresOptions = {},
): Promise<Db & { pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 20, types });
  // An idle client's error (server restart) must not crash the process; the next query fails.
  pool.on('error', () => {});
  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw new GhostfleetError(
      ErrorCodes.Database,
      `cannot reach PostgreSQL at ${redact(url)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return {
    pool,
    query: <T>(sql: string, params?: readonly unknown[]) =>
      wrap(async () => ({
        rows: (await pool.query(sql, params === undefined ? undefined : [...params])).rows as T[],
      })),
    transaction: async (fn) => {
      const client = await wrap(() => pool.connect());
      let broken: Error | undefined;
      try {
        await wrap(() => client.query('begin'));
        const result = await fn(clientDb(client));
        await wrap(() => client.query('commit'));
        return result;
      } catch (err) {
        // A connection that cannot even roll back is discarded, not returned to the pool.
        await client.query('rollback').catch((e: Error) => {
          broken = e;
        });
        throw err;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
