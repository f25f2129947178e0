/**
 * `ghostfleet seed --db postgres://… | --target staging --env-file FILE [--wallets 5000]
 * [--venue ID] [--batch 500]`: test data for a run against a GhostPass PostgreSQL (a Supabase
 * connection string too) or, with `--target staging`, through supabase-js on the env file's
 * SUPABASE_URL with SUPABASE_SERVICE_KEY (ghostpass/provision/supabase-store.ts). Idempotent and
 * resumable; progress on stderr (a `\r` bar on a terminal, a line per batch otherwise); writes the
 * `.env.test` the run needs to a 0600 file it names. The database password, the service key and
 * the webhook secret are never printed.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { ExitCodes } from '../../contract/exit-codes.js';
import { formatEnvFile } from '../../ghostpass/env-write.js';
import { DEFAULT_TEST_VENUE, seedPlan } from '../../ghostpass/provision/plan.js';
import { type SeedProgress, seed } from '../../ghostpass/provision/seed.js';
import { applySchema } from '../../ghostpass/sandbox/schema.js';
import type { CliIo } from '../io.js';
import { keepOtherVariables, openStore, readEnvVars } from './staging.js';

export interface SeedFlags {
  db?: string;
  target?: string;
  envFile?: string;
  wallets: string;
  venue: string;
  event?: string;
  batch: string;
  openingCents: string;
  envOut: string;
  api?: string;
  topUp: boolean;
  createSchema?: boolean;
}

export function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `${flag} must be a whole number ${min}..${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export function requireDb(db: string | undefined, verb: string): string {
  if (!db || !/^postgres(ql)?:\/\//i.test(db)) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `${verb} needs --db postgres://… (the GhostPass database; a Supabase connection string works)${db ? `, got a value that is not a postgres:// URL` : ''}`,
    );
  }
  return db;
}

function progressWriter(io: CliIo): (p: SeedProgress) => void {
  return (p) => {
    const line = `wallets ${p.done}/${p.total} (${p.created} new, ${p.toppedUp} topped up)`;
    if (!io.errIsTTY) {
      io.err(`seed: ${line}\n`);
      return;
    }
    const width = 30;
    const filled = p.total === 0 ? width : Math.round((p.done / p.total) * width);
    io.err(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line}`);
    if (p.done >= p.total) io.err('\n');
  };
}

function envText(
  flags: SeedFlags,
  io: CliIo,
  label: string,
  ids: Awaited<ReturnType<typeof seed>>['ids'],
  staging: Record<string, string> | null,
): string {
  const secret = staging?.STRIPE_WEBHOOK_SECRET ?? io.env.STRIPE_WEBHOOK_SECRET;
  const api = flags.api ?? staging?.API_BASE_URL ?? '';
  const supabase = staging
    ? {
        supabase: {
          url: staging.SUPABASE_URL ?? '',
          ...(staging.SUPABASE_SERVICE_KEY ? { serviceKey: staging.SUPABASE_SERVICE_KEY } : {}),
          ...(staging.SUPABASE_ANON_KEY ? { anonKey: staging.SUPABASE_ANON_KEY } : {}),
        },
      }
    : {};
  const text = formatEnvFile(
    { baseUrl: api, ids, ...(secret ? { webhookSecret: secret } : {}), ...supabase },
    `ghostfleet seed of ${label} — ids for ghostfleet run --target`,
  );
  // Writing over the env file it read must lose none of its other variables.
  return staging ? keepOtherVariables(text, staging) : text;
}

export async function seedCommand(flags: SeedFlags, io: CliIo): Promise<number> {
  const wallets = wholeNumber(flags.wallets, '--wallets', 0, 1_000_000);
  const batch = wholeNumber(flags.batch, '--batch', 1, 10_000);
  const opening = wholeNumber(flags.openingCents, '--opening-cents', 0, 100_000_000);
  const plan = seedPlan({
    venueId: flags.venue,
    ...(flags.event ? { eventId: flags.event } : {}),
    wallets,
    openingBalanceCents: opening,
  });
  const store = await openStore(flags, io, 'seed');
  try {
    if (flags.createSchema) {
      if (store.db === undefined)
        throw new GhostfleetError(
          ErrorCodes.BadArgument,
          '--create-schema needs --db: PostgREST cannot create tables',
        );
      await applySchema(store.db, 'ghostpass');
    }
    io.err(`seeding ${store.label}: venue ${plan.venue.venueId}, ${wallets} wallets…\n`);
    const r = await seed(store, plan, {
      batch,
      topUp: flags.topUp,
      onProgress: progressWriter(io),
    });
    const envPath = resolve(io.cwd, flags.envOut);
    const staging = store.staging ? readEnvVars(io, flags.envFile ?? '.env.test', 'seed') : null;
    writeFileSync(envPath, envText(flags, io, store.label, r.ids, staging), { mode: 0o600 });
    chmodSync(envPath, 0o600);
    const c = r.created;
    const hasApi = flags.api ?? staging?.API_BASE_URL;
    io.out(
      [
        `seeded ${store.label}`,
        `  venue ${r.ids.venueId} (event ${r.ids.eventId}), zero-fee venue ${r.ids.zeroFeeVenue?.venueId}`,
        `  new rows: ${c.configs} entry configs, ${c.gateways} gateways, ${c.items} items, ${c.wallets} wallets (+${r.openings} opening FUND rows)`,
        `  topped up: ${r.toppedUp} wallets; test wallets now: ${r.testWallets}`,
        `env file (0600): ${envPath}${hasApi ? '' : ' — add API_BASE_URL=<the deployment> (or pass --api)'}`,
        '',
      ].join('\n'),
    );
    return ExitCodes.Ok;
  } finally {
    await store.close();
  }
}

export function registerSeed(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('seed')
    .description(
      'seed a GhostPass database (--db postgres://… or --target staging through supabase-js) with test data: wallets (each with an opening FUND row), the test venue, 2 doors + 4 concession gateways, items, entry config; idempotent and resumable',
    )
    .option('--db <postgres-url>', 'the GhostPass database (a Supabase connection string works)')
    .option(
      '--target <staging>',
      'staging: write through supabase-js (SUPABASE_URL, SUPABASE_SERVICE_KEY of --env-file)',
    )
    .option(
      '--env-file <file>',
      'with --target staging: the env file holding the Supabase URL and service key',
      '.env.test',
    )
    .option('--wallets <n>', 'test wallets wallet_test_1..N', '5000')
    .option(
      '--venue <id>',
      'the test venue id (its zero-fee sibling is <id>_zero_fee)',
      DEFAULT_TEST_VENUE,
    )
    .option('--event <id>', 'the test event id (default <venue>_event)')
    .option('--batch <n>', 'wallets per transaction (per POST with --target staging)', '500')
    .option('--opening-cents <n>', "each new wallet's opening balance", '10000')
    .option('--no-top-up', 'leave existing test wallets below the opening balance as they are')
    .option('--api <url>', 'API_BASE_URL to write into the env file')
    .option('--env-out <file>', 'where to write the env file (mode 0600)', '.env.test')
    .option(
      '--create-schema',
      "create GhostPass's tables first (an empty PostgreSQL as a stand-in)",
    )
    .addHelpText(
      'after',
      '\nExamples:\n  ghostfleet seed --db postgres://postgres@127.0.0.1:5432/ghostpass --wallets 5000 --api https://staging.example.com\n' +
        '  ghostfleet seed --target staging --env-file .env.test --wallets 5000\n' +
        'STRIPE_WEBHOOK_SECRET in the environment is copied into the env file (never printed).',
    )
    .action(async (flags: SeedFlags) => setExit(await seedCommand(flags, io)));
}
