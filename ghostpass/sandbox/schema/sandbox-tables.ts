/**
 * Tables of the sandbox's own Stripe double, in both modes. GhostPass keeps no such row (there is
 * no pending state in GhostPass itself, GHOSTPASS.md "Wallet funding"); the double records the
 * sessions it handed out so verify-session can "retrieve" them as Stripe would, and marks the
 * ones GhostPass credited, so I8 can name a session left pending.
 */
export const SANDBOX_TABLES: readonly string[] = [
  `create table if not exists sandbox_checkout_sessions (
    id text primary key,
    amount_cents bigint not null,
    wallet_binding_id text not null,
    device_fingerprint text null,
    created_at timestamptz not null default clock_timestamp(),
    completed_at timestamptz null
  )`,
];
