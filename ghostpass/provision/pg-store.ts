/**
 * `ProvisionStore` over PostgreSQL (any `Db`: a pg Pool, a Supabase connection string, or the
 * sandbox's PGlite handle). GhostPass's schema has no unique index on a wallet's binding, a
 * gateway's or item's name, or `venue_entry_configs.venue_id` (supabase.sql), so nothing can
 * `ON CONFLICT`: every insert is `… where not exists (…)` on the natural key, inside a
 * transaction that first takes one advisory lock, so two seeds at once cannot both insert
 * (under READ COMMITTED each later statement sees what the lock holder committed).
 * Inserts name only columns both the real schema and the sandbox's correct schema have, and pass
 * values untyped so enum columns (gateway_type, gateway_status) accept them.
 */

import type { Db } from '../sandbox/db.js';
import { openPostgres } from '../sandbox/db-postgres.js';
import type { TargetItem } from '../target.js';
import { deleteTestRows } from './pg-rollback.js';
import { findTestData } from './pg-test-data.js';
import type { EntryConfigPlan, GatewayPlan, VenuePlan } from './plan.js';
import { TEST_WALLET_PATTERN } from './plan.js';
import { REQUIRED_SCHEMA } from './required-schema.js';
import type { Ensured, ProvisionStore, SchemaProblem, TableCount, WalletBatch } from './store.js';

/** One lock for every seed writer (the key is arbitrary but fixed: "ghostfleet seed"). */
const SEED_LOCK = 'select pg_advisory_xact_lock(hashtext($1))';
const SEED_LOCK_KEY = 'ghostfleet seed';

async function locked<R>(db: Db, fn: (tx: Db) => Promise<R>): Promise<R> {
  return db.transaction(async (tx) => {
    await tx.query(SEED_LOCK, [SEED_LOCK_KEY]);
    return fn(tx);
  });
}

export async function schemaProblems(db: Db): Promise<SchemaProblem[]> {
  const r = await db.query<{ table_name: string; column_name: string }>(
    `select table_name::text, column_name::text from information_schema.columns
     where table_schema = current_schema() and table_name = any($1::text[])`,
    [Object.keys(REQUIRED_SCHEMA)],
  );
  const have = new Map<string, Set<string>>();
  for (const row of r.rows) {
    const cols = have.get(row.table_name) ?? new Set<string>();
    cols.add(row.column_name);
    have.set(row.table_name, cols);
  }
  const problems: SchemaProblem[] = [];
  for (const [table, columns] of Object.entries(REQUIRED_SCHEMA)) {
    const cols = have.get(table);
    if (cols === undefined) problems.push({ table, missingColumns: [] });
    else {
      const missing = columns.filter((c) => !cols.has(c));
      if (missing.length > 0) problems.push({ table, missingColumns: missing });
    }
  }
  return problems;
}

async function ensureEntryConfig(db: Db, v: VenuePlan): Promise<Ensured<EntryConfigPlan>> {
  return locked(db, async (tx) => {
    const c = v.config;
    const ins = await tx.query(
      `insert into venue_entry_configs (venue_id, event_id, re_entry_allowed, initial_entry_fee_cents,
         venue_reentry_fee_cents, valid_reentry_scan_fee_cents, max_reentries)
       select $1, $2, true, $3, $4, $5, $6
       where not exists (select 1 from venue_entry_configs where venue_id = $1)
       returning venue_id`,
      [
        v.venueId,
        v.eventId,
        c.initialEntryFeeCents,
        c.venueReentryFeeCents,
        c.validReentryScanFeeCents,
        c.maxReentries,
      ],
    );
    // The config that is there (an existing one is left as it is: seed never edits a venue).
    const got = await tx.query<Record<string, number | string | null>>(
      `select initial_entry_fee_cents as i, venue_reentry_fee_cents as r,
         valid_reentry_scan_fee_cents as s, max_reentries as m
       from venue_entry_configs where venue_id = $1 order by event_id limit 1`,
      [v.venueId],
    );
    const row = got.rows[0] ?? {};
    return {
      created: ins.rows.length,
      value: {
        initialEntryFeeCents: Number(row.i),
        venueReentryFeeCents: Number(row.r),
        validReentryScanFeeCents: Number(row.s),
        maxReentries: Number(row.m),
      },
    };
  });
}

async function ensureGateways(
  db: Db,
  venueId: string,
  gateways: readonly GatewayPlan[],
): Promise<Ensured<Map<string, string>>> {
  return locked(db, async (tx) => {
    let created = 0;
    // One statement per gateway: a VALUES row types its parameters from the enum columns.
    for (const [i, g] of gateways.entries()) {
      const r = await tx.query(
        `insert into gateway_points (venue_id, name, type, status, employee_name, employee_id)
         select $1, $2, $3, 'ENABLED', $4, $4
         where not exists (select 1 from gateway_points where venue_id = $1 and name = $2)
         returning id`,
        [venueId, g.name, g.type, `staff_${i + 1}`],
      );
      created += r.rows.length;
    }
    const r = await tx.query<{ id: string; name: string }>(
      `select distinct on (name) id::text as id, name from gateway_points
       where venue_id = $1 and name = any($2::text[]) order by name, id`,
      [venueId, gateways.map((g) => g.name)],
    );
    return { created, value: new Map(r.rows.map((x) => [x.name, x.id])) };
  });
}

async function ensureItems(db: Db, v: VenuePlan): Promise<Ensured<TargetItem[]>> {
  return locked(db, async (tx) => {
    const ins = await tx.query(
      `insert into vendor_items (venue_id, name, price_cents, category, available)
       select $1, i.name, i.price, i.category, true
       from unnest($2::text[], $3::int[], $4::text[]) as i(name, price, category)
       where not exists (select 1 from vendor_items x where x.venue_id = $1 and x.name = i.name)
       returning id`,
      [
        v.venueId,
        v.items.map((i) => i.name),
        v.items.map((i) => i.priceCents),
        v.items.map((i) => i.category),
      ],
    );
    const r = await tx.query<{ id: string; name: string; price_cents: number | string }>(
      `select distinct on (name) id::text as id, name, price_cents from vendor_items
       where venue_id = $1 and name = any($2::text[]) order by name, id`,
      [v.venueId, v.items.map((i) => i.name)],
    );
    const byName = new Map(r.rows.map((x) => [x.name, x]));
    const value = v.items.flatMap((i) => {
      const row = byName.get(i.name);
      return row ? [{ id: row.id, name: row.name, priceCents: Number(row.price_cents) }] : [];
    });
    return { created: ins.rows.length, value };
  });
}

async function ensureWallets(
  db: Db,
  from: number,
  to: number,
  opening: number,
  topUp: boolean,
): Promise<WalletBatch> {
  return locked(db, async (tx) => {
    // A new wallet and its opening FUND row in one statement (I2 reconciles from it).
    const made = await tx.query(
      `with w as (
         insert into wallets (balance_cents, device_fingerprint, wallet_binding_id, device_bound, entry_count)
         select $1, 'device_test_' || g, 'wallet_test_' || g, true, 0
         from generate_series($2::int, $3::int) g
         where not exists (select 1 from wallets x where x.wallet_binding_id = 'wallet_test_' || g)
         returning id, balance_cents)
       insert into transactions (wallet_id, type, amount_cents, balance_before_cents,
         balance_after_cents, metadata)
       select id, 'FUND', balance_cents, 0, balance_cents, '{"opening":true,"seed":"ghostfleet"}'::jsonb
       from w returning 1`,
      [opening, from, to],
    );
    if (!topUp) return { created: made.rows.length, toppedUp: 0 };
    // A wallet an earlier run spent from is raised back to the opening balance, with the FUND
    // row that says so, so the ledger still reconciles (I2, I3).
    const topped = await tx.query(
      `with low as (
         select id, balance_cents as before from wallets
         where wallet_binding_id in (select 'wallet_test_' || g from generate_series($2::int, $3::int) g)
           and balance_cents < $1
         for update),
       upd as (update wallets w set balance_cents = $1, updated_at = clock_timestamp()
         from low where w.id = low.id returning w.id, low.before)
       insert into transactions (wallet_id, type, amount_cents, balance_before_cents,
         balance_after_cents, metadata)
       select id, 'FUND', $1 - before, before, $1, '{"top_up":true,"seed":"ghostfleet"}'::jsonb
       from upd returning 1`,
      [opening, from, to],
    );
    return { created: made.rows.length, toppedUp: topped.rows.length };
  });
}

/** A store over an open `Db`; `close` closes it. */
export function pgStore(db: Db, label: string): ProvisionStore {
  return {
    label,
    schemaProblems: () => schemaProblems(db),
    ensureEntryConfig: (v) => ensureEntryConfig(db, v),
    ensureGateways: (venueId, g) => ensureGateways(db, venueId, g),
    ensureItems: (v) => ensureItems(db, v),
    ensureWallets: (from, to, opening, topUp) => ensureWallets(db, from, to, opening, topUp),
    countTestWallets: async () => {
      const r = await db.query<{ n: number | string }>(
        'select count(distinct wallet_binding_id) as n from wallets where wallet_binding_id ~ $1',
        [TEST_WALLET_PATTERN],
      );
      return Number(r.rows[0]?.n ?? 0);
    },
    findTestData: (ids) => findTestData(db, ids),
    deleteTestData: (venueIds): Promise<TableCount[]> =>
      db.transaction((tx) => deleteTestRows(tx, venueIds)),
    close: () => db.close(),
  };
}

/** The URL without its password (never print a secret). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable database URL)';
  }
}

/** Opens a pool on `url` (GF_DATABASE naming the redacted URL when it cannot). */
export async function openPgStore(url: string): Promise<ProvisionStore & { db: Db }> {
  const db = await openPostgres(url, { max: 4 });
  return Object.assign(pgStore(db, redactUrl(url)), { db });
}
