/**
 * I4, I5, I6, I11 over REST rows: validation/invariants/i04, i05, i06, i11 evaluated here over
 * the entries at the run's venues, their debits (the SPEND rows whose `metadata.entry_id` names
 * them), the venues' configs and the gateways.
 */
import type { EntryRow } from './load.js';
import { groupBy, type RestContext, type RestInvariant } from './types.js';
import { distinct, hasKey, jsonText, likeRegExp } from './values.js';

/** WINDOW_ENTRIES: test wallets' entries at the run's venues since t0. */
export function windowEntries(ctx: RestContext): EntryRow[] {
  const t0 = BigInt(ctx.scope.t0.getTime()) * 1000n;
  const test = likeRegExp(ctx.scope.walletPattern);
  return ctx.data.venueEntries.filter((e) => test.test(e.wallet_binding_id) && e.ts >= t0);
}

export const I4: RestInvariant = {
  id: 'I4',
  async checks(ctx) {
    const test = likeRegExp(ctx.scope.walletPattern);
    const pairKey = (e: EntryRow) => JSON.stringify([e.wallet_binding_id, e.venue_id]);
    const pairs = new Set(windowEntries(ctx).map(pairKey));
    const entries = ctx.data.venueEntries.filter(
      (e) => test.test(e.wallet_binding_id) && pairs.has(pairKey(e)),
    );
    const dup = [
      ...groupBy(entries, (e) => JSON.stringify([e.wallet_binding_id, e.venue_id, e.entry_number])),
    ]
      .filter(([, es]) => es.length > 1)
      .map(([k, es]) => ({ pair_number: JSON.parse(k) as unknown, rows: es.length }));
    const byPair = [...groupBy(entries, pairKey)];
    const initials = byPair
      .map(([k, es]) => ({ k, n: es.filter((e) => e.entry_type === 'initial').length }))
      .filter((p) => p.n > 1)
      .map((p) => ({ pair: JSON.parse(p.k) as unknown, initial_rows: p.n }));
    const maxes = byPair
      .filter(([, es]) => Math.max(...es.map((e) => e.entry_number)) !== es.length)
      .map(([k, es]) => ({ pair: JSON.parse(k) as unknown, entries: es.length }));
    return [
      { problem: 'duplicate entry_number', rows: dup },
      { problem: "more than one 'initial' entry", rows: initials },
      { problem: 'max(entry_number) differs from the number of entries', rows: maxes },
    ];
  },
};

export const I5: RestInvariant = {
  id: 'I5',
  async checks(ctx) {
    const venues = new Set(ctx.scope.venueIds);
    // The debits of the window's entries are the test wallets' SPEND rows since t0 (written with
    // the entry); pg's I5 looks in every transaction (see the `validate --supabase` note).
    const spends = ctx.data.windowTx.filter((t) => t.type === 'SPEND');
    const debits = groupBy(
      spends.filter((t) => jsonText(t.metadata, 'entry_id') !== null),
      (t) => jsonText(t.metadata, 'entry_id') as string,
    );
    const noDebit = windowEntries(ctx)
      .filter((e) => {
        const d = debits.get(e.id) ?? [];
        return d.length !== 1 || distinct(d[0]?.amount_cents ?? null, e.total_fees_cents);
      })
      .map((e) => ({
        entry_id: e.id,
        wallet_binding_id: e.wallet_binding_id,
        debits: debits.get(e.id)?.length ?? 0,
      }));
    const claims = spends.filter(
      (t) => hasKey(t.metadata, 'entry_id') && (t.venue_id === null || venues.has(t.venue_id)),
    );
    const ids = claims.flatMap((t) => {
      const id = jsonText(t.metadata, 'entry_id');
      return id === null ? [] : [id];
    });
    const found = new Set(
      (await ctx.src.readIn<{ id: string }>('entry_events', 'id', 'id', ids)).map((e) => e.id),
    );
    const orphan = claims
      .filter((t) => {
        const id = jsonText(t.metadata, 'entry_id');
        return id === null || !found.has(id);
      })
      .map((t) => ({
        id: t.id,
        wallet_binding_id: t.wallet_binding_id,
        entry_id: jsonText(t.metadata, 'entry_id'),
      }));
    return [
      { problem: 'entry without exactly one debit of total_fees_cents', rows: noDebit },
      { problem: 'entry debit without its entry row', rows: orphan },
    ];
  },
};

interface ConfigRow {
  venue_id: string;
  initial_entry_fee_cents: number | null;
  venue_reentry_fee_cents: number | null;
  valid_reentry_scan_fee_cents: number | null;
}

const min = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length === 0 ? null : Math.min(...v);
};

export const I6: RestInvariant = {
  id: 'I6',
  async checks(ctx) {
    const configs = await ctx.src.readIn<ConfigRow>(
      'venue_entry_configs',
      'id, venue_id, initial_entry_fee_cents, venue_reentry_fee_cents, valid_reentry_scan_fee_cents',
      'venue_id',
      ctx.scope.venueIds,
    );
    const cfg = groupBy(configs, (c) => c.venue_id);
    const wrong = windowEntries(ctx).flatMap((e) => {
      const c = cfg.get(e.venue_id) ?? [];
      if (c.length > 1) return [];
      const initial = e.entry_type === 'initial';
      const xi = initial ? (min(c.map((x) => x.initial_entry_fee_cents)) ?? 2500) : 0;
      const xr = initial ? 0 : (min(c.map((x) => x.venue_reentry_fee_cents)) ?? 0);
      const xs = initial ? 0 : (min(c.map((x) => x.valid_reentry_scan_fee_cents)) ?? 25);
      const bad =
        distinct(e.initial_entry_fee_cents, xi) ||
        distinct(e.venue_reentry_fee_cents, xr) ||
        distinct(e.valid_reentry_scan_fee_cents, xs) ||
        distinct(e.total_fees_cents, xi + xr + xs) ||
        (e.entry_type !== null && e.entry_type !== 'initial' && e.entry_type !== 're_entry');
      return bad
        ? [{ entry_id: e.id, wallet_binding_id: e.wallet_binding_id, entry_type: e.entry_type }]
        : [];
    });
    const many = [...cfg]
      .filter(([, c]) => c.length > 1)
      .map(([venue, c]) => ({ venue_id: venue, configs: c.length }));
    return [
      { problem: 'entry fees differ from the venue config', rows: wrong },
      {
        problem: 'venue has more than one entry config (maybeSingle() errors; defaults apply)',
        rows: many,
      },
    ];
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const I11: RestInvariant = {
  id: 'I11',
  async checks(ctx) {
    const entries = windowEntries(ctx);
    const ids = entries.flatMap((e) =>
      e.gateway_id !== null && UUID.test(e.gateway_id) ? [e.gateway_id] : [],
    );
    const gateways = new Map(
      (
        await ctx.src.readIn<{ id: string; venue_id: string | null; type: string; status: string }>(
          'gateway_points',
          'id, venue_id, type, status',
          'id',
          ids,
        )
      ).map((g) => [g.id, g]),
    );
    const bad = entries
      .filter((e) => {
        const g = e.gateway_id === null ? undefined : gateways.get(e.gateway_id.toLowerCase());
        return (
          g === undefined ||
          distinct(g.venue_id, e.venue_id) ||
          g.type !== 'ENTRY_POINT' ||
          g.status !== 'ENABLED'
        );
      })
      .map((e) => ({
        entry_id: e.id,
        wallet_binding_id: e.wallet_binding_id,
        gateway_id: e.gateway_id,
      }));
    return [
      { problem: 'entry at a gateway that is not an enabled ENTRY_POINT of the venue', rows: bad },
    ];
  },
};
