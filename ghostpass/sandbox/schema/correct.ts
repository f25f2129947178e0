/**
 * `correct` mode's schema: the GhostPass tables the fleet touches, with GhostPass's column names
 * (GHOSTPASS.md "Tables that matter"), plus the constraints GhostPass lacks: one wallet per
 * binding and per fingerprint (I9), one ledger row per Stripe session (I8), unique entry numbers
 * per wallet and venue (I4). Money is bigint cents. `timestamp` defaults to clock_timestamp()
 * (not now(), which is fixed per transaction) so rows order by when they were written (I3).
 * Column types follow supabase.sql where a query could notice (`transactions.gateway_id` is text),
 * so one validation query runs unchanged on both modes and on a real deployment.
 */
import { SANDBOX_TABLES } from './sandbox-tables.js';

export const CORRECT_SCHEMA: readonly string[] = [
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
    gateway_id text null,
    venue_id text null,
    platform_fee_cents bigint null,
    vendor_payout_cents bigint null,
    provider_tx_id text null,
    entry_number integer null,
    entry_type text null,
    -- GhostPass's descriptive columns (supabase.sql), filled as its handlers fill them.
    vendor_name text null,
    gateway_name text null,
    gateway_type text null,
    interaction_method text null check (interaction_method in ('QR', 'NFC')),
    device_fingerprint text null,
    venue_reentry_fee_cents bigint null,
    valid_reentry_scan_fee_cents bigint null,
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
    gateway_name text null,
    device_fingerprint text null,
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
    id uuid not null unique default gen_random_uuid(),
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
    status text not null check (status in ('ENABLED', 'DISABLED')),
    employee_name text null,
    employee_id text null
  )`,
  `create table if not exists vendor_items (
    id uuid primary key default gen_random_uuid(),
    venue_id text not null,
    name text not null,
    price_cents bigint not null,
    category text null,
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
  ...SANDBOX_TABLES,
  // Idempotency-Key (correct mode only; GhostPass has none, defect 4): the first answer to a key,
  // written in the same transaction as the operation, so a retry returns it and writes nothing.
  `create table if not exists sandbox_idempotency (
    key text primary key,
    request_hash text not null,
    status integer not null,
    body jsonb null,
    created_at timestamptz not null default clock_timestamp()
  )`,
];
