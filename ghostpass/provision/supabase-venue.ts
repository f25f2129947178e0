/**
 * The venue half of the supabase-js store: entry config, gateways, items. Each is "read what
 * exists by natural key (venue, venue + name), insert only the missing rows in one POST, read
 * again": a POST is one statement, so a batch is all or nothing, and a re-run after a lost
 * answer finds the rows it wrote. Several rows of one name (another tool's duplicates) are
 * tolerated: the smallest id wins, as in pg-store.ts. Columns are pg-store.ts's, so both stores
 * write the same rows.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { rows } from '../supabase/client.js';
import type { TargetItem } from '../target.js';
import type { EntryConfigPlan, GatewayPlan, VenuePlan } from './plan.js';
import type { Ensured } from './store.js';

interface ConfigRow {
  initial_entry_fee_cents: number | null;
  venue_reentry_fee_cents: number | null;
  valid_reentry_scan_fee_cents: number | null;
  max_reentries: number | null;
}

export async function ensureEntryConfig(
  sb: SupabaseClient,
  label: string,
  v: VenuePlan,
): Promise<Ensured<EntryConfigPlan>> {
  const read = () =>
    rows<ConfigRow>(
      label,
      `venue_entry_configs of ${v.venueId}`,
      sb
        .from('venue_entry_configs')
        .select(
          'initial_entry_fee_cents, venue_reentry_fee_cents, valid_reentry_scan_fee_cents, max_reentries',
        )
        .eq('venue_id', v.venueId)
        .order('event_id')
        .limit(1),
    );
  let found = await read();
  let created = 0;
  if (found.length === 0) {
    const c = v.config;
    await rows(
      label,
      `insert venue_entry_configs ${v.venueId}`,
      sb
        .from('venue_entry_configs')
        .insert({
          venue_id: v.venueId,
          event_id: v.eventId,
          re_entry_allowed: true,
          initial_entry_fee_cents: c.initialEntryFeeCents,
          venue_reentry_fee_cents: c.venueReentryFeeCents,
          valid_reentry_scan_fee_cents: c.validReentryScanFeeCents,
          max_reentries: c.maxReentries,
        })
        .select('venue_id'),
    );
    created = 1;
    found = await read();
  }
  // An existing config is left as it is: seed never edits a venue.
  const row = found[0];
  return {
    created,
    value: {
      initialEntryFeeCents: Number(row?.initial_entry_fee_cents),
      venueReentryFeeCents: Number(row?.venue_reentry_fee_cents),
      validReentryScanFeeCents: Number(row?.valid_reentry_scan_fee_cents),
      maxReentries: Number(row?.max_reentries),
    },
  };
}

interface Named {
  id: string;
  name: string;
}

/** name → the smallest id of that name (rows ordered by id). */
function firstByName<R extends Named>(list: readonly R[]): Map<string, R> {
  const out = new Map<string, R>();
  for (const r of [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    if (!out.has(r.name)) out.set(r.name, r);
  return out;
}

export async function ensureGateways(
  sb: SupabaseClient,
  label: string,
  venueId: string,
  gateways: readonly GatewayPlan[],
): Promise<Ensured<Map<string, string>>> {
  const names = gateways.map((g) => g.name);
  const read = async () =>
    firstByName(
      await rows<Named>(
        label,
        `gateway_points of ${venueId}`,
        sb.from('gateway_points').select('id, name').eq('venue_id', venueId).in('name', names),
      ),
    );
  const have = await read();
  const missing = gateways
    .map((g, i) => ({ g, i }))
    .filter(({ g }) => !have.has(g.name))
    .map(({ g, i }) => ({
      venue_id: venueId,
      name: g.name,
      type: g.type,
      status: 'ENABLED',
      employee_name: `staff_${i + 1}`,
      employee_id: `staff_${i + 1}`,
    }));
  if (missing.length === 0)
    return { created: 0, value: new Map([...have].map(([n, r]) => [n, r.id])) };
  await rows(
    label,
    `insert gateway_points of ${venueId}`,
    sb.from('gateway_points').insert(missing).select('id'),
  );
  const after = await read();
  return { created: missing.length, value: new Map([...after].map(([n, r]) => [n, r.id])) };
}

interface ItemRow extends Named {
  price_cents: number;
}

export async function ensureItems(
  sb: SupabaseClient,
  label: string,
  v: VenuePlan,
): Promise<Ensured<TargetItem[]>> {
  const read = async () =>
    firstByName(
      await rows<ItemRow>(
        label,
        `vendor_items of ${v.venueId}`,
        sb
          .from('vendor_items')
          .select('id, name, price_cents')
          .eq('venue_id', v.venueId)
          .in(
            'name',
            v.items.map((i) => i.name),
          ),
      ),
    );
  const have = await read();
  const missing = v.items
    .filter((i) => !have.has(i.name))
    .map((i) => ({
      venue_id: v.venueId,
      name: i.name,
      price_cents: i.priceCents,
      category: i.category,
      available: true,
    }));
  const byName = missing.length === 0 ? have : await insertThenRead();
  async function insertThenRead() {
    await rows(
      label,
      `insert vendor_items of ${v.venueId}`,
      sb.from('vendor_items').insert(missing).select('id'),
    );
    return read();
  }
  const value = v.items.flatMap((i) => {
    const r = byName.get(i.name);
    return r ? [{ id: r.id, name: r.name, priceCents: Number(r.price_cents) }] : [];
  });
  return { created: missing.length, value };
}
