/**
 * `ghostfleet rollback --db URL [--venue ID]`: deletes what `seed` and the runs over it wrote —
 * the test venue's (and its zero-fee sibling's) rows and the `wallet_test_N` wallets' rows — in
 * one transaction, printing a count per table. Nothing else is touched; a second run deletes 0.
 */
import type { Command } from 'commander';
import { ExitCodes } from '../../contract/exit-codes.js';
import { openPgStore } from '../../ghostpass/provision/pg-store.js';
import { DEFAULT_TEST_VENUE, testVenues } from '../../ghostpass/provision/plan.js';
import type { CliIo } from '../io.js';
import { requireDb } from './seed.js';
import { formatTable } from './table.js';

export interface RollbackFlags {
  db?: string;
  venue: string;
}

export async function rollbackCommand(flags: RollbackFlags, io: CliIo): Promise<number> {
  const url = requireDb(flags.db, 'rollback');
  const venues = testVenues(flags.venue);
  const store = await openPgStore(url);
  try {
    const counts = await store.deleteTestData(venues);
    const total = counts.reduce((s, c) => s + c.rows, 0);
    io.out(
      `rolled back ${store.label}: venues ${venues.join(', ')} and the wallet_test_N wallets\n\n` +
        `${formatTable(
          ['table', 'deleted'],
          counts.map((c) => [c.table, String(c.rows)]),
        )}\n${total} rows deleted in one transaction\n`,
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
      "delete only the test data: the test venue's rows (gateways, items, entry config, entries, ledger rows) and the wallet_test_N wallets' rows, in one transaction",
    )
    .option('--db <postgres-url>', 'the GhostPass database (a Supabase connection string works)')
    .option(
      '--venue <id>',
      'the test venue seed used (its <id>_zero_fee sibling goes too)',
      DEFAULT_TEST_VENUE,
    )
    .addHelpText(
      'after',
      '\nExample:\n  ghostfleet rollback --db postgres://postgres@127.0.0.1:5432/ghostpass',
    )
    .action(async (flags: RollbackFlags) => setExit(await rollbackCommand(flags, io)));
}
