import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingPostgres, startPostgres } from '../../test/support/postgres.js';
import { openSandboxDb, sandboxDbKind } from './open-db.js';

describe('openSandboxDb', () => {
  it('tells a PostgreSQL URL from a PGlite directory', () => {
    expect(sandboxDbKind(undefined)).toBe('pglite');
    expect(sandboxDbKind('./data/pg')).toBe('pglite');
    expect(sandboxDbKind('postgres://u@h/db')).toBe('postgres');
    expect(sandboxDbKind('postgresql://u@h:5433/db')).toBe('postgres');
  });

  it('a directory is a PGlite that keeps its rows across opens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gf-pglite-'));
    try {
      const a = await openSandboxDb(dir);
      expect(a.kind).toBe('pglite');
      await a.query('create table k (v int)');
      await a.query('insert into k values (7)');
      await a.close();
      const b = await openSandboxDb(dir);
      expect((await b.query<{ v: number }>('select v from k')).rows).toEqual([{ v: 7 }]);
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(missingPostgres() !== null)(
    'a URL is a real PostgreSQL',
    async () => {
      const server = await startPostgres();
      try {
        const db = await openSandboxDb(server.url);
        expect(db.kind).toBe('postgres');
        expect(
          (await db.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]
            ?.v,
        ).toMatch(/^15\./);
        await db.close();
      } finally {
        server.stop();
      }
    },
    60_000,
  );
});
