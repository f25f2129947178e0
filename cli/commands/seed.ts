/**
 * `ghostfleet seed --db postgres://… [--wallets 5000] [--venue ID] [--batch 500]`: test data for a
 * run against a GhostPass PostgreSQL (a Supabase connection string too), through
 * ghostpass/provision/. Idempotent and resumable; progress on stderr (a `\r` bar on a terminal,
 * a line per batch otherwise); writes the `.env.test` the run needs to a 0600 file it names.
 * The database password and the webhook secret are never printed.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { ExitCodes } from '../../contract/exit-codes.js';
import { formatEnvFile } from '../../ghostpass/env-write.js';
import { openPgStore } from '../../ghostpass/provision/pg-store.js';
import { DEFAULT_TEST_VENUE, seedPlan } from '../../ghostpass/provision/plan.js';
import { type SeedProgress, seed } from '../../ghostpass/provision/seed.js';
import { applySchema } from '../../ghostpass/sandbox/schema.js';
import type { CliIo } from '../io.js';

export interface SeedFlags {
  db?: string;
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

export async function seedCommand(flags: SeedFlags, io: CliIo): Promise<number> {
  const url = requireDb(flags.db, 'seed');
  const wallets = wholeNumber(flags.wallets, '--wallets', 0, 1_000_000);
  const batch = wholeNumber(flags.batch, '--batch', 1, 10_000);
  const opening = wholeNumber(flags.openingCents, '--opening-cents', 0, 100_000_000);
  const plan = seedPlan({
    venueId: flags.venue,
    ...(flags.event ? { eventId: flags.event } : {}),
    wallets,
    openingBalanceCents: opening,
  });
  const store = await openPgStore(url);
  try {
    if (flags.createSchema) await applySchema(store.db, 'ghostpass');
    io.err(`seeding ${store.label}: venue ${plan.venue.venueId}, ${wallets} wallets…\n`);
    const r = await seed(store, plan, {
      batch,
      topUp: flags.topUp,
      onProgress: progressWriter(io),
    });
    const envPath = resolve(io.cwd, flags.envOut);
    const secret = io.env.STRIPE_WEBHOOK_SECRET;
    writeFileSync(
      envPath,
      formatEnvFile(
        { baseUrl: flags.api ?? '', ids: r.ids, ...(secret ? { webhookSecret: secret } : {}) },
        `ghostfleet seed of ${store.label} — ids for ghostfleet run --target`,
      ),
      { mode: 0o600 },
    );
    chmodSync(envPath, 0o600);
    const c = r.created;
    io.out(
      [
        `seeded ${store.label}`,
        `  venue ${r.ids.venueId} (event ${r.ids.eventId}), zero-fee venue ${r.ids.zeroFeeVenue?.venueId}`,
        `  new rows: ${c.configs} entry configs, ${c.gateways} gateways, ${c.items} items, ${c.wallets} wallets (+${c.wallets} opening FUND rows)`,
        `  topped up: ${r.toppedUp} wallets; test wallets now: ${r.testWallets}`,
        `env file (0600): ${envPath}${flags.api ? '' : ' — add API_BASE_URL=<the deployment> (or pass --api)'}`,
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
      'seed a GhostPass PostgreSQL with test data: wallets (each with an opening FUND row), the test venue, 2 doors + 4 concession gateways, items, entry config; idempotent and resumable',
    )
    .option('--db <postgres-url>', 'the GhostPass database (a Supabase connection string works)')
    .option('--wallets <n>', 'test wallets wallet_test_1..N', '5000')
    .option(
      '--venue <id>',
      'the test venue id (its zero-fee sibling is <id>_zero_fee)',
      DEFAULT_TEST_VENUE,
    )
    .option('--event <id>', 'the test event id (default <venue>_event)')
    .option('--batch <n>', 'wallets per transaction', '500')
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
      '\nExample:\n  ghostfleet seed --db postgres://postgres@127.0.0.1:5432/ghostpass --wallets 5000 --api https://staging.example.com\n' +
        'STRIPE_WEBHOOK_SECRET in the environment is copied into the env file (never printed).',
    )
    .action(async (flags: SeedFlags) => setExit(await seedCommand(flags, io)));
}
