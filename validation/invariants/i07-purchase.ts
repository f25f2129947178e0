/**
 * I7: purchase arithmetic (GHOSTPASS.md "Concession purchase", ghost-pass/api/vendor/purchase.ts):
 * subtotal = unit price × quantity, platform_fee = floor(subtotal × 2.5 / 100), payout = subtotal −
 * fee, charged (amount_cents) = subtotal + tip, quantity ≥ 1, tip ≥ 0 (defect 7: a negative
 * quantity or tip credits the wallet), and the unit price is the item's when the item is a
 * `vendor_items` row (`manual_entry` purchases carry their own amount). A purchase is a SPEND row
 * whose metadata has `item_id`; one row is one violation, listing every problem it has.
 */
import { jsonNum, WINDOW_TX } from './scope-sql.js';
import type { Invariant } from './types.js';

export const I7: Invariant = {
  id: 'I7',
  name: 'purchase arithmetic (fee, payout, total, quantity ≥ 1, tip ≥ 0)',
  checks: [
    {
      problem: 'purchase arithmetic is wrong',
      sql: `with t as (${WINDOW_TX}),
        p as (select t.*, ${jsonNum("t.metadata->'quantity'")} as quantity,
            coalesce(${jsonNum("t.metadata->'tip_amount_cents'")}, 0) as tip,
            ${jsonNum("t.metadata->'unit_price_cents'")} as unit_price,
            ${jsonNum("t.metadata->'subtotal_cents'")} as subtotal
          from t where t.type = 'SPEND' and t.metadata ? 'item_id'
            and (t.venue_id is null or t.venue_id = any(:venues))),
        checked as (select p.*, vi.price_cents as item_price_cents, array_remove(array[
            case when p.quantity is null or p.quantity < 1 or p.quantity <> trunc(p.quantity)
              then 'quantity < 1' end,
            case when p.tip < 0 then 'tip < 0' end,
            case when p.subtotal is distinct from p.unit_price * p.quantity
              then 'subtotal ≠ unit price × quantity' end,
            case when vi.id is not null and p.unit_price is distinct from vi.price_cents
              then 'unit price ≠ item price' end,
            case when p.platform_fee_cents is distinct from floor(p.subtotal * 2.5 / 100)
              then 'platform fee ≠ floor(subtotal × 2.5 %)' end,
            case when p.vendor_payout_cents is distinct from p.subtotal - p.platform_fee_cents
              then 'payout ≠ subtotal − fee' end,
            case when p.amount_cents is distinct from p.subtotal + p.tip
              then 'charged ≠ subtotal + tip' end
          ]::text[], null) as problems
          from p left join vendor_items vi on vi.id::text = p.metadata->>'item_id')
        select id, wallet_binding_id, problems, amount_cents, quantity, tip as tip_amount_cents,
          unit_price as unit_price_cents, item_price_cents, subtotal as subtotal_cents,
          platform_fee_cents, vendor_payout_cents, ts
        from checked where cardinality(problems) > 0`,
      order: 'wallet_binding_id, ts, id',
    },
  ],
};
