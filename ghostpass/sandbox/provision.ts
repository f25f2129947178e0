/**
 * Test data for a run: one venue and event with the pilot's entry config, 2 doors, 4 concession
 * points, the 6 pilot items, N wallets `wallet_test_1..N` / `device_test_1..N`, each with an
 * opening FUND row so the ledger reconciles from zero (I2, I3), and a second, free venue (every
 * fee configured as 0) with one door, for GhostPass defect 8. Bulk SQL with generate_series:
 * 5,000 wallets in one statement, not 5,000 round trips. The statements suit both modes' schemas
 * (schema/): parameters take the target column's type, so enum columns accept them too.
 */
import { randomUUID } from 'node:crypto';
import { PILOT_ITEMS, type TargetIds } from '../target.js';
import type { Db } from './db.js';
import type { SandboxMode } from './mode.js';
import { applySchema } from './schema.js';

export interface ProvisionOptions {
  wallets: number;
  /** Opening balance per wallet (default 10000 cents). */
  openingBalanceCents?: number;
  /** Whose schema to create (default correct). */
  mode?: SandboxMode;
}

/** The pilot seed's fees (GHOSTPASS.md "Entry scan"): initial 2500, re-entry 1000 + 25 scan fee. */
export const PILOT_ENTRY_CONFIG = {
  initialEntryFeeCents: 2500,
  venueReentryFeeCents: 1000,
  validReentryScanFeeCents: 25,
  maxReentries: 25,
} as const;

/** The free venue: every fee 0, which GhostPass's `fee || default` turns into 2500 and 25. */
export const ZERO_FEE_ENTRY_CONFIG = {
  initialEntryFeeCents: 0,
  venueReentryFeeCents: 0,
  validReentryScanFeeCents: 0,
  maxReentries: 25,
} as const;

/** vendor_items.category is required by GhostPass's schema (vendor_items_schema.sql). */
const CATEGORY: Readonly<Record<string, string>> = {
  Beer: 'BEVERAGE',
  Cocktail: 'BEVERAGE',
  Soda: 'BEVERAGE',
};

type EntryConfig = typeof PILOT_ENTRY_CONFIG | typeof ZERO_FEE_ENTRY_CONFIG;

async function insertVenue(tx: Db, venueId: string, eventId: string, c: EntryConfig) {
  await tx.query(
    `insert into venue_entry_configs (venue_id, event_id, re_entry_allowed, initial_entry_fee_cents,
       venue_reentry_fee_cents, valid_reentry_scan_fee_cents, max_reentries)
     values ($1, $2, true, $3, $4, $5, $6)`,
    [
      venueId,
      eventId,
      c.initialEntryFeeCents,
      c.venueReentryFeeCents,
      c.validReentryScanFeeCents,
      c.maxReentries,
    ],
  );
}

/** Inserts gateways (one VALUES row each, so enum columns type the parameters); ids by name. */
async function insertGateways(
  tx: Db,
  venueId: string,
  gateways: readonly { name: string; type: 'ENTRY_POINT' | 'INTERNAL_AREA' }[],
): Promise<{ id: string; type: string }[]> {
  const params: unknown[] = [venueId];
  const rows = gateways.map((g, i) => {
    params.push(g.name, g.type, `staff_${i + 1}`);
    const b = 1 + i * 3;
    return `($1, $${b + 1}, $${b + 2}, 'ENABLED', $${b + 3}, $${b + 3})`;
  });
  await tx.query(
    `insert into gateway_points (venue_id, name, type, status, employee_name, employee_id)
     values ${rows.join(', ')}`,
    params,
  );
  // door-1 → entryGateways[0], concession-1 → concessionGateways[0]: order by name.
  const named = await tx.query<{ id: string; type: string }>(
    'select id::text as id, type::text as type from gateway_points where venue_id = $1 order by name',
    [venueId],
  );
  return named.rows;
}

export async function provision(db: Db, opts: ProvisionOptions): Promise<TargetIds> {
  const wallets = opts.wallets;
  const opening = opts.openingBalanceCents ?? 10_000;
  if (!Number.isInteger(wallets) || wallets < 0)
    throw new RangeError('wallets must be an integer >= 0');
  if (!Number.isInteger(opening) || opening < 0)
    throw new RangeError('openingBalanceCents must be >= 0');
  await applySchema(db, opts.mode ?? 'correct');
  const venueId = `venue_${randomUUID()}`;
  const eventId = `event_${randomUUID()}`;
  const freeVenueId = `venue_free_${randomUUID()}`;
  const freeEventId = `event_free_${randomUUID()}`;

  return db.transaction(async (tx) => {
    await insertVenue(tx, venueId, eventId, PILOT_ENTRY_CONFIG);
    const named = await insertGateways(tx, venueId, [
      { name: 'door-1', type: 'ENTRY_POINT' },
      { name: 'door-2', type: 'ENTRY_POINT' },
      ...[1, 2, 3, 4].map((n) => ({ name: `concession-${n}`, type: 'INTERNAL_AREA' as const })),
    ]);
    await insertVenue(tx, freeVenueId, freeEventId, ZERO_FEE_ENTRY_CONFIG);
    const free = await insertGateways(tx, freeVenueId, [
      { name: 'zero-fee-door-1', type: 'ENTRY_POINT' },
    ]);
    const items = await tx.query<{ id: string; name: string; price_cents: number | string }>(
      `insert into vendor_items (venue_id, name, price_cents, category, available)
       select $1, i.name, i.price, i.category, true
       from unnest($2::text[], $3::bigint[], $4::text[]) as i(name, price, category)
       returning id::text as id, name, price_cents`,
      [
        venueId,
        PILOT_ITEMS.map((i) => i.name),
        PILOT_ITEMS.map((i) => i.priceCents),
        PILOT_ITEMS.map((i) => CATEGORY[i.name] ?? 'FOOD'),
      ],
    );
    // Wallets that already exist (a second venue on the same database) keep their balance and
    // get no second opening row. NOT EXISTS, not ON CONFLICT: GhostPass's wallets table has no
    // unique index to conflict on.
    await tx.query(
      `with w as (
         insert into wallets (balance_cents, device_fingerprint, wallet_binding_id, device_bound, entry_count)
         select $1, 'device_test_' || g, 'wallet_test_' || g, true, 0
         from generate_series(1, $2::int) g
         where not exists (select 1 from wallets x where x.wallet_binding_id = 'wallet_test_' || g)
         returning id, balance_cents)
       insert into transactions (wallet_id, type, amount_cents, balance_before_cents,
         balance_after_cents, metadata)
       select id, 'FUND', balance_cents, 0, balance_cents, '{"opening":true}'::jsonb from w`,
      [opening, wallets],
    );
    const order = PILOT_ITEMS.map((p) => p.name);
    const itemRows = [...items.rows].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    return {
      venueId,
      eventId,
      entryGateways: named.filter((g) => g.type === 'ENTRY_POINT').map((g) => g.id),
      concessionGateways: named.filter((g) => g.type === 'INTERNAL_AREA').map((g) => g.id),
      items: itemRows.map((r) => ({ id: r.id, name: r.name, priceCents: Number(r.price_cents) })),
      zeroFeeVenue: {
        venueId: freeVenueId,
        eventId: freeEventId,
        entryGateways: free.map((g) => g.id),
      },
    };
  });
}
