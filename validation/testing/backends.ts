/**
 * Test support: the two databases every validation test runs on — PGlite (the sandbox's
 * in-process handle) and a real PostgreSQL 15 (`test/support/postgres.ts`) — with a fresh schema
 * per test, so a corruption written by one test never leaks into the next. On PGlite the one
 * shared session's `search_path` selects the schema; on PostgreSQL the connection's `options`.
 */

import type { Db } from '../../ghostpass/sandbox/db.js';
import { openPglite } from '../../ghostpass/sandbox/db.js';
import { missingPostgres, startPostgres } from '../../test/support/postgres.js';
import type { SqlBackend } from '../db/backend.js';
import { connectPostgres } from '../db/pg.js';
import { sandboxBackend } from '../db/pglite.js';
import { pgDb } from './pg-db.js';

export interface TestDatabase {
  /** Writes test data (provision, the sandbox's handlers, corruption). */
  db: Db;
  /** What validation reads through. */
  backend: SqlBackend;
  /** The database's clock now: `t0` must come from the clock that stamps the rows. */
  now(): Promise<Date>;
  close(): Promise<void>;
}

export interface Harness {
  fresh(): Promise<TestDatabase>;
  stop(): Promise<void>;
}

export interface BackendKind {
  name: 'pglite' | 'postgres';
  /** Why this backend cannot run here (null when it can). */
  skip: string | null;
  start(): Promise<Harness>;
}

/**
 * A JS Date holds milliseconds, the database's clock microseconds: a `t0` truncated to its
 * millisecond would put rows written just before it (the provisioning's opening FUND rows) inside
 * the window — a test that failed only sometimes. So t0 is the next whole millisecond, and this
 * returns once the database clock has passed it: every earlier row is before t0, every later one
 * at or after it.
 */
const clock = (db: Db) => async () => {
  const r = await db.query<{ t0: unknown }>(
    `select date_trunc('milliseconds', clock_timestamp()) + interval '1 millisecond' as t0`,
  );
  const raw = r.rows[0]?.t0;
  const t0 = raw instanceof Date ? raw : new Date(String(raw));
  // At most about a millisecond of polling.
  for (;;) {
    const passed = await db.query<{ ok: boolean }>('select clock_timestamp() >= $1 as ok', [t0]);
    if (passed.rows[0]?.ok === true) return t0;
  }
};

let schemas = 0;
const nextSchema = () => `gf_v_${process.pid}_${++schemas}`;

/**
 * PGlite's one session is shared by every TestDatabase of the file: each call first points the
 * session's search_path at its own schema, so a test reading the clean run after another test
 * corrupted its copy still reads the clean one.
 */
function inSchema(db: Db, schema: string): Db {
  const set = `set search_path to ${schema}, public`;
  return {
    async query(sql, params) {
      await db.query(set);
      return db.query(sql, params);
    },
    transaction: (fn) =>
      db.transaction(async (tx) => {
        await tx.query(set);
        return fn(tx);
      }),
    close: () => db.close(),
  };
}

async function pgliteHarness(): Promise<Harness> {
  const pglite = await openPglite();
  return {
    async fresh() {
      const schema = nextSchema();
      await pglite.query(`create schema ${schema}`);
      const db = inSchema(pglite, schema);
      return { db, backend: sandboxBackend(db), now: clock(db), close: async () => {} };
    },
    stop: () => pglite.close(),
  };
}

async function postgresHarness(): Promise<Harness> {
  const server = await startPostgres();
  const admin = pgDb(server.url);
  return {
    async fresh() {
      const schema = nextSchema();
      await admin.query(`create schema ${schema}`);
      const url = `${server.url}?options=${encodeURIComponent(`-c search_path=${schema},public`)}`;
      const db = pgDb(url);
      const backend = await connectPostgres(url);
      return {
        db,
        backend,
        now: clock(db),
        async close() {
          await backend.close();
          await db.close();
        },
      };
    },
    async stop() {
      await admin.close();
      server.stop();
    },
  };
}

export const BACKENDS: readonly BackendKind[] = [
  { name: 'pglite', skip: null, start: pgliteHarness },
  { name: 'postgres', skip: missingPostgres(), start: postgresHarness },
];
