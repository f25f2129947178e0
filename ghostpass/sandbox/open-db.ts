/**
 * The sandbox's database from one string, for `--sandbox-db`: nothing is an in-memory PGlite, a
 * `postgres://` / `postgresql://` URL is a real PostgreSQL (db-postgres.ts), anything else is a
 * directory PGlite persists into.
 */
import { type Db, openPglite } from './db.js';
import { openPostgres } from './db-postgres.js';

export type SandboxDbKind = 'pglite' | 'postgres';

export function sandboxDbKind(spec: string | undefined): SandboxDbKind {
  return spec !== undefined && /^postgres(ql)?:\/\//i.test(spec) ? 'postgres' : 'pglite';
}

export async function openSandboxDb(spec?: string): Promise<Db & { kind: SandboxDbKind }> {
  const kind = sandboxDbKind(spec);
  const db = kind === 'postgres' ? await openPostgres(spec as string) : await openPglite(spec);
  return Object.assign(db, { kind });
}
