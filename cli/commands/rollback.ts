/**
 * `ghostfleet rollback --db URL | --target staging --env-file FILE [--venue ID]`: deletes what
 * `seed` and the runs over it wrote — the test venue's (and its zero-fee sibling's) rows and the
 * `wallet_test_N` wallets' rows — printing a count per table. Nothing else is touched; a second
 * run deletes 0. Over SQL it is one transaction; over supabase-js (no transactions) it deletes
 * children before parents, so a rollback cut short is finished by the next.
 */
import type { Command } from 'commander';
import { ExitCodes } from '../../contract/exit-codes.js';
import { DEFAULT_TEST_VENUE, testVenues } from '../../ghostpass/provision/plan.js';
import type { CliIo } from '../io.js';
import { openStore } from './staging.js';
import { formatTable } from './table.js';

export interface RollbackFlags {
  db?: string;
  target?: string;
  envFile?: string;
  venue: string;
}

export async function rollbackCommand(flags: RollbackFlags, io: CliIo): Promise<number> {
  const venues = testVenues(flags.venue);
  const store = await openStore(flags, io, 'rollback');
  try {
    const counts = await store.deleteTestData(venues);
    const total = counts.reduce((s, c) => s + c.rows, 0);
    const how = store.staging
      ? 'through PostgREST, children first (no transaction: a re-run finishes a cut one)'
      : 'in one transaction';
    io.out(
      `rolled back ${store.label}: venues ${venues.join(', ')} and the wallet_test_N wallets\n\n` +
        `${formatTable(
          ['table', 'deleted'],
          counts.map((c) => [c.table, String(c.rows)]),
        )}\n${total} rows deleted ${how}\n`,
    );
    return ExitCodes.Ok;
  } finally {
    await store.close();
  }
}

export function registerRollback(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  program
    .command('rollback')
    .description(
      "delete only the test data (--db postgres://… or --target staging): the test venue's rows (gateways, items, entry config, entries, ledger rows) and the wallet_test_N wallets' rows",
    )
    .option('--db <postgres-url>', 'the GhostPass database (a Supabase connection string works)')
    .option(
      '--target <staging>',
      'staging: delete through supabase-js (SUPABASE_URL, SUPABASE_SERVICE_KEY of --env-file)',
    )
    .option('--env-file <file>', 'with --target staging: the env file', '.env.test')
    .option(
      '--venue <id>',
      'the test venue seed used (its <id>_zero_fee sibling goes too)',
      DEFAULT_TEST_VENUE,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  ghostfleet rollback --db postgres://postgres@127.0.0.1:5432/ghostpass\n  ghostfleet rollback --target staging --env-file .env.test',
    )
    .action(async (flags: RollbackFlags) => setExit(await rollbackCommand(flags, io)));
}
