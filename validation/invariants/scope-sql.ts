/**
 * SQL fragments every invariant shares, written to run on both schemas: the sandbox's
 * (`ghostpass/sandbox/schema.ts`) and GhostPass's real `supabase.sql` at 17d47d9, where
 * `transactions.gateway_id` is text (so gateways join on `::text`), `timestamp` columns are
 * `timestamp` without time zone (compared with `:t0` in the session's zone: UTC on Supabase),
 * `gateway_points.type`/`status` are enums (compared as `::text`), and nothing is unique.
 * `entry_events.receipt_id` is absent from the real schema; both write `metadata.entry_id` and
 * `metadata.receipt_id` on the entry's SPEND row (ghost-pass/api/entry/scan.ts), so entries join
 * their debit on `metadata->>'entry_id'` and receipts are looked up in `transactions.metadata`.
 */

/** A ledger row's signed effect on the balance: FUND and REFUND credit, SPEND and FEE debit. */
export const SIGNED_AMOUNT = `case when t.type in ('FUND', 'REFUND') then t.amount_cents
  when t.type in ('SPEND', 'FEE') then -t.amount_cents else 0 end`;

/** The run's ledger rows: test wallets, written since :t0. Aliases `t` (+ wallet_binding_id, ts, signed). */
export const WINDOW_TX = `select t.id, t.wallet_id, w.wallet_binding_id, t.type, t.amount_cents,
    t.balance_before_cents, t.balance_after_cents, t.gateway_id::text as gateway_id, t.venue_id,
    t.platform_fee_cents, t.vendor_payout_cents, t.provider_tx_id, t.metadata, t."timestamp" as ts,
    ${SIGNED_AMOUNT} as signed
  from transactions t join wallets w on w.id = t.wallet_id
  where w.wallet_binding_id like :wallets and t."timestamp" >= :t0`;

/**
 * The run's entries: at the run's venues, test wallets, written since :t0. `receipt_id` through
 * `to_jsonb(e)`: the sandbox has the column, supabase.sql does not (null there, no error).
 */
export const WINDOW_ENTRIES = `select e.id, e.wallet_binding_id, e.venue_id, e.gateway_id::text as gateway_id,
    e.entry_number, e.entry_type, e.initial_entry_fee_cents, e.venue_reentry_fee_cents,
    e.valid_reentry_scan_fee_cents, e.total_fees_cents, e."timestamp" as ts,
    to_jsonb(e)->>'receipt_id' as receipt_id
  from entry_events e
  where e.venue_id = any(:venues) and e.wallet_binding_id like :wallets and e."timestamp" >= :t0`;

/**
 * A number out of jsonb, or null when absent or not a number: a text value must not abort the
 * whole query with a cast error (GhostPass writes whatever the request carried).
 */
export function jsonNum(expr: string): string {
  return `(case when jsonb_typeof(${expr}) = 'number' then (${expr} #>> '{}')::numeric end)`;
}
