/**
 * Wallet bookkeeping shared by the correct-mode handlers. Every function takes the transaction
 * handle: callers lock the wallet row first (`SELECT ... FOR UPDATE`), so on PostgreSQL a second
 * writer waits instead of losing an update (GhostPass defects 1, 2), and on PGlite the
 * transaction itself is serialized.
 */
import type { Db } from './db.js';

export interface WalletRow {
  id: string;
  user_id: string | null;
  wallet_binding_id: string;
  device_fingerprint: string;
  balance_cents: number;
  entry_count: number;
  updated_at: string;
}

const WALLET_COLUMNS = `id::text as id, user_id::text as user_id, wallet_binding_id, device_fingerprint,
  balance_cents, entry_count, updated_at`;

function toWallet(r: Record<string, unknown>): WalletRow {
  const updated = r['updated_at'];
  return {
    id: String(r['id']),
    user_id: r['user_id'] === null ? null : String(r['user_id']),
    wallet_binding_id: String(r['wallet_binding_id']),
    device_fingerprint: String(r['device_fingerprint']),
    // bigint arrives as number (PGlite) or string (pg): normalise once here.
    balance_cents: Number(r['balance_cents']),
    entry_count: Number(r['entry_count']),
    updated_at: updated instanceof Date ? updated.toISOString() : String(updated),
  };
}

/** Locks and returns the wallet matching every given key, or undefined. */
export async function lockWallet(
  tx: Db,
  by: { binding?: string; fingerprint?: string },
): Promise<WalletRow | undefined> {
  const where: string[] = [];
  const params: string[] = [];
  if (by.binding !== undefined) {
    params.push(by.binding);
    where.push(`wallet_binding_id = $${params.length}`);
  }
  if (by.fingerprint !== undefined) {
    params.push(by.fingerprint);
    where.push(`device_fingerprint = $${params.length}`);
  }
  if (where.length === 0) return undefined;
  const res = await tx.query<Record<string, unknown>>(
    `select ${WALLET_COLUMNS} from wallets where ${where.join(' and ')} for update`,
    params,
  );
  const row = res.rows[0];
  return row === undefined ? undefined : toWallet(row);
}

/** Sets the wallet's balance (the row is locked by the caller); returns the new updated_at. */
export async function setBalance(
  tx: Db,
  walletId: string,
  balanceCents: number,
  extra: { entry?: boolean } = {},
): Promise<string> {
  const res = await tx.query<{ updated_at: unknown }>(
    `update wallets set balance_cents = $2, updated_at = clock_timestamp()
       ${extra.entry ? ', entry_count = entry_count + 1, last_entry_at = clock_timestamp()' : ''}
     where id = $1 returning updated_at`,
    [walletId, balanceCents],
  );
  const u = res.rows[0]?.updated_at;
  return u instanceof Date ? u.toISOString() : String(u);
}

export async function audit(
  tx: Db,
  a: {
    action: string;
    resourceType: string;
    resourceId: string | null;
    userId?: string | null;
    metadata: Record<string, unknown>;
  },
): Promise<void> {
  await tx.query(
    `insert into audit_logs (user_id, action, resource_type, resource_id, metadata)
     values ($1, $2, $3, $4, $5::jsonb)`,
    [a.userId ?? null, a.action, a.resourceType, a.resourceId, JSON.stringify(a.metadata)],
  );
}

export type StripeCredit =
  | { kind: 'unknown_wallet' }
  | { kind: 'duplicate'; wallet: WalletRow }
  | { kind: 'credited'; wallet: WalletRow; balanceAfterCents: number };

/**
 * Credits a paid Stripe checkout session exactly once (I8). Both the webhook and verify-session
 * come here. The existence check runs under the wallet lock and the partial unique index on
 * `provider_tx_id` backs it: if a racing writer got there first, the insert does nothing and
 * the balance is left alone (GhostPass defect 5 is a check with no constraint behind it).
 */
export async function creditStripeSession(
  tx: Db,
  s: {
    sessionId: string;
    amountCents: number;
    walletBindingId: string;
    fingerprint?: string;
    paymentIntent?: string;
    source: 'stripe_webhook' | 'stripe_verify_session';
  },
): Promise<StripeCredit> {
  const wallet = await lockWallet(tx, { binding: s.walletBindingId });
  if (wallet === undefined) return { kind: 'unknown_wallet' };
  const after = wallet.balance_cents + s.amountCents;
  const inserted = await tx.query<{ id: string }>(
    `insert into transactions (wallet_id, type, amount_cents, balance_before_cents,
       balance_after_cents, provider_tx_id, metadata, vendor_name, device_fingerprint)
     values ($1, 'FUND', $2, $3, $4, $5, $6::jsonb, 'Stripe Wallet Funding', $7)
     on conflict (provider_tx_id) where provider_tx_id is not null do nothing
     returning id::text as id`,
    [
      wallet.id,
      s.amountCents,
      wallet.balance_cents,
      after,
      s.sessionId,
      JSON.stringify({
        source: s.source,
        stripe_payment_intent: s.paymentIntent ?? null,
        device_fingerprint: s.fingerprint ?? null,
      }),
      s.fingerprint ?? null,
    ],
  );
  if (inserted.rows.length === 0) return { kind: 'duplicate', wallet };
  await setBalance(tx, wallet.id, after);
  await tx.query(
    'update sandbox_checkout_sessions set completed_at = clock_timestamp() where id = $1 and completed_at is null',
    [s.sessionId],
  );
  return { kind: 'credited', wallet, balanceAfterCents: after };
}
