/**
 * `ghostfleet health --target URL|staging [--env-file .env.test] [--db URL] [--target-profile FILE]`:
 * is this GhostPass ready for a run? With `--target staging` the API is the env file's
 * API_BASE_URL (or the profile's baseUrl) and the database is checked through supabase-js
 * (SUPABASE_URL, SUPABASE_SERVICE_KEY of the env file) unless `--db` names its PostgreSQL. The
 * database (reachable, the invariants' tables and columns, the test data the env file names), the
 * API (a balance read as test wallet 1, in the profile's forms) and the Stripe webhook endpoint (a
 * mis-signed event gets 400, a signed harmless one is accepted). A ✓/✗ checklist; exit 3 on any ✗.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { ExitCodes } from '../../contract/exit-codes.js';
import { createGhostPassClient } from '../../ghostpass/client.js';
import { parseEnvFile, targetFromEnv } from '../../ghostpass/env-file.js';
import { apiChecks, webhookChecks } from '../../ghostpass/health/api.js';
import { type Check, fail, formatChecks, healthy, skip } from '../../ghostpass/health/check.js';
import { databaseChecks } from '../../ghostpass/health/database.js';
import type { ProvisionStore } from '../../ghostpass/provision/store.js';
import type { TargetIds } from '../../ghostpass/target.js';
import { type LoadedTargetProfile, loadTargetProfile } from '../../ghostpass/target-profile.js';
import type { CliIo } from '../io.js';
import { wholeNumber } from './seed.js';
import { openStore } from './staging.js';

export interface HealthFlags {
  target?: string;
  envFile: string;
  db?: string;
  wallets: string;
  timeout: string;
  targetProfile?: string;
}

function readTarget(flags: HealthFlags, io: CliIo, loaded: LoadedTargetProfile | null) {
  const path = resolve(io.cwd, flags.envFile);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `health needs the run's env file (ids, webhook secret): cannot read ${path} (pass --env-file)`,
      { cause: err },
    );
  }
  const vars = parseEnvFile(text);
  // As in `run` and `preflight`: --target, then the profile's baseUrl, then API_BASE_URL.
  if (flags.target && flags.target !== 'staging') vars.API_BASE_URL = flags.target;
  else if (loaded?.baseUrl) vars.API_BASE_URL = loaded.baseUrl;
  return targetFromEnv(vars);
}

async function dbChecks(
  flags: HealthFlags,
  io: CliIo,
  ids: TargetIds,
  wallets: number,
): Promise<Check[]> {
  if (flags.db === undefined && flags.target !== 'staging')
    return [skip('database', 'connect', 'no --db given (or --target staging)')];
  let store: ProvisionStore;
  try {
    store = await openStore(
      { ...flags, target: flags.db === undefined ? 'staging' : undefined },
      io,
      'health',
    );
  } catch (err) {
    return [fail('database', 'connect', (err as Error).message)];
  }
  try {
    return await databaseChecks(store, ids, wallets);
  } catch (err) {
    return [fail('database', 'query', (err as Error).message)];
  } finally {
    await store.close();
  }
}

export async function healthCommand(flags: HealthFlags, io: CliIo): Promise<number> {
  const wallets = wholeNumber(flags.wallets, '--wallets', 0, 1_000_000);
  const timeoutMs = wholeNumber(flags.timeout, '--timeout-ms', 100, 120_000);
  const loaded = flags.targetProfile
    ? await loadTargetProfile(resolve(io.cwd, flags.targetProfile))
    : null;
  const target = readTarget(flags, io, loaded);
  const checks = await dbChecks(flags, io, target.ids, wallets);
  const client = createGhostPassClient({
    baseUrl: target.baseUrl,
    timeoutMs,
    connections: 2,
    ...(loaded ? { profile: loaded.profile } : {}),
  });
  try {
    checks.push(...(await apiChecks(client)));
    checks.push(...(await webhookChecks(client, target.webhookSecret)));
  } finally {
    await client.close();
  }
  const good = healthy(checks);
  io.out(
    `health of ${target.baseUrl}\n${formatChecks(checks)}\n${good ? 'HEALTHY' : 'UNHEALTHY: fix every ✗ before a run'}\n`,
  );
  return good ? ExitCodes.Ok : ExitCodes.Unavailable;
}

export function registerHealth(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('health')
    .description(
      'check a GhostPass deployment before a run: database (schema, test data), API (a balance read), webhook endpoint (a mis-signed event must get 400); exit 3 on any ✗',
    )
    .option(
      '--target <url|staging>',
      'the GhostPass base URL (default API_BASE_URL of the env file); staging: that URL, and the database through supabase-js (SUPABASE_URL, SUPABASE_SERVICE_KEY)',
    )
    .option('--env-file <file>', "the run's ids and STRIPE_WEBHOOK_SECRET", '.env.test')
    .option('--db <postgres-url>', 'also check its database (a Supabase connection string works)')
    .option('--wallets <n>', 'test wallets the run needs', '1')
    .option('--timeout-ms <n>', 'per-request timeout', '10000')
    .option(
      '--target-profile <file>',
      'the target\'s paths, headers and body field names where they differ from GhostPass\'s (JSON; README "Target profiles")',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  ghostfleet health --target http://127.0.0.1:8787 --env-file .env.test --db postgres://postgres@127.0.0.1:5432/ghostpass\n  ghostfleet health --target staging --env-file .env.test',
    )
    .action(async (flags: { timeoutMs: string } & Omit<HealthFlags, 'timeout'>) =>
      setExit(await healthCommand({ ...flags, timeout: flags.timeoutMs }, io)),
    );
}
