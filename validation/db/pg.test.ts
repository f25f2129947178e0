/**
 * The PostgreSQL backend under concurrent queries: each session is set read-only and UTC once,
 * awaited, before its first query (never a query queued on a busy client), and a broken session
 * is discarded rather than handed out again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchQueuedQueries } from '../../test/support/pg-warnings.js';
import { missingPostgres, type PgServer, startPostgres } from '../../test/support/postgres.js';
import { connectPostgres } from './pg.js';

const missing = missingPostgres();
let server: PgServer | null = null;
beforeAll(async () => {
  if (missing === null) server = await startPostgres();
}, 60_000);
afterAll(() => server?.stop());

describe.skipIf(missing !== null)('connectPostgres', () => {
  it('20 concurrent queries: every one read-only in UTC, none queued on a busy client', async () => {
    const url = server?.createDatabase('gf_pg_backend') as string;
    const warnings = watchQueuedQueries();
    const backend = await connectPostgres(url);
    try {
      const rows = await Promise.all(
        Array.from({ length: 20 }, () =>
          backend.query<{ ro: string; tz: string }>(
            "select current_setting('transaction_read_only') as ro, current_setting('TimeZone') as tz",
          ),
        ),
      );
      expect(rows.map((r) => r[0])).toEqual(Array(20).fill({ ro: 'on', tz: 'UTC' }));
      const err = await backend.query('create table t (x int)').catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/read-only transaction/);
      // A SQL error leaves the session usable: the next query still answers, still read-only.
      expect(await backend.query("select current_setting('transaction_read_only') as ro")).toEqual([
        { ro: 'on' },
      ]);
    } finally {
      await backend.close();
      await warnings.stop();
    }
    expect(warnings.seen()).toEqual([]);
  });
});
