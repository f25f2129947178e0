/**
 * I11: every entry's gateway belongs to the entry's venue, is an ENTRY_POINT and is ENABLED.
 * GhostPass's scan.ts looks the gateway up by id only, never by venue or type. `gateway_points`
 * type/status are enums in supabase.sql: compared as text.
 */
import { WINDOW_ENTRIES } from './scope-sql.js';
import type { Invariant } from './types.js';

export const I11: Invariant = {
  id: 'I11',
  name: "entry gateways are the venue's enabled ENTRY_POINTs",
  checks: [
    {
      problem: 'entry at a gateway that is not an enabled ENTRY_POINT of the venue',
      sql: `with e as (${WINDOW_ENTRIES})
        select e.id as entry_id, e.wallet_binding_id, e.venue_id, e.gateway_id,
          g.venue_id as gateway_venue_id, g.type::text as gateway_type,
          g.status::text as gateway_status, e.ts
        from e left join gateway_points g on g.id::text = e.gateway_id
        where g.id is null or g.venue_id is distinct from e.venue_id
          or g.type::text <> 'ENTRY_POINT' or g.status::text <> 'ENABLED'`,
      order: 'wallet_binding_id, ts, entry_id',
    },
  ],
};
