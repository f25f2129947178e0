/**
 * Test support: the sandbox's `Db` interface over a real PostgreSQL (pg Pool), so `provision()`
 * and the sandbox's own handlers write the same rows on PostgreSQL 15 as on PGlite. Only for
 * building test data; the sandbox's production PostgreSQL adapter is not this file's concern.
 */
import pg from 'pg';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { Db } from '../../ghostpass/sandbox/db.js';

type Queryable = { query: pg.Pool['query'] };

function over(q: Queryable, inTx: boolean, pool: pg.Pool): Db {
  const self: Db = {
    async query<T>(sql: string, params?: readonly unknown[]) {
      const r = await q.query(sql, params === undefined ? undefined : [...params]);
      return { rows: r.rows as T[] };
    },
    async transaction(fn) {
      if (inTx) return fn(self);
      const client = await pool.connect();
      try {
        await client.query('begin');
        const out = await fn(over(client, true, pool));
        await client.query('commit');
        return out;
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () =>
      inTx
        ? Promise.reject(new GhostfleetError(ErrorCodes.Internal, 'close() inside a transaction'))
        : pool.end(),
  };
  return self;
}

export function pgDb(url: string): Db {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {});
  return over(pool, false, pool);
}
