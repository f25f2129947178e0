/**
 * I12 (report only): audit rows against successful operations. An operation's audit row is found
 * by `audit_logs.resource_id`: the entry id, the purchase's transaction id, or the Stripe session
 * id. GhostPass's patron handlers at 17d47d9 write no audit row at all, so against a real
 * deployment this reports every operation; it never fails the run.
 */
import { WINDOW_ENTRIES, WINDOW_TX } from './scope-sql.js';
import type { Invariant } from './types.js';

const NO_AUDIT = (key: string) =>
  `not exists (select 1 from audit_logs a where a.resource_id = ${key})`;

export const I12: Invariant = {
  id: 'I12',
  name: 'audit rows for successful operations (report only)',
  reportOnly: true,
  checks: [
    {
      problem: 'entry without an audit row',
      sql: `with e as (${WINDOW_ENTRIES})
        select e.id as entry_id, e.wallet_binding_id, e.ts from e where ${NO_AUDIT('e.id')}`,
      order: 'wallet_binding_id, ts, entry_id',
    },
    {
      problem: 'purchase without an audit row',
      sql: `with t as (${WINDOW_TX})
        select t.id, t.wallet_binding_id, t.ts from t
        where t.type = 'SPEND' and t.metadata ? 'item_id' and ${NO_AUDIT('t.id::text')}`,
      order: 'wallet_binding_id, ts, id',
    },
    {
      problem: 'Stripe credit without an audit row',
      sql: `with t as (${WINDOW_TX})
        select t.id, t.wallet_binding_id, t.provider_tx_id, t.ts from t
        where t.type = 'FUND' and t.provider_tx_id is not null and ${NO_AUDIT('t.provider_tx_id')}`,
      order: 'wallet_binding_id, ts, id',
    },
  ],
};
