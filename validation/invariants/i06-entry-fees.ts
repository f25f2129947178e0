/**
 * I6: entry fees match the venue's config. Initial: the initial fee only; re-entry: the venue
 * re-entry fee + the re-entry scan fee; total = the sum. A venue with no config row uses
 * GhostPass's defaults (scan.ts: 2500 / 0 / 25). `venue_entry_configs.venue_id` is not unique in
 * supabase.sql and scan.ts reads it with `maybeSingle()`, which errors on two rows (then the
 * defaults apply): a venue with more than one config row is itself reported, since no fee can
 * be said to be right. A fee configured as 0 that was charged as the default is defect 8 (`||`).
 */
import { WINDOW_ENTRIES } from './scope-sql.js';
import type { Invariant } from './types.js';

export const I6: Invariant = {
  id: 'I6',
  name: 'entry fees match the venue config',
  checks: [
    {
      problem: 'entry fees differ from the venue config',
      sql: `with e as (${WINDOW_ENTRIES}),
        cfg as (select venue_id, count(*) as n, min(initial_entry_fee_cents) as initial_fee,
            min(venue_reentry_fee_cents) as reentry_fee, min(valid_reentry_scan_fee_cents) as scan_fee
          from venue_entry_configs where venue_id = any(:venues) group by venue_id),
        expected as (select e.*,
            case when e.entry_type = 'initial' then coalesce(c.initial_fee, 2500) else 0 end as x_initial,
            case when e.entry_type = 'initial' then 0 else coalesce(c.reentry_fee, 0) end as x_reentry,
            case when e.entry_type = 'initial' then 0 else coalesce(c.scan_fee, 25) end as x_scan
          from e left join cfg c using (venue_id) where coalesce(c.n, 0) <= 1)
        select id as entry_id, wallet_binding_id, venue_id, entry_type, entry_number,
          initial_entry_fee_cents, venue_reentry_fee_cents, valid_reentry_scan_fee_cents,
          total_fees_cents, x_initial as expected_initial_cents, x_reentry as expected_reentry_cents,
          x_scan as expected_scan_cents, ts
        from expected
        where initial_entry_fee_cents is distinct from x_initial
          or venue_reentry_fee_cents is distinct from x_reentry
          or valid_reentry_scan_fee_cents is distinct from x_scan
          or total_fees_cents is distinct from x_initial + x_reentry + x_scan
          or entry_type not in ('initial', 're_entry')`,
      order: 'wallet_binding_id, ts, entry_id',
    },
    {
      problem: 'venue has more than one entry config (maybeSingle() errors; defaults apply)',
      sql: `select venue_id, count(*)::int as configs from venue_entry_configs
        where venue_id = any(:venues) group by venue_id having count(*) > 1`,
      order: 'venue_id',
    },
  ],
};
