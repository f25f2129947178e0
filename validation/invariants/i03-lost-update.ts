/**
 * I3: no lost update. Per wallet, in time order (timestamp, id), each in-window row's
 * `balance_before_cents` = the previous row's `balance_after_cents`; and no two rows share a
 * `balance_before_cents` — both read the same balance, so one write overwrote the other
 * (defects 1, 2, 4: read, check in code, write an absolute balance, no lock).
 * "Share" is read as "read the same balance while it stood": a balance that legitimately comes
 * back (10000 → spend 800 → fund 800 → 10000) is restored by a row in between, and two rows with
 * that before-value are then not a race. Only rows since :t0 are chained (the first has no
 * predecessor checked): rows before the run may be absent or another run's.
 */
import { WINDOW_TX } from './scope-sql.js';
import type { Invariant } from './types.js';

const ORDERED = `with win as (${WINDOW_TX}),
  ordered as (select win.*, lag(balance_after_cents) over w as prev_after,
      lag(id) over w as prev_id
    from win window w as (partition by wallet_id order by ts, id))`;

export const I3: Invariant = {
  id: 'I3',
  name: 'no lost update (each row continues the previous one)',
  checks: [
    {
      problem: "balance_before_cents is not the previous row's balance_after_cents",
      sql: `${ORDERED}
        select wallet_binding_id, id, type, amount_cents, balance_before_cents, balance_after_cents,
          prev_after as previous_balance_after_cents, prev_id as previous_id, ts
        from ordered where prev_id is not null and balance_before_cents is distinct from prev_after`,
      order: 'wallet_binding_id, ts, id',
    },
    {
      problem: 'two rows read the same balance',
      // Each row's "source" is the latest earlier row whose balance_after_cents it read; two
      // rows with one source read the same standing balance. Window functions only (no
      // correlated scan): 50,000 rows stay one sort.
      sql: `${ORDERED},
        numbered as (select o.*, row_number() over (partition by wallet_id order by ts, id) as pos
          from ordered o),
        marks as (select wallet_id, wallet_binding_id, ts, balance_before_cents as v, pos, 0 as k, id
            from numbered
          union all select wallet_id, wallet_binding_id, ts, balance_after_cents as v, pos, 1 as k, id
            from numbered),
        sourced as (select m.*, max(case when m.k = 1 then m.pos end) over (
            partition by m.wallet_id, m.v order by m.pos, m.k
            rows between unbounded preceding and current row) as source_pos
          from marks m where m.v is not null),
        reads as (select s.wallet_binding_id, s.ts, s.id, s.v, s.source_pos,
            lag(s.id) over (partition by s.wallet_id, s.v, s.source_pos order by s.pos) as other_id
          from sourced s where s.k = 0)
        -- No join back to the rows: PGlite without statistics planned it as a nested loop
        -- (31 s for 6,000 rows); every column the sample needs is carried through instead.
        select r.wallet_binding_id, r.id, r.other_id, r.v as balance_before_cents, r.ts
        from reads r where r.other_id is not null`,
      order: 'wallet_binding_id, ts, id',
    },
  ],
};
