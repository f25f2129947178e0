/**
 * I2: ledger reconciliation — for each wallet the run touched, opening balance + ΣFUND − ΣSPEND
 * since :t0 = balance_cents.
 *
 * The opening balance (the wallet's balance at :t0) is stored nowhere, and rows before :t0 may be
 * absent (a staging database seeded without opening rows). So it is derived two ways and the two
 * must agree: `balance − Σcredits + Σdebits` (what the ledger says the wallet started with) against
 * the first in-window row's `balance_before_cents` (what the handler read when the run first
 * touched it). A lost update (defects 1, 2, 4) or a debit without its ledger row (defect 9) moves
 * the balance without moving the sums, and the two differ. Rows order by (timestamp, id).
 * A wallet changed since :t0 (`updated_at`) with no ledger row at all has no first row to
 * compare: it is its own check (a debit or credit that wrote no row: defects 9, 10).
 */
import { WINDOW_TX } from './scope-sql.js';
import type { Invariant } from './types.js';

export const I2: Invariant = {
  id: 'I2',
  name: 'ledger reconciliation (opening + ΣFUND − ΣSPEND = balance)',
  checks: [
    {
      problem: 'balance does not match the ledger',
      sql: `with win as (${WINDOW_TX}),
        opening as (select distinct on (wallet_id) wallet_id, balance_before_cents as first_before
          from win order by wallet_id, ts, id),
        sums as (select wallet_id, wallet_binding_id, sum(signed) as net, count(*) as rows
          from win group by wallet_id, wallet_binding_id)
        select s.wallet_binding_id, w.balance_cents, o.first_before as first_balance_before_cents,
          s.net as net_since_t0_cents, s.rows::int as rows,
          w.balance_cents - s.net as derived_opening_cents
        from sums s join opening o using (wallet_id) join wallets w on w.id = s.wallet_id
        where (w.balance_cents - s.net) is distinct from o.first_before`,
      order: 'wallet_binding_id',
    },
    {
      problem: 'wallet changed since t0 without a ledger row',
      sql: `select w.wallet_binding_id, w.balance_cents, w.updated_at from wallets w
        where w.wallet_binding_id like :wallets and w.updated_at >= :t0
          and not exists (select 1 from transactions t
            where t.wallet_id = w.id and t."timestamp" >= :t0)`,
      order: 'wallet_binding_id',
    },
  ],
};
