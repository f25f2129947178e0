/**
 * Test wallets over PostgREST, where there is no transaction and no unique key (supabase.sql has
 * no unique index on `wallet_binding_id`): every step re-derives what is missing from the rows,
 * so any interruption — a request that failed, or one that committed but whose answer was lost —
 * is completed by the next run without a duplicate. One batch `from..to`:
 *
 * 1. read the batch's wallets by binding (`in.(…)` in slices, every page);
 * 2. insert the missing wallets in one POST (one statement: all of them or none);
 * 3. write an opening FUND row (0 → balance) for every batch wallet that has **no ledger row at
 *    all**, in one POST. Wallet first, FUND second, because the FUND row names the wallet's id
 *    (and transactions.wallet_id references wallets). A cut between 2 and 3 leaves wallets with
 *    no ledger row; step 3 of the next run finds exactly those (a wallet with any ledger row is
 *    never given a second opening row), so the order repairs itself;
 * 4. (top-up) a wallet below the opening balance gets a FUND row `top_up` (balance → opening)
 *    first, then its balance is raised with a PATCH filtered on `balance_cents < opening`. A cut
 *    between the two leaves a wallet whose latest ledger row is that top-up, starting from its
 *    current balance: the next run recognises it and only raises the balance (no second row).
 *    Balance first would be the wrong order: a raised balance with no row can't be told from a
 *    real credit the ledger missed.
 *
 * Two seeds at once over REST cannot be made safe (no advisory lock, no unique key): run one.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { chunks, readAll, rows } from '../supabase/client.js';
import { TEST_WALLET_PATTERN } from './plan.js';
import type { WalletBatch } from './store.js';

const NAMES_PER_REQUEST = 200;
const IDS_PER_REQUEST = 100;
const TEST_WALLET = new RegExp(TEST_WALLET_PATTERN);

export interface WalletRow {
  id: string;
  wallet_binding_id: string;
  balance_cents: number | null;
}

interface LedgerRow {
  id: string;
  wallet_id: string;
  type: string;
  balance_before_cents: number | null;
  balance_after_cents: number | null;
  metadata: Record<string, unknown> | null;
  timestamp: string;
}

/** Every `wallet_test_N` wallet (the LIKE is a superset; the exact pattern is applied here). */
export async function testWallets(sb: SupabaseClient, label: string): Promise<WalletRow[]> {
  const all = await readAll<WalletRow>(label, 'test wallets', (from, to) =>
    sb
      .from('wallets')
      .select('id, wallet_binding_id, balance_cents', { count: 'exact' })
      .like('wallet_binding_id', 'wallet_test_%')
      .order('id')
      .range(from, to),
  );
  return all.filter((w) => TEST_WALLET.test(w.wallet_binding_id));
}

async function walletsNamed(
  sb: SupabaseClient,
  label: string,
  names: readonly string[],
): Promise<Map<string, WalletRow>> {
  const found: WalletRow[] = [];
  for (const part of chunks(names, NAMES_PER_REQUEST)) {
    found.push(
      ...(await readAll<WalletRow>(label, 'wallets by binding', (from, to) =>
        sb
          .from('wallets')
          .select('id, wallet_binding_id, balance_cents', { count: 'exact' })
          .in('wallet_binding_id', part)
          .order('id')
          .range(from, to),
      )),
    );
  }
  // Ordered by id: a duplicated binding resolves to its smallest id, as pg-store.ts does.
  const out = new Map<string, WalletRow>();
  for (const w of found) if (!out.has(w.wallet_binding_id)) out.set(w.wallet_binding_id, w);
  return out;
}

/** Each wallet's ledger rows, oldest first. */
async function ledgerOf(
  sb: SupabaseClient,
  label: string,
  ids: readonly string[],
): Promise<Map<string, LedgerRow[]>> {
  const out = new Map<string, LedgerRow[]>(ids.map((id) => [id, []]));
  for (const part of chunks(ids, IDS_PER_REQUEST)) {
    const got = await readAll<LedgerRow>(label, 'ledger of the test wallets', (from, to) =>
      sb
        .from('transactions')
        .select(
          'id, wallet_id, type, balance_before_cents, balance_after_cents, metadata, timestamp',
          { count: 'exact' },
        )
        .in('wallet_id', part)
        .order('id')
        .range(from, to),
    );
    for (const r of got) out.get(r.wallet_id)?.push(r);
  }
  for (const list of out.values())
    list.sort((a, b) =>
      a.timestamp === b.timestamp ? (a.id < b.id ? -1 : 1) : a.timestamp < b.timestamp ? -1 : 1,
    );
  return out;
}

const fund = (walletId: string, before: number, after: number, meta: Record<string, unknown>) => ({
  wallet_id: walletId,
  type: 'FUND',
  amount_cents: after - before,
  balance_before_cents: before,
  balance_after_cents: after,
  metadata: { ...meta, seed: 'ghostfleet' },
});

async function insertLedger(
  sb: SupabaseClient,
  label: string,
  what: string,
  list: ReturnType<typeof fund>[],
): Promise<void> {
  if (list.length === 0) return;
  await rows(label, what, sb.from('transactions').insert(list).select('id'));
}

export async function ensureWalletsRest(
  sb: SupabaseClient,
  label: string,
  range: { from: number; to: number },
  opening: number,
  topUp: boolean,
): Promise<WalletBatch> {
  const names: string[] = [];
  for (let n = range.from; n <= range.to; n++) names.push(`wallet_test_${n}`);
  const wallets = await walletsNamed(sb, label, names);
  const missing = names.filter((n) => !wallets.has(n));
  if (missing.length > 0) {
    const made = await rows<WalletRow>(
      label,
      `insert wallets ${missing[0]}…`,
      sb
        .from('wallets')
        .insert(
          missing.map((b) => ({
            balance_cents: opening,
            device_fingerprint: b.replace(/^wallet_/, 'device_'),
            wallet_binding_id: b,
            device_bound: true,
            entry_count: 0,
          })),
        )
        .select('id, wallet_binding_id, balance_cents'),
    );
    for (const w of made) wallets.set(w.wallet_binding_id, w);
  }
  const ledger = await ledgerOf(
    sb,
    label,
    [...wallets.values()].map((w) => w.id),
  );
  // Step 3: the opening row of every wallet whose ledger is empty (new, or cut before its row).
  const openings = [...wallets.values()]
    .filter((w) => (ledger.get(w.id)?.length ?? 0) === 0 && typeof w.balance_cents === 'number')
    .map((w) => fund(w.id, 0, w.balance_cents as number, { opening: true }));
  await insertLedger(sb, label, 'opening FUND rows', openings);
  const done = { created: missing.length, openings: openings.length };
  if (!topUp) return { ...done, toppedUp: 0 };
  return {
    ...done,
    toppedUp: await topUpWallets(sb, label, [...wallets.values()], ledger, opening),
  };
}

async function topUpWallets(
  sb: SupabaseClient,
  label: string,
  wallets: readonly WalletRow[],
  ledger: Map<string, LedgerRow[]>,
  opening: number,
): Promise<number> {
  const low = wallets.filter(
    (w): w is WalletRow & { balance_cents: number } =>
      typeof w.balance_cents === 'number' && w.balance_cents < opening,
  );
  if (low.length === 0) return 0;
  // A top-up row already written for this very balance (a cut before the PATCH): only raise it.
  const pending = (w: WalletRow & { balance_cents: number }) => {
    const last = ledger.get(w.id)?.at(-1);
    return (
      last?.type === 'FUND' &&
      last.metadata?.top_up === true &&
      last.balance_before_cents === w.balance_cents &&
      last.balance_after_cents === opening
    );
  };
  await insertLedger(
    sb,
    label,
    'top-up FUND rows',
    low
      .filter((w) => !pending(w))
      .map((w) => fund(w.id, w.balance_cents, opening, { top_up: true })),
  );
  for (const part of chunks(
    low.map((w) => w.id),
    IDS_PER_REQUEST,
  )) {
    await rows(
      label,
      'raise topped-up balances',
      sb
        .from('wallets')
        .update({ balance_cents: opening, updated_at: new Date().toISOString() })
        .in('id', part)
        .lt('balance_cents', opening)
        .select('id'),
    );
  }
  return low.length;
}
