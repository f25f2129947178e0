import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbSample } from '../contract/journal.js';
import { watchQueuedQueries } from '../test/support/pg-warnings.js';
import { missingPostgres, type PgServer, startPostgres } from '../test/support/postgres.js';
import { startDbMonitor } from './db-monitor.js';

const missing = missingPostgres();
let server: PgServer | null = null;
beforeAll(async () => {
  if (missing === null) server = await startPostgres();
});
afterAll(() => server?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(missing !== null)(
  `the database monitor${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    // First in this file: pg warns once per process, so no earlier test may spend the warning.
    it('a sample slower than the interval skips ticks: never two queries on its one client', async () => {
      const url = server?.createDatabase('gf_monitor_fast') as string;
      const warnings = watchQueuedQueries();
      const samples: DbSample[] = [];
      // Every 1 ms: each sample's four queries take longer, so ticks fall inside a running sample.
      const monitor = await startDbMonitor({
        url,
        registry: new Registry(),
        onSample: (s) => samples.push(s),
        log: () => {},
        everyMs: 1,
      });
      // Until five samples have landed (hundreds of ticks fell inside them), however slow the machine.
      while (samples.length < 5) await sleep(20);
      await monitor.stop();
      await warnings.stop();
      expect(warnings.seen()).toEqual([]);
      // Samples are sequential: each one's time is not before the previous one's.
      for (let i = 1; i < samples.length; i++)
        expect(samples[i]?.at).toBeGreaterThanOrEqual(samples[i - 1]?.at ?? 0);
    });

    it('samples connections, lock waits, commits, rollbacks and rows written on a real PostgreSQL', async () => {
      const url = server?.createDatabase('gf_monitor') as string;
      const setup = new pg.Client({ connectionString: url });
      await setup.connect();
      await setup.query('create table wallets (id int primary key, balance_cents bigint)');
      await setup.query(
        'create table transactions (id serial primary key, wallet_id int, amount_cents bigint)',
      );
      await setup.query('create table entry_events (id serial primary key)');
      await setup.query('insert into wallets select g, 1000 from generate_series(1, 50) g');
      const samples: DbSample[] = [];
      const registry = new Registry();
      const monitor = await startDbMonitor({
        url,
        registry,
        onSample: (s) => samples.push(s),
        log: () => {},
        everyMs: 100,
      });
      const holder = new pg.Client({ connectionString: url });
      const waiter = new pg.Client({ connectionString: url });
      await holder.connect();
      await waiter.connect();
      try {
        // A lock wait: one transaction holds wallet 1, another wants it.
        await holder.query('begin');
        await holder.query('select * from wallets where id = 1 for update');
        const waiting = waiter.query(
          'update wallets set balance_cents = balance_cents - 1 where id = 1',
        );
        await sleep(500);
        await holder.query('commit');
        await waiting;
        for (let i = 0; i < 20; i++) {
          await setup.query('insert into transactions (wallet_id, amount_cents) values ($1, 100)', [
            i,
          ]);
        }
        await setup.query('begin');
        await setup.query('update wallets set balance_cents = 0');
        await setup.query('rollback');
      } finally {
        await holder.end();
        await waiter.end();
        await setup.end();
        // PostgreSQL publishes a backend's statistics when it goes idle or exits, at most once a
        // second (PGSTAT_MIN_INTERVAL): let the last flush land before the last sample.
        await sleep(1500);
        await monitor.stop();
      }
      expect(samples.length).toBeGreaterThan(5);
      expect(Math.max(...samples.map((s) => s.lockWaits))).toBeGreaterThan(0);
      const total = (k: keyof DbSample) => samples.reduce((n, s) => n + Number(s[k]), 0);
      expect(total('commits')).toBeGreaterThanOrEqual(21);
      expect(total('rollbacks')).toBeGreaterThanOrEqual(1);
      expect(total('rowsWritten')).toBeGreaterThanOrEqual(21);
      expect(samples[0]?.commits).toBe(0); // the first sample is the baseline
      const text = await registry.metrics();
      expect(text).toMatch(/ghostfleet_db_commits_total \d+/);
      expect(Number(/ghostfleet_db_rollbacks_total (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(
        1,
      );
    });

    it('names the database it cannot reach, never its password', async () => {
      const bad = `postgres://ghost:hunter2@127.0.0.1:${(server?.port ?? 1) + 1}/none`;
      await expect(
        startDbMonitor({ url: bad, registry: new Registry(), onSample: () => {}, log: () => {} }),
      ).rejects.toThrow(
        expect.objectContaining({
          code: 'GF_TARGET_UNREACHABLE',
          message: expect.not.stringContaining('hunter2'),
        }),
      );
    });
  },
);
