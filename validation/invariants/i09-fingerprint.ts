/**
 * I9: one wallet per device fingerprint (GhostPass looks a patron up by binding id AND fingerprint,
 * scan.ts `.single()`, which errors on two rows), and one wallet per binding id. supabase.sql has
 * no unique index on either.
 */
import type { Invariant } from './types.js';

export const I9: Invariant = {
  id: 'I9',
  name: 'one wallet per device fingerprint',
  checks: [
    {
      problem: 'fingerprint owns more than one wallet',
      sql: `select device_fingerprint, count(*)::int as wallets,
          array_agg(wallet_binding_id order by wallet_binding_id) as wallet_binding_ids
        from wallets where device_fingerprint in (
          select device_fingerprint from wallets where wallet_binding_id like :wallets)
        group by device_fingerprint having count(*) > 1`,
      order: 'device_fingerprint',
    },
    {
      problem: 'wallet_binding_id on more than one wallet',
      sql: `select wallet_binding_id, count(*)::int as wallets
        from wallets where wallet_binding_id like :wallets
        group by wallet_binding_id having count(*) > 1`,
      order: 'wallet_binding_id',
    },
  ],
};
