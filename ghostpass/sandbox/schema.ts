/**
 * The GhostPass tables the fleet touches, with GhostPass's column names (GHOSTPASS.md "Tables that
 * matter"), plus the constraints of `correct` mode: one wallet per binding and per fingerprint
 * (I9), one ledger row per Stripe session (I8), unique entry numbers per wallet and venue (I4).
 * Money is bigint cents. `timestamp` defaults to clock_timestamp() (not now(), which is fixed per
 * transaction) so rows order by when they were written (I3).
 */
import type { Db } from './db.js';

export const SCHEMA_STATEMENTS: readonly string[] = [
  `create table if not exists wallets (
    id uuid primary key default gen_random_uuid(),
    user_id uuid null,
    balance_cents bigint not null default 0,
    device_fingerprint text not null,
    wallet_binding_id text not null,
    entry_count integer not null default 0,
    last_entry_at timestamptz null,
    updated_at timestamptz not null default clock_timestamp(),
    device_bound boolean not null default true
  )`,
  'create unique index if not exists wallets_binding_uq on wallets (wallet_binding_id)',
  'create unique index if not exists wallets_fingerprint_uq on wallets (device_fingerprint)',
  `create table if not exists transactions (
    id uuid primary key default gen_random_uuid(),
    wallet_id uuid not null references wallets (id),
    type text not null check (type in ('FUND', 'SPEND', 'FEE', 'REFUND')),
    amount_cents bigint not null,
    balance_before_cents bigint null,
    balance_after_cents bigint null,
    gateway_id uuid null,
    venue_id text null,
    platform_fee_cents bigint null,
    vendor_payout_cents bigint null,
    provider_tx_id text null,
    entry_number integer null,
    entry_type text null,
    metadata jsonb not null default '{}'::jsonb,
    timestamp timestamptz not null default clock_timestamp()
  )`,
  'create index if not exists transactions_wallet_idx on transactions (wallet_id, timestamp)',
  `create unique index if not exists transactions_provider_tx_uq on transactions (provider_tx_id)
    where provider_tx_id is not null`,
  `create table if not exists entry_events (
    id text primary key,
    wallet_id uuid not null references wallets (id),
    wallet_binding_id text not null,
    venue_id text not null,
    gateway_id uuid not null,
    entry_number integer not null,
    entry_type text not null check (entry_type in ('initial', 're_entry')),
    interaction_method text not null,
    initial_entry_fee_cents bigint not null,
    venue_reentry_fee_cents bigint not null,
    valid_reentry_scan_fee_cents bigint not null,
    total_fees_cents bigint not null,
    receipt_id uuid not null,
    status text not null,
    timestamp timestamptz not null default clock_timestamp()
  )`,
  `create unique index if not exists entry_events_number_uq
    on entry_events (wallet_binding_id, venue_id, entry_number)`,
  `create table if not exists venue_entry_configs (
    venue_id text primary key,
    event_id text null,
    re_entry_allowed boolean not null default true,
    initial_entry_fee_cents bigint null,
    venue_reentry_fee_cents bigint null,
    valid_reentry_scan_fee_cents bigint null,
    max_reentries integer null
  )`,
  `create table if not exists gateway_points (
    id uuid primary key default gen_random_uuid(),
    venue_id text not null,
    name text not null,
    type text not null check (type in ('ENTRY_POINT', 'INTERNAL_AREA', 'TABLE_SEAT')),
    status text not null check (status in ('ENABLED', 'DISABLED'))
  )`,
  `create table if not exists vendor_items (
    id uuid primary key default gen_random_uuid(),
    venue_id text not null,
    name text not null,
    price_cents bigint not null,
    available boolean not null default true
  )`,
  `create table if not exists audit_logs (
    id uuid primary key default gen_random_uuid(),
    user_id uuid null,
    action text not null,
    resource_type text not null,
    resource_id text null,
    metadata jsonb not null default '{}'::jsonb,
    timestamp timestamptz not null default clock_timestamp()
  )`,
  // Sandbox only: the sessions the sandbox's Stripe double handed out. GhostPass keeps no such
  // row (there is no pending state in GhostPass itself); the double needs it for verify-session.
  `create table if not exists sandbox_checkout_sessions (
    id text primary key,
    amount_cents bigint not null,
    wallet_binding_id text not null,
    device_fingerprint text null,
    created_at timestamptz not null default clock_timestamp(),
    completed_at timestamptz null
  )`,
];

/** Creates every table and index that does not exist yet (idempotent). */
export async function applySchema(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    for (const sql of SCHEMA_STATEMENTS) await tx.query(sql);
  });
}
