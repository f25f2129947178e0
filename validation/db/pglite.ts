/**
 * Validation over the sandbox's in-process PGlite handle (`ghostpass/sandbox/db.ts`). PGlite has
 * one session shared by every caller (ENVIRONMENT.md), so validation reads through the same
 * handle the sandbox writes through; closing is the sandbox's business, not ours.
 */
import type { Db } from '../../ghostpass/sandbox/db.js';
import { databaseError, type Row, type SqlBackend } from './backend.js';

export function sandboxBackend(db: Db, label = 'sandbox (pglite)'): SqlBackend {
  return {
    label,
    async query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      try {
        return (await db.query<T>(sql, params)).rows;
      } catch (err) {
        throw databaseError(label, err);
      }
    },
    close: async () => {},
  };
}
