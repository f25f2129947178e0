/**
 * openPostgres on a real PostgreSQL 15 (test/support/postgres.ts): transactions on one pooled
 * client, rollback on throw, nested calls joining, errors as GF_DATABASE, int8 as numbers, and an
 * unreachable server named without its password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, isGhostfleetError } from '../../contract/errors.js';
import { missingPostgres, type PgServer, startPostgres } from '../../test/support/postgres.js';
import type { Db } from './db.js';
import { openPostgres } from './db-postgres.js';

describe.skipIf(missingPostgres() !== null)('openPostgres (real PostgreSQL 15)', () => {
  let server: PgServer;
  let db: Db;
  beforeAll(async () => {
    server = await startPostgres();
    db = await openPostgres(server.createDatabase('db_adapter'));
    await db.query('create table t (id int primary key, v bigint not null)');
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    server?.stop();
  });

  it('commits on return; int8 arrives as a number', async () => {
    const r = await db.transaction(async (tx) => {
      await tx.query('insert into t values (1, 9007199254740), (2, 5)');
      return (await tx.query<{ n: unknown }>('select max(v) as n, count(*) as c from t')).rows[0];
    });
    expect(r).toEqual({ n: 9007199254740, c: 2 });
    expect((await db.query('select * from t')).rows).toHaveLength(2);
  });

  it('rolls back on throw, nested calls included, and the client goes back to the pool', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query('insert into t values (3, 3)');
        await tx.transaction(async (inner) => inner.query('insert into t values (4, 4)'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.query('select id from t where id > 2')).rows).toEqual([]);
    // 30 more transactions than the pool has clients: none may leak.
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        db.transaction((tx) => tx.query('select $1::int as i', [i])),
      ),
    );
  });

  it('a transaction sees its own writes; another session does not until commit', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const tx = db.transaction(async (t) => {
      await t.query('insert into t values (10, 10)');
      expect((await t.query('select 1 from t where id = 10')).rows).toHaveLength(1);
      await held;
    });
    // Another pooled connection: no isolation leak (unlike PGlite's shared session).
    await new Promise((r) => setTimeout(r, 50));
    expect((await db.query('select 1 from t where id = 10')).rows).toHaveLength(0);
    release();
    await tx;
    expect((await db.query('select 1 from t where id = 10')).rows).toHaveLength(1);
  });

  it('a failing statement is GF_DATABASE', async () => {
    const err = await db.query('select * from no_such_table').catch((e: unknown) => e);
    expect(isGhostfleetError(err, ErrorCodes.Database)).toBe(true);
  });

  it('an unreachable server is GF_DATABASE naming the URL without its password', async () => {
    const err = await openPostgres('postgres://u:hunter2@127.0.0.1:1/x').catch((e: unknown) => e);
    expect(isGhostfleetError(err, ErrorCodes.Database)).toBe(true);
    expect(String((err as Error).message)).toContain('127.0.0.1:1');
    expect(String((err as Error).message)).not.toContain('hunter2');
  });
});
