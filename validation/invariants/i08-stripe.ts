/**
 * I8: Stripe exactly-once. Each completed session has exactly one FUND row (`provider_tx_id` =
 * the session id) of its amount; no `provider_tx_id` twice; no session left pending. GhostPass
 * writes no row when a session is created (create-checkout-session.ts), so "created" comes from
 * the fleet: the sessions whose webhook the target acknowledged (journal funding results carry
 * `sessionId`, the planned event its amount; `reconcile/requests.ts` `fleetSessions`). Without
 * that list the two session checks are skipped, said in a note.
 * Catches defects 5, 10, 11 (double credit / no FUND row) and 6 (unknown wallet: never credited).
 */
import type { Invariant } from './types.js';

const SESSIONS = `with s as (select * from unnest(:sessions, :session_amounts) as s(session_id, amount_cents))`;

export const I8: Invariant = {
  id: 'I8',
  name: 'Stripe exactly-once (one FUND per session, none pending)',
  checks: [
    {
      problem: 'provider_tx_id credited more than once',
      sql: `select t.provider_tx_id, count(*)::int as rows, sum(t.amount_cents) as credited_cents,
          array_agg(w.wallet_binding_id order by t."timestamp", t.id) as wallets
        from transactions t join wallets w on w.id = t.wallet_id
        where t.type = 'FUND' and t.provider_tx_id is not null and t."timestamp" >= :t0
          and w.wallet_binding_id like :wallets
        group by t.provider_tx_id having count(*) > 1`,
      order: 'provider_tx_id',
    },
    {
      problem: 'checkout session never credited (pending)',
      needs: 'sessions',
      sql: `${SESSIONS}
        select s.session_id, s.amount_cents from s
        where not exists (select 1 from transactions t
          where t.type = 'FUND' and t.provider_tx_id = s.session_id)`,
      order: 'session_id',
    },
    {
      problem: 'FUND amount differs from the session amount',
      needs: 'sessions',
      sql: `${SESSIONS}
        select s.session_id, s.amount_cents as session_amount_cents, t.amount_cents, t.id
        from s join transactions t on t.type = 'FUND' and t.provider_tx_id = s.session_id
        where s.amount_cents is not null and t.amount_cents is distinct from s.amount_cents`,
      order: 'session_id, id',
    },
  ],
};
