/**
 * I4: entry numbering. GhostPass numbers an entry by counting earlier rows, with no lock and no
 * unique index (scan.ts, supabase.sql): two doors scanning one wallet at once both see N
 * (defect 3). Checked over every (wallet, venue) pair with an entry since :t0, across all of the
 * pair's entries (the numbering runs from the first ever): no duplicate entry_number, at most one
 * `initial`, and max(entry_number) = count(*).
 */
import type { Invariant } from './types.js';

const PAIRS = `with pairs as (select distinct e.wallet_binding_id, e.venue_id from entry_events e
    where e.venue_id = any(:venues) and e.wallet_binding_id like :wallets and e."timestamp" >= :t0),
  entries as (select e.* from entry_events e join pairs p using (wallet_binding_id, venue_id))`;

export const I4: Invariant = {
  id: 'I4',
  name: 'entry numbering (unique, one initial, max = count)',
  checks: [
    {
      problem: 'duplicate entry_number',
      sql: `${PAIRS}
        select wallet_binding_id, venue_id, entry_number, count(*)::int as rows,
          array_agg(id order by "timestamp", id) as entry_ids
        from entries group by wallet_binding_id, venue_id, entry_number having count(*) > 1`,
      order: 'wallet_binding_id, venue_id, entry_number',
    },
    {
      problem: "more than one 'initial' entry",
      sql: `${PAIRS}
        select wallet_binding_id, venue_id, count(*)::int as initial_rows,
          array_agg(id order by "timestamp", id) as entry_ids
        from entries where entry_type = 'initial'
        group by wallet_binding_id, venue_id having count(*) > 1`,
      order: 'wallet_binding_id, venue_id',
    },
    {
      problem: 'max(entry_number) differs from the number of entries',
      sql: `${PAIRS}
        select wallet_binding_id, venue_id, max(entry_number) as max_entry_number,
          count(*)::int as entries
        from entries group by wallet_binding_id, venue_id
        having max(entry_number) is distinct from count(*)`,
      order: 'wallet_binding_id, venue_id',
    },
  ],
};
