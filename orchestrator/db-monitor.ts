/**
 * The database monitor for a PostgreSQL target (the sandbox on real Postgres, or a Supabase
 * database URL): every `everyMs` one read-only sample of what the protocol's `db-monitor.sql`
 * watches, done right — connections by state and those waiting on a lock (`pg_stat_activity`),
 * ungranted locks (`pg_locks`), commits, rollbacks and deadlocks (`pg_stat_database`, as deltas),
 * rows written and sequential vs index scans on GhostPass's hot tables (`pg_stat_user_tables`).
 * Each sample is exported as metrics and handed to `onSample` (the run journals it). Its own
 * connection is one client with a short statement timeout: the monitor must never become the load.
 */
import pg from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import type { DbSample } from '../contract/journal.js';

/** GhostPass's tables the fleet writes (GHOSTPASS.md "Tables that matter"). */
export const HOT_TABLES = ['wallets', 'transactions', 'entry_events'] as const;

export interface DbMonitor {
  stop(): Promise<void>;
}

interface Cumulative {
  commits: number;
  rollbacks: number;
  deadlocks: number;
  written: number;
  seqScans: number;
  idxScans: number;
}

const SQL = {
  activity: `select count(*) filter (where state = 'active')::int as active,
      count(*) filter (where state = 'idle in transaction')::int as idle_in_tx,
      count(*) filter (where wait_event_type = 'Lock')::int as lock_waits,
      count(*)::int as connections
    from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
  locks: `select count(*)::int as n from pg_locks where not granted`,
  database: `select xact_commit::float8 as commits, xact_rollback::float8 as rollbacks,
      deadlocks::float8 as deadlocks from pg_stat_database where datname = current_database()`,
  tables: `select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::float8 as written,
      coalesce(sum(seq_scan), 0)::float8 as seq_scans, coalesce(sum(idx_scan), 0)::float8 as idx_scans
    from pg_stat_user_tables where relname = any($1::text[])`,
} as const;

function metricsOn(registry: Registry) {
  const g = (name: string, help: string) => new Gauge({ name, help, registers: [registry] });
  const c = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  return {
    active: g('ghostfleet_db_active_connections', 'Target database sessions running a statement.'),
    idleInTx: g(
      'ghostfleet_db_idle_in_transaction',
      'Target database sessions idle inside a transaction.',
    ),
    lockWaits: g(
      'ghostfleet_db_lock_waits',
      'Target database sessions waiting for a lock, plus ungranted locks.',
    ),
    commits: c(
      'ghostfleet_db_commits_total',
      'Transactions committed on the target database during the run.',
    ),
    rollbacks: c(
      'ghostfleet_db_rollbacks_total',
      'Transactions rolled back on the target database during the run.',
    ),
    deadlocks: c(
      'ghostfleet_db_deadlocks_total',
      'Deadlocks detected on the target database during the run.',
    ),
    written: c(
      'ghostfleet_db_rows_written_total',
      "Rows inserted, updated or deleted in GhostPass's hot tables.",
    ),
    seqScans: c(
      'ghostfleet_db_seq_scans_total',
      "Sequential scans of GhostPass's hot tables (an index is missing).",
    ),
  };
}

type Metrics = ReturnType<typeof metricsOn>;

export interface DbMonitorOptions {
  url: string;
  registry: Registry;
  onSample(sample: DbSample): void;
  log(line: string): void;
  everyMs?: number;
  now?: () => number;
}

export async function startDbMonitor(opts: DbMonitorOptions): Promise<DbMonitor> {
  const now = opts.now ?? Date.now;
  const client = await connect(opts.url);
  const m = metricsOn(opts.registry);
  let last: Cumulative | null = null;
  let failures = 0;
  const sample = async (): Promise<void> => {
    const { s, cum } = await readSample(client, last, now);
    last = cum;
    exportSample(m, s);
    opts.onSample(s);
  };

  await sample(); // the baseline: fails loudly now rather than silently later
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    // A sample slower than the interval (a loaded database) skips a tick: one query at a time on
    // the monitor's one client, never a second queued behind the first.
    if (running !== null) return;
    running = sample()
      .catch((err: unknown) => {
        if (failures++ === 0)
          opts.log(`database monitor: a sample failed (${(err as Error).message}); retrying`);
      })
      .finally(() => {
        running = null;
      });
  }, opts.everyMs ?? 1000);
  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        if (running !== null) await running;
        await client.end().catch(() => {});
      })();
      return stopped;
    },
  };
}

/** The monitor's own client; the URL's password never appears in the error. */
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, statement_timeout: 2000 });
  try {
    await client.connect();
  } catch (err) {
    const shown = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    throw new GhostfleetError(
      ErrorCodes.TargetUnreachable,
      `the database monitor cannot reach ${shown}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  client.on('error', () => {});
  return client;
}

/** One sample, timed when read: current counts, and the cumulative counters as deltas since `last`. */
async function readSample(
  client: pg.Client,
  last: Cumulative | null,
  now: () => number,
): Promise<{ s: DbSample; cum: Cumulative }> {
  // One client, one query at a time (pg serializes them anyway).
  const a = await client.query(SQL.activity);
  const l = await client.query(SQL.locks);
  const d = await client.query(SQL.database);
  const t = await client.query(SQL.tables, [HOT_TABLES]);
  const act = a.rows[0] as {
    active: number;
    idle_in_tx: number;
    lock_waits: number;
    connections: number;
  };
  const db = (d.rows[0] ?? { commits: 0, rollbacks: 0, deadlocks: 0 }) as Omit<
    Cumulative,
    'written' | 'seqScans' | 'idxScans'
  >;
  const tb = t.rows[0] as { written: number; seq_scans: number; idx_scans: number };
  const cum: Cumulative = {
    ...db,
    written: tb.written,
    seqScans: tb.seq_scans,
    idxScans: tb.idx_scans,
  };
  const delta = (k: keyof Cumulative) => (last === null ? 0 : Math.max(0, cum[k] - last[k]));
  const s: DbSample = {
    t: 'db',
    at: now(),
    connections: act.connections,
    active: act.active,
    idleInTransaction: act.idle_in_tx,
    lockWaits: act.lock_waits + Number((l.rows[0] as { n: number }).n),
    commits: delta('commits'),
    rollbacks: delta('rollbacks'),
    deadlocks: delta('deadlocks'),
    rowsWritten: delta('written'),
    seqScans: delta('seqScans'),
    idxScans: delta('idxScans'),
  };
  return { s, cum };
}

function exportSample(m: Metrics, s: DbSample): void {
  m.active.set(s.active);
  m.idleInTx.set(s.idleInTransaction);
  m.lockWaits.set(s.lockWaits);
  m.commits.inc(s.commits);
  m.rollbacks.inc(s.rollbacks);
  m.deadlocks.inc(s.deadlocks);
  m.written.inc(s.rowsWritten);
  m.seqScans.inc(s.seqScans);
}
