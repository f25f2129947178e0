/**
 * Test support: the GhostPass sandbox serving its PostgREST subset (`/rest/v1/`) over GhostPass's
 * real schema (ghostpass mode: no unique keys), on PGlite and on a real PostgreSQL 15 — the two
 * databases the supabase-js store is tested against. `wallets: 0`: the sandbox provisions only its
 * own (random) venue, which the tests then treat as "a venue that is not the test venue".
 */

import { missingPostgres, type PgServer, startPostgres } from '../../../test/support/postgres.js';
import type { Db } from '../../sandbox/db.js';
import { openPostgres } from '../../sandbox/db-postgres.js';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';

export const SERVICE_KEY = 'svc_key_for_tests_5f2c9a1e7b';

export interface RestSandbox {
  sandbox: Sandbox;
  db: Db;
  stop(): Promise<void>;
}

export interface RestBackend {
  name: 'pglite' | 'postgres';
  skip: string | null;
  /** `wallets`: test wallets the sandbox provisions itself (default 0). */
  start(dbName: string, wallets?: number): Promise<RestSandbox>;
}

const options = {
  mode: 'ghostpass' as const,
  wallets: 0,
  webhookSecret: 'whsec_rest_tests',
  serviceKey: SERVICE_KEY,
};

export const REST_BACKENDS: readonly RestBackend[] = [
  {
    name: 'pglite',
    skip: null,
    async start(_dbName, wallets = 0) {
      const sandbox = await startSandbox({ ...options, wallets });
      return { sandbox, db: sandbox.db, stop: () => sandbox.close() };
    },
  },
  {
    name: 'postgres',
    skip: missingPostgres(),
    async start(dbName, wallets = 0) {
      const server: PgServer = await startPostgres();
      const db = await openPostgres(server.createDatabase(dbName), { max: 4 });
      const sandbox = await startSandbox({ ...options, db, wallets });
      return {
        sandbox,
        db,
        async stop() {
          await sandbox.close();
          await db.close();
          server.stop();
        },
      };
    },
  },
];

/** The `.env.test` a staging command reads: the Supabase URL and service key (and the API). */
export function stagingEnv(s: Sandbox, key = SERVICE_KEY): string {
  return `API_BASE_URL=${s.url}\nSUPABASE_URL=${s.url}\nSUPABASE_SERVICE_KEY=${key}\nSTRIPE_WEBHOOK_SECRET=whsec_rest_tests\n`;
}
