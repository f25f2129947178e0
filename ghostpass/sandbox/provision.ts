/**
 * Test data for a run: one venue and event with the pilot's entry config, 2 doors, 4 concession
 * points, the 6 pilot items, and N wallets `wallet_test_1..N` / `device_test_1..N`, each with an
 * opening FUND row so the ledger reconciles from zero (I2, I3). Bulk SQL with generate_series:
 * 5,000 wallets in one statement, not 5,000 round trips.
 */
import { randomUUID } from 'node:crypto';
import { PILOT_ITEMS, type TargetIds } from '../target.js';
import type { Db } from './db.js';
import { applySchema } from './schema.js';

export interface ProvisionOptions {
  wallets: number;
  /** Opening balance per wallet (default 10000 cents). */
  openingBalanceCents?: number;
}

/** The pilot seed's fees (GHOSTPASS.md "Entry scan"): initial 2500, re-entry 1000 + 25 scan fee. */
export const PILOT_ENTRY_CONFIG = {
  initialEntryFeeCents: 2500,
  venueReentryFeeCents: 1000,
  validReentryScanFeeCents: 25,
  maxReentries: 25,
} as const;

export async function provision(db: Db, opts: ProvisionOptions): Promise<TargetIds> {
  const wallets = opts.wallets;
  const opening = opts.openingBalanceCents ?? 10_000;
  if (!Number.isInteger(wallets) || wallets < 0)
    throw new RangeError('wallets must be an integer >= 0');
  if (!Number.isInteger(opening) || opening < 0)
    throw new RangeError('openingBalanceCents must be >= 0');
  await applySchema(db);
  const venueId = `venue_${randomUUID()}`;
  const eventId = `event_${randomUUID()}`;

  return db.transaction(async (tx) => {
    const c = PILOT_ENTRY_CONFIG;
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
    await tx.query(
      `insert into gateway_points (venue_id, name, type, status)
       select $1, g.name, g.type, 'ENABLED' from unnest($2::text[], $3::text[]) as g(name, type)`,
      [
        venueId,
        ['door-1', 'door-2', 'concession-1', 'concession-2', 'concession-3', 'concession-4'],
        [
          'ENTRY_POINT',
          'ENTRY_POINT',
          'INTERNAL_AREA',
          'INTERNAL_AREA',
          'INTERNAL_AREA',
          'INTERNAL_AREA',
        ],
      ],
    );
    const items = await tx.query<{ id: string; name: string; price_cents: number | string }>(
      `insert into vendor_items (venue_id, name, price_cents, available)
       select $1, i.name, i.price, true from unnest($2::text[], $3::bigint[]) as i(name, price)
       returning id::text as id, name, price_cents`,
      [venueId, PILOT_ITEMS.map((i) => i.name), PILOT_ITEMS.map((i) => i.priceCents)],
    );
    // Wallets that already exist (a second venue on the same database) keep their balance and
    // get no second opening row.
    await tx.query(
      `with w as (
         insert into wallets (balance_cents, device_fingerprint, wallet_binding_id, device_bound)
         select $1, 'device_test_' || g, 'wallet_test_' || g, true from generate_series(1, $2::int) g
         on conflict do nothing
         returning id, balance_cents)
       insert into transactions (wallet_id, type, amount_cents, balance_before_cents,
         balance_after_cents, metadata)
       select id, 'FUND', balance_cents, 0, balance_cents, '{"opening":true}'::jsonb from w`,
      [opening, wallets],
    );
    // door-1 → entryGateways[0], concession-1 → concessionGateways[0]: order by name.
    const named = await tx.query<{ id: string; type: string }>(
      'select id::text as id, type from gateway_points where venue_id = $1 order by name',
      [venueId],
    );
    const order = PILOT_ITEMS.map((p) => p.name);
    const itemRows = [...items.rows].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    return {
      venueId,
      eventId,
      entryGateways: named.rows.filter((g) => g.type === 'ENTRY_POINT').map((g) => g.id),
      concessionGateways: named.rows.filter((g) => g.type === 'INTERNAL_AREA').map((g) => g.id),
      items: itemRows.map((r) => ({ id: r.id, name: r.name, priceCents: Number(r.price_cents) })),
    };
  });
}
