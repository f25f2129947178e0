/**
 * Removes what a seed and the runs over it wrote, and nothing else: the test venues' rows
 * (gateways, items, entry config, and every entry and ledger row at those venues) and the test
 * wallets' rows (`wallet_test_N`: the wallet, its ledger, its entries, its checkout sessions, its
 * audit rows). Children before parents (entry_events → gateway_points and wallets,
 * transactions → wallets). A table the database does not have (the sandbox's own
 * `sandbox_checkout_sessions` on a staging database) is skipped. The caller runs it in one
 * transaction: any failure (a foreign key from a table this does not know) rolls all of it back.
 */
import type { Db } from '../sandbox/db.js';
import { TEST_WALLET_PATTERN } from './plan.js';
import type { TableCount } from './store.js';

/** $1: venue ids, $2: the test wallet pattern. `tw`: the test wallets' ids. */
const TEST_WALLETS = 'select id from wallets where wallet_binding_id ~ $2';

const STEPS: readonly { table: string; where: string }[] = [
  {
    table: 'entry_events',
    where: `venue_id = any($1::text[]) or wallet_binding_id ~ $2 or wallet_id in (${TEST_WALLETS})`,
  },
  {
    table: 'transactions',
    where: `venue_id = any($1::text[]) or wallet_id in (${TEST_WALLETS})`,
  },
  {
    table: 'audit_logs',
    where: `resource_id = any($1::text[]) or resource_id ~ $2
      or resource_id in (select id::text from wallets where wallet_binding_id ~ $2)
      or metadata->>'venue_id' = any($1::text[]) or metadata->>'wallet_binding_id' ~ $2`,
  },
  {
    table: 'sandbox_checkout_sessions',
    where: 'wallet_binding_id ~ $2 and $1::text[] is not null',
  },
  { table: 'wallets', where: 'wallet_binding_id ~ $2 and $1::text[] is not null' },
  { table: 'vendor_items', where: 'venue_id = any($1::text[]) and $2::text is not null' },
  { table: 'gateway_points', where: 'venue_id = any($1::text[]) and $2::text is not null' },
  { table: 'venue_entry_configs', where: 'venue_id = any($1::text[]) and $2::text is not null' },
];

export async function deleteTestRows(tx: Db, venueIds: readonly string[]): Promise<TableCount[]> {
  const present = await tx.query<{ t: string }>(
    `select c.relname::text as t from pg_class c
     where c.relkind = 'r' and c.relnamespace = current_schema()::regnamespace
       and c.relname = any($1::text[])`,
    [STEPS.map((s) => s.table)],
  );
  const have = new Set(present.rows.map((r) => r.t));
  const counts: TableCount[] = [];
  for (const step of STEPS) {
    if (!have.has(step.table)) continue;
    const r = await tx.query<{ n: number | string }>(
      `with d as (delete from ${step.table} where ${step.where} returning 1)
       select count(*) as n from d`,
      [[...venueIds], TEST_WALLET_PATTERN],
    );
    counts.push({ table: step.table, rows: Number(r.rows[0]?.n ?? 0) });
  }
  return counts;
}
