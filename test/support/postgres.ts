/**
 * A real PostgreSQL 15 server for tests (ENVIRONMENT.md: Debian `postgresql`): `initdb` into a temp
 * dir, `pg_ctl start` on a free loopback port, torn down by `stop()`. PostgreSQL refuses to run as
 * root, so under root the server runs as the `postgres` user (`runuser`), which owns the data dir.
 * Tests that need it skip naming the apt package when it is absent, and fail under CI.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.js';

const BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/local/bin', '/usr/bin'];

function pgBin(name: string): string | null {
  for (const dir of BIN_DIRS) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}

/** Why a real PostgreSQL cannot run here (null when it can); throws under CI. */
export function missingPostgres(): string | null {
  if (pgBin('initdb') && pgBin('pg_ctl')) return null;
  const reason = 'PostgreSQL 15 is not installed (apt-get install -y postgresql)';
  if (process.env.CI) throw new Error(`CI must run this test: ${reason}`);
  return reason;
}

export interface PgServer {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly port: number;
  /** A fresh database on this server; returns its URL. */
  createDatabase(name: string): string;
  stop(): void;
}

export async function startPostgres(): Promise<PgServer> {
  const initdb = pgBin('initdb');
  const pgCtl = pgBin('pg_ctl');
  const psql = pgBin('psql');
  if (!initdb || !pgCtl) throw new Error(missingPostgres() ?? 'PostgreSQL is not installed');
  const root = mkdtempSync(join(tmpdir(), 'gf-pg-'));
  const data = join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    return execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: root }).toString();
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(root, uid, gid);
  }
  chmodSync(root, 0o700);
  run(initdb, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  run(pgCtl, [
    '-D',
    data,
    '-l',
    join(root, 'log'),
    '-o',
    `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    '-w',
    'start',
  ]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    url,
    port,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      const client = psql ?? 'psql';
      run(client, [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-c',
        `create database ${name}`,
      ]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
