/**
 * I5: every entry has exactly one debit of its `total_fees_cents`, and every entry debit has its
 * entry. The entry scan writes the wallet, the entry and the SPEND row concurrently and ignores
 * insert errors (scan.ts `Promise.all`, defect 9), so either row can be missing. The join is the
 * SPEND row's `metadata->>'entry_id'` (written by GhostPass and the sandbox alike;
 * `entry_events.receipt_id` does not exist in supabase.sql).
 */
import { WINDOW_ENTRIES, WINDOW_TX } from './scope-sql.js';
import type { Invariant } from './types.js';

export const I5: Invariant = {
  id: 'I5',
  name: 'every entry has exactly one debit of its fees',
  checks: [
    {
      problem: 'entry without exactly one debit of total_fees_cents',
      sql: `with e as (${WINDOW_ENTRIES})
        select e.id as entry_id, e.wallet_binding_id, e.total_fees_cents, d.debits, d.amounts, e.ts
        from e left join lateral (
          select count(*)::int as debits, array_agg(t.amount_cents) as amounts from transactions t
          where t.type = 'SPEND' and t.metadata->>'entry_id' = e.id) d on true
        where d.debits <> 1 or d.amounts[1] is distinct from e.total_fees_cents`,
      order: 'wallet_binding_id, ts, entry_id',
    },
    {
      problem: 'entry debit without its entry row',
      sql: `with t as (${WINDOW_TX})
        select t.id, t.wallet_binding_id, t.amount_cents, t.metadata->>'entry_id' as entry_id,
          t.metadata->>'receipt_id' as receipt_id, t.ts
        from t where t.type = 'SPEND' and t.metadata ? 'entry_id'
          and (t.venue_id is null or t.venue_id = any(:venues))
          and not exists (select 1 from entry_events e where e.id = t.metadata->>'entry_id')`,
      order: 'wallet_binding_id, ts, id',
    },
  ],
};
