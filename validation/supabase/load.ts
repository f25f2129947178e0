/**
 * The rows the REST invariants judge, read through supabase-js in pages (`readAll`: ordered by a
 * unique key, the exact count checked, never capped at max_rows), with the filters PostgREST can
 * express done by the server (`like`, `gte` on the timestamp, `in`) and the joins done here.
 * `in.(…)` lists go in slices so no URL comes near PostgREST's limits.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { chunks, type RestAnswer, readAll } from '../../ghostpass/supabase/client.js';
import { micros } from './values.js';

const PER_REQUEST = 100;

export interface WalletRow {
  id: string;
  wallet_binding_id: string;
  balance_cents: number | null;
  device_fingerprint: string | null;
}

export interface TxRow {
  id: string;
  wallet_id: string;
  wallet_binding_id: string;
  type: string | null;
  amount_cents: number;
  balance_before_cents: number | null;
  balance_after_cents: number | null;
  venue_id: string | null;
  platform_fee_cents: number | null;
  vendor_payout_cents: number | null;
  provider_tx_id: string | null;
  metadata: Record<string, unknown> | null;
  ts: bigint;
}

export interface EntryRow {
  id: string;
  wallet_binding_id: string;
  venue_id: string;
  gateway_id: string | null;
  entry_number: number;
  entry_type: string | null;
  initial_entry_fee_cents: number;
  venue_reentry_fee_cents: number;
  valid_reentry_scan_fee_cents: number;
  total_fees_cents: number;
  ts: bigint;
}

export type RestFilter =
  | ['like' | 'gte' | 'eq', string, string]
  | ['in', string, readonly string[]];

export interface RestSource {
  label: string;
  /** Every row of `table` matching every filter, paged (ordered by `id`). */
  read<T>(table: string, select: string, filters?: readonly RestFilter[]): Promise<T[]>;
  /** `read` with `column in values`, the values in slices. */
  readIn<T>(
    table: string,
    select: string,
    column: string,
    values: readonly string[],
    filters?: readonly RestFilter[],
  ): Promise<T[]>;
}

export function restSource(sb: SupabaseClient, label: string): RestSource {
  const read = <T>(table: string, select: string, filters: readonly RestFilter[] = []) =>
    readAll<T>(label, `${table} rows`, (from, to) => {
      let q = sb.from(table).select(select, { count: 'exact' });
      for (const f of filters) {
        if (f[0] === 'in') q = q.in(f[1], [...f[2]]);
        else if (f[0] === 'like') q = q.like(f[1], f[2]);
        else if (f[0] === 'gte') q = q.gte(f[1], f[2]);
        else q = q.eq(f[1], f[2]);
      }
      return q.order('id').range(from, to) as unknown as PromiseLike<RestAnswer<T[]>>;
    });
  return {
    label,
    read,
    async readIn<T>(
      table: string,
      select: string,
      column: string,
      values: readonly string[],
      filters: readonly RestFilter[] = [],
    ) {
      const out: T[] = [];
      for (const part of chunks([...new Set(values)], PER_REQUEST))
        out.push(...(await read<T>(table, select, [...filters, ['in', column, part]])));
      return out;
    },
  };
}

const TX_COLUMNS =
  'id, wallet_id, type, amount_cents, balance_before_cents, balance_after_cents, venue_id, platform_fee_cents, vendor_payout_cents, provider_tx_id, metadata, timestamp';
const ENTRY_COLUMNS =
  'id, wallet_binding_id, venue_id, gateway_id, entry_number, entry_type, initial_entry_fee_cents, venue_reentry_fee_cents, valid_reentry_scan_fee_cents, total_fees_cents, timestamp';

export interface RestData {
  /** Test wallets (binding LIKE the pattern). */
  wallets: WalletRow[];
  /** Test wallets with `updated_at >= t0`. */
  changed: Set<string>;
  /** The test wallets' ledger rows since t0 (WINDOW_TX). */
  windowTx: TxRow[];
  /** Every entry at the venues of a test wallet (all time; I4 numbers a pair's whole history). */
  venueEntries: EntryRow[];
}

type Raw<T> = Omit<T, 'ts' | 'wallet_binding_id'> & {
  timestamp: string;
  wallet_binding_id?: string;
};

export async function loadRestData(
  src: RestSource,
  scope: { t0: Date; venueIds: readonly string[]; walletPattern: string },
): Promise<RestData> {
  const t0 = scope.t0.toISOString();
  const test: RestFilter = ['like', 'wallet_binding_id', scope.walletPattern];
  const wallets = await src.read<WalletRow>(
    'wallets',
    'id, wallet_binding_id, balance_cents, device_fingerprint',
    [test],
  );
  const changedRows = await src.read<{ id: string }>('wallets', 'id', [
    test,
    ['gte', 'updated_at', t0],
  ]);
  const byId = new Map(wallets.map((w) => [w.id, w]));
  const sinceT0 = await src.read<Raw<TxRow>>('transactions', TX_COLUMNS, [
    ['gte', 'timestamp', t0],
  ]);
  const windowTx = sinceT0.flatMap(({ timestamp, ...t }) => {
    const w = byId.get(t.wallet_id);
    return w ? [{ ...t, wallet_binding_id: w.wallet_binding_id, ts: micros(timestamp) }] : [];
  });
  const entries = await src.readIn<Raw<EntryRow> & { wallet_binding_id: string }>(
    'entry_events',
    ENTRY_COLUMNS,
    'venue_id',
    scope.venueIds,
  );
  return {
    wallets,
    changed: new Set(changedRows.map((r) => r.id)),
    windowTx,
    venueEntries: entries.map(({ timestamp, ...e }) => ({ ...e, ts: micros(timestamp) })),
  };
}
