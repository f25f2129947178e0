/**
 * I7, I8, I12 over REST rows: validation/invariants/i07, i08, i12 evaluated here — purchase
 * arithmetic against the items, Stripe credits by session, audit rows by resource id.
 */
import { windowEntries } from './entry-checks.js';
import { groupBy, type RestInvariant } from './types.js';
import { distinct, hasKey, jsonNum, jsonText } from './values.js';

export const I7: RestInvariant = {
  id: 'I7',
  async checks(ctx) {
    const venues = new Set(ctx.scope.venueIds);
    const purchases = ctx.data.windowTx.filter(
      (t) =>
        t.type === 'SPEND' &&
        hasKey(t.metadata, 'item_id') &&
        (t.venue_id === null || venues.has(t.venue_id)),
    );
    const itemIds = purchases.flatMap((t) => {
      const id = jsonText(t.metadata, 'item_id');
      return id !== null && /^[0-9a-f-]{36}$/i.test(id) ? [id] : [];
    });
    const prices = new Map(
      (
        await ctx.src.readIn<{ id: string; price_cents: number }>(
          'vendor_items',
          'id, price_cents',
          'id',
          itemIds,
        )
      ).map((i) => [i.id, i.price_cents]),
    );
    const rows = purchases.flatMap((t) => {
      const q = jsonNum(t.metadata, 'quantity');
      const tip = jsonNum(t.metadata, 'tip_amount_cents') ?? 0;
      const unit = jsonNum(t.metadata, 'unit_price_cents');
      const sub = jsonNum(t.metadata, 'subtotal_cents');
      const item = prices.get(jsonText(t.metadata, 'item_id') ?? '');
      const times = (a: number | null, b: number | null) =>
        a === null || b === null ? null : a * b;
      const fee = sub === null ? null : Math.floor((sub * 2.5) / 100);
      const payout =
        sub === null || t.platform_fee_cents === null ? null : sub - t.platform_fee_cents;
      const problems = [
        q === null || q < 1 || !Number.isInteger(q) ? 'quantity < 1' : null,
        tip < 0 ? 'tip < 0' : null,
        distinct(sub, times(unit, q)) ? 'subtotal ≠ unit price × quantity' : null,
        item !== undefined && distinct(unit, item) ? 'unit price ≠ item price' : null,
        distinct(t.platform_fee_cents, fee) ? 'platform fee ≠ floor(subtotal × 2.5 %)' : null,
        distinct(t.vendor_payout_cents, payout) ? 'payout ≠ subtotal − fee' : null,
        distinct(t.amount_cents, sub === null ? null : sub + tip)
          ? 'charged ≠ subtotal + tip'
          : null,
      ].filter((p): p is string => p !== null);
      return problems.length > 0
        ? [{ id: t.id, wallet_binding_id: t.wallet_binding_id, problems }]
        : [];
    });
    return [{ problem: 'purchase arithmetic is wrong', rows }];
  },
};

export const I8: RestInvariant = {
  id: 'I8',
  async checks(ctx) {
    const credits = ctx.data.windowTx.filter((t) => t.type === 'FUND' && t.provider_tx_id !== null);
    const twice = [...groupBy(credits, (t) => t.provider_tx_id as string)]
      .filter(([, ts]) => ts.length > 1)
      .map(([id, ts]) => ({
        provider_tx_id: id,
        rows: ts.length,
        credited_cents: ts.reduce((s, t) => s + t.amount_cents, 0),
      }));
    const out = [{ problem: 'provider_tx_id credited more than once', rows: twice }];
    const sessions = ctx.scope.sessions;
    const pending = 'checkout session never credited (pending)';
    const amount = 'FUND amount differs from the session amount';
    if (sessions === undefined) {
      const why = "skipped (no list of the fleet's checkout sessions)";
      return [
        ...out,
        { problem: pending, rows: [], skipped: why },
        { problem: amount, rows: [], skipped: why },
      ];
    }
    const funds = await ctx.src.readIn<{
      id: string;
      provider_tx_id: string;
      amount_cents: number;
    }>(
      'transactions',
      'id, provider_tx_id, amount_cents',
      'provider_tx_id',
      sessions.map((s) => s.sessionId),
      [['eq', 'type', 'FUND']],
    );
    const by = groupBy(funds, (f) => f.provider_tx_id);
    return [
      ...out,
      {
        problem: pending,
        rows: sessions
          .filter((s) => !by.has(s.sessionId))
          .map((s) => ({ session_id: s.sessionId })),
      },
      {
        problem: amount,
        rows: sessions.flatMap((s) =>
          (by.get(s.sessionId) ?? [])
            .filter((f) => s.amountCents !== undefined && f.amount_cents !== s.amountCents)
            .map((f) => ({ session_id: s.sessionId, amount_cents: f.amount_cents, id: f.id })),
        ),
      },
    ];
  },
};

export const I12: RestInvariant = {
  id: 'I12',
  async checks(ctx) {
    const entries = windowEntries(ctx);
    const purchases = ctx.data.windowTx.filter(
      (t) => t.type === 'SPEND' && hasKey(t.metadata, 'item_id'),
    );
    const credits = ctx.data.windowTx.filter((t) => t.type === 'FUND' && t.provider_tx_id !== null);
    const keys = [
      ...entries.map((e) => e.id),
      ...purchases.map((t) => t.id),
      ...credits.map((t) => t.provider_tx_id as string),
    ];
    const audited = new Set(
      (
        await ctx.src.readIn<{ resource_id: string }>(
          'audit_logs',
          'id, resource_id',
          'resource_id',
          keys,
        )
      ).map((a) => a.resource_id),
    );
    return [
      {
        problem: 'entry without an audit row',
        rows: entries.filter((e) => !audited.has(e.id)).map((e) => ({ entry_id: e.id })),
      },
      {
        problem: 'purchase without an audit row',
        rows: purchases.filter((t) => !audited.has(t.id)).map((t) => ({ id: t.id })),
      },
      {
        problem: 'Stripe credit without an audit row',
        rows: credits
          .filter((t) => !audited.has(t.provider_tx_id as string))
          .map((t) => ({ id: t.id, provider_tx_id: t.provider_tx_id })),
      },
    ];
  },
};
