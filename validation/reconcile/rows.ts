/**
 * The database's side of I10: every write unit of the run window — an entry (its `entry_events`
 * row and its SPEND row, joined on `metadata->>'entry_id'`; either may be missing, GhostPass
 * defect 9), a purchase (a SPEND row with `metadata.item_id`), a credit (a FUND row; not the
 * opening FUND that provisioning writes, `metadata.opening`: test data, not a request). Same scope
 * and schema rules as the invariants (`invariants/scope-sql.ts`). Times are epoch ms, money
 * float8, so both backends return plain numbers.
 */
import type { SqlBackend } from '../db/backend.js';
import { WINDOW_ENTRIES, WINDOW_TX } from '../invariants/scope-sql.js';
import { bindParams } from '../invariants/sql-params.js';
import type { Scope } from '../invariants/types.js';

export type UnitKind = 'entry' | 'purchase' | 'fund';

export interface RowUnit {
  kind: UnitKind;
  /** entry id, or transaction id */
  key: string;
  wallet: string;
  atMs: number;
  amountCents: number | null;
  receiptId?: string;
  providerTxId?: string;
  /** entries: which of the two rows exist */
  hasEntry?: boolean;
  hasDebit?: boolean;
}

const EPOCH_MS = (col: string) => `(extract(epoch from ${col}::timestamptz) * 1000)::float8`;

const ENTRY_UNITS = `with e as (${WINDOW_ENTRIES}),
  d as (select * from (${WINDOW_TX}) t where t.type = 'SPEND' and t.metadata ? 'entry_id'
    and (t.venue_id is null or t.venue_id = any(:venues)))
  select coalesce(e.id, d.metadata->>'entry_id') as key,
    coalesce(e.wallet_binding_id, d.wallet_binding_id) as wallet,
    ${EPOCH_MS('coalesce(e.ts, d.ts)')} as at_ms,
    coalesce(d.amount_cents, e.total_fees_cents)::float8 as amount_cents,
    coalesce(d.metadata->>'receipt_id', e.receipt_id) as receipt_id, e.id is not null as has_entry, d.id is not null as has_debit
  from e full join d on d.metadata->>'entry_id' = e.id`;

const TX_UNITS = `select t.id::text as key, t.wallet_binding_id as wallet, ${EPOCH_MS('t.ts')} as at_ms,
    t.amount_cents::float8 as amount_cents, t.provider_tx_id,
    case when t.type = 'FUND' then 'fund' else 'purchase' end as kind
  from (${WINDOW_TX}) t
  where (t.type = 'FUND' and coalesce(t.metadata->>'opening', '') <> 'true')
    or (t.type = 'SPEND' and t.metadata ? 'item_id'
      and (t.venue_id is null or t.venue_id = any(:venues)))`;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | undefined =>
  v === null || v === undefined ? undefined : String(v);

export async function loadUnits(db: SqlBackend, scope: Scope): Promise<RowUnit[]> {
  const entries = bindParams(ENTRY_UNITS, scope);
  const txs = bindParams(TX_UNITS, scope);
  const units: RowUnit[] = [];
  for (const r of await db.query(entries.text, entries.params)) {
    const receiptId = str(r['receipt_id']);
    units.push({
      kind: 'entry',
      key: String(r['key']),
      wallet: String(r['wallet']),
      atMs: Number(r['at_ms']),
      amountCents: num(r['amount_cents']),
      ...(receiptId !== undefined ? { receiptId } : {}),
      hasEntry: r['has_entry'] === true,
      hasDebit: r['has_debit'] === true,
    });
  }
  for (const r of await db.query(txs.text, txs.params)) {
    const providerTxId = str(r['provider_tx_id']);
    units.push({
      kind: r['kind'] === 'fund' ? 'fund' : 'purchase',
      key: String(r['key']),
      wallet: String(r['wallet']),
      atMs: Number(r['at_ms']),
      amountCents: num(r['amount_cents']),
      ...(providerTxId !== undefined ? { providerTxId } : {}),
    });
  }
  return units.sort((a, b) => a.atMs - b.atMs || a.key.localeCompare(b.key));
}
