/**
 * `ghostfleet preflight --target URL [--env-file .env.test] [--db URL | --supabase] [--prometheus URL]
 * [--grafana URL]`: the protocol's pre-test checklist (ghostpass/preflight/). ✓/✗/— lines, then
 * what a person must tick; `--json` prints the same as JSON. Exit 3 when a machine check fails.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { ExitCodes } from '../../contract/exit-codes.js';
import { createGhostPassClient } from '../../ghostpass/client.js';
import { parseEnvFile, targetFromEnv } from '../../ghostpass/env-file.js';
import { listIndexes } from '../../ghostpass/preflight/indexes.js';
import {
  formatPreflight,
  type PreflightInputs,
  runPreflight,
} from '../../ghostpass/preflight/preflight.js';
import { openPgStore } from '../../ghostpass/provision/pg-store.js';
import type { ProvisionStore } from '../../ghostpass/provision/store.js';
import type { Db } from '../../ghostpass/sandbox/db.js';
import { loadTargetProfile } from '../../ghostpass/target-profile.js';
import type { CliIo } from '../io.js';
import { requireDb, wholeNumber } from './seed.js';
import { openStore } from './staging.js';

export interface PreflightFlags {
  target?: string;
  targetProfile?: string;
  envFile: string;
  db?: string;
  /** The database through supabase-js (SUPABASE_URL + SUPABASE_SERVICE_KEY of the env file). */
  supabase?: boolean;
  wallets: string;
  prometheus?: string;
  grafana?: string;
  json?: boolean;
  timeoutMs: string;
}

function readEnv(flags: PreflightFlags, io: CliIo): Record<string, string> {
  const path = resolve(io.cwd, flags.envFile);
  try {
    return parseEnvFile(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `preflight needs the run's env file (ids, webhook secret): cannot read ${path} (pass --env-file)`,
      { cause: err },
    );
  }
}

function urlFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    if (/^https?:$/.test(new URL(value).protocol)) return value;
  } catch {}
  throw new GhostfleetError(ErrorCodes.BadArgument, `${flag} must be an http(s) URL`);
}

type Store = ProvisionStore & { db?: Db };

export async function preflightCommand(flags: PreflightFlags, io: CliIo): Promise<number> {
  const walletsNeeded = wholeNumber(flags.wallets, '--wallets', 0, 1_000_000);
  const timeoutMs = wholeNumber(flags.timeoutMs, '--timeout-ms', 100, 120_000);
  const prometheusUrl = urlFlag(flags.prometheus, '--prometheus');
  const grafanaUrl = urlFlag(flags.grafana, '--grafana');
  const loaded = flags.targetProfile
    ? await loadTargetProfile(resolve(io.cwd, flags.targetProfile))
    : null;
  const env = readEnv(flags, io);
  // As in `run`: --target, then the profile's baseUrl, then the env file's API_BASE_URL.
  const base = flags.target ?? loaded?.baseUrl ?? env.API_BASE_URL;
  const target = targetFromEnv({ ...env, ...(base ? { API_BASE_URL: base } : {}) });
  let store: Store | null = null;
  let connectProblem: string | null = null;
  if (flags.db !== undefined && flags.supabase) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      'preflight takes --db or --supabase, not both',
    );
  }
  if (flags.db !== undefined || flags.supabase) {
    try {
      store =
        flags.db !== undefined
          ? await openPgStore(requireDb(flags.db, 'preflight'))
          : await openStore(
              { target: 'staging', envFile: flags.envFile },
              io,
              'preflight --supabase',
            );
    } catch (err) {
      if (err instanceof GhostfleetError && err.code === ErrorCodes.BadArgument) throw err;
      connectProblem = (err as Error).message;
    }
  }
  const client = createGhostPassClient({
    baseUrl: target.baseUrl,
    timeoutMs,
    connections: 2,
    ...(loaded ? { profile: loaded.profile } : {}),
  });
  const opened = store;
  const inputs: PreflightInputs = {
    target: target.baseUrl,
    ids: target.ids,
    walletsNeeded,
    client,
    store: opened,
    // Indexes are read from the catalog: over PostgREST (--supabase) they cannot be, and say so.
    indexes: opened?.db ? () => listIndexes(opened.db as Db) : null,
    env,
    ...(connectProblem !== null ? { storeProblem: connectProblem } : {}),
    ...(target.webhookSecret ? { webhookSecret: target.webhookSecret } : {}),
    ...(prometheusUrl ? { prometheusUrl } : {}),
    ...(grafanaUrl ? { grafanaUrl } : {}),
  };
  try {
    const report = await runPreflight(inputs);
    io.out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatPreflight(report));
    return report.passed ? ExitCodes.Ok : ExitCodes.Unavailable;
  } finally {
    await client.close();
    await store?.close();
  }
}

export function registerPreflight(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  program
    .command('preflight')
    .description(
      "the protocol's pre-test checklist: test data seeded, indexes on the invariants' columns, API and webhook endpoint, Stripe test mode, dashboards (✓/✗/—), then what a person must tick; exit 3 on any ✗",
    )
    .option('--target <url>', 'the GhostPass base URL (default API_BASE_URL of the env file)')
    .option('--target-profile <file>', "the target's paths, headers and body field names (JSON)")
    .option(
      '--env-file <file>',
      "the run's ids, STRIPE_WEBHOOK_SECRET, STRIPE_TEST_KEY",
      '.env.test',
    )
    .option(
      '--db <postgres-url>',
      'its database: test data and indexes (a Supabase connection string works)',
    )
    .option(
      '--supabase',
      'its database through supabase-js: SUPABASE_URL + SUPABASE_SERVICE_KEY of the env file (indexes need --db)',
    )
    .option('--wallets <n>', 'test wallets the run needs', '5000')
    .option('--prometheus <url>', 'check that this Prometheus is ready (/-/ready)')
    .option('--grafana <url>', 'check that this Grafana is healthy (/api/health)')
    .option('--json', 'print the checks as JSON')
    .option('--timeout-ms <n>', 'per-request timeout', '10000')
    .addHelpText(
      'after',
      '\nExample:\n  ghostfleet preflight --target http://127.0.0.1:8787 --env-file .env.test --db postgres://postgres@127.0.0.1:5432/ghostpass --prometheus http://127.0.0.1:9090',
    )
    .action(async (flags: PreflightFlags) => setExit(await preflightCommand(flags, io)));
}
