/**
 * The smallest database interface the sandbox needs, so a real PostgreSQL (pg Pool) can stand in
 * for PGlite later. PGlite has one session shared by every caller (ENVIRONMENT.md): atomic work
 * must go through `transaction()`, which PGlite serializes against every other query.
 */
import { PGlite } from '@electric-sql/pglite';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';

export interface Db {
  query<T = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: T[] }>;
  /** Runs `fn` in one transaction; commits on return, rolls back on throw. Nested calls join it. */
  transaction<R>(fn: (tx: Db) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}

interface TxLike {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

function txDb(tx: TxLike): Db {
  const self: Db = {
    query: <T>(sql: string, params?: readonly unknown[]) =>
      wrap(() => tx.query<T>(sql, params === undefined ? undefined : [...params])),
    transaction: (fn) => fn(self),
    close: () =>
      Promise.reject(new GhostfleetError(ErrorCodes.Internal, 'close() inside a transaction')),
  };
  return self;
}

/** Runs a database call; any failure becomes GF_DATABASE (a GhostfleetError passes through). */
export async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof GhostfleetError) throw err;
    throw new GhostfleetError(ErrorCodes.Database, `database: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Opens PGlite: in memory by default, or persisted under `dataDir`. */
export async function openPglite(dataDir?: string): Promise<Db & { pglite: PGlite }> {
  const pglite = await wrap(() => PGlite.create(dataDir === undefined ? {} : { dataDir }));
  return {
    pglite,
    query: <T>(sql: string, params?: readonly unknown[]) =>
      wrap(() => pglite.query<T>(sql, params === undefined ? undefined : [...params])),
    transaction: (fn) => wrap(() => pglite.transaction((tx) => fn(txDb(tx)))),
    close: () => pglite.close(),
  };
}
