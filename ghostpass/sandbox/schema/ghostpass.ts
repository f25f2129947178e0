/**
 * `ghostpass` mode's schema: the tables the patron handlers touch, as the real GhostPass defines
 * them (bethenitro/GhostPass 17d47d9: `supabase.sql`, plus `ghost-pass/migrations/
 * entry_flow_and_notifications.sql` which adds entry_events.receipt_id/status, and
 * `vendor_items_schema.sql`). What matters for the defects is kept exactly:
 * - no unique index on `transactions.provider_tx_id` (defects 5, 11) nor on
 *   `entry_events (wallet_binding_id, venue_id, entry_number)` (defect 3);
 * - no unique index on wallets' binding or fingerprint (only plain indexes,
 *   add_device_fingerprint_indexes.sql); `venue_entry_configs.venue_id` not unique;
 * - `transactions` has no `wallet_binding_id` column (defect 10) and its `interaction_method` is
 *   the enum `interaction_method` while `entry_events.interaction_method` is text (defect 9);
 * - `transactions.gateway_id` is text; `wallets.balance_cents` is nullable (defect 12);
 * - `audit_logs` has `admin_user_id` and no `user_id`/`details` (the purchase's audit insert fails).
 * Deviations (ghostpass/sandbox/README.md): timestamps are timestamptz stamped with
 * clock_timestamp() so rows order by when they were written; columns no patron handler touches
 * and foreign keys to `users`/`auth.users` are left out; the `interaction_method` enum's values
 * are not in any schema file of the repository, so they are taken from every other definition
 * there (`CHECK (interaction_method IN ('QR', 'NFC'))`, ARCHITECTURE.md "ENUM: QR, NFC").
 */
import { SANDBOX_TABLES } from './sandbox-tables.js';

/** CREATE TYPE has no IF NOT EXISTS: swallow duplicate_object so applySchema stays idempotent. */
const enumType = (name: string, values: readonly string[]): string =>
  `do $$ begin create type ${name} as enum (${values.map((v) => `'${v}'`).join(', ')});
   exception when duplicate_object then null; end $$`;

export const GHOSTPASS_SCHEMA: readonly string[] = [
  enumType('gateway_status', ['ENABLED', 'DISABLED']),
  enumType('gateway_type', ['ENTRY_POINT', 'INTERNAL_AREA', 'TABLE_SEAT']),
  enumType('interaction_method', ['QR', 'NFC']),
  `create table if not exists wallets (
    id uuid default gen_random_uuid() primary key,
    user_id uuid,
    balance_cents bigint,
    updated_at timestamptz default clock_timestamp(),
    is_refund_eligible boolean,
    device_fingerprint text,
    biometric_hash text,
    wallet_binding_id text,
    ghost_pass_token text,
    device_bound boolean,
    last_entry_at timestamptz default clock_timestamp(),
    entry_count integer,
    wallet_surfaced boolean,
    pwa_installed boolean,
    recovery_code_hash text
  )`,
  'create index if not exists idx_wallets_device_fingerprint on wallets (device_fingerprint)',
  'create index if not exists idx_wallets_wallet_binding_id on wallets (wallet_binding_id)',
  `create table if not exists transactions (
    id uuid default gen_random_uuid() primary key,
    wallet_id uuid references wallets (id),
    type text,
    amount_cents bigint not null,
    gateway_id text,
    venue_id text,
    metadata jsonb,
    timestamp timestamptz default clock_timestamp(),
    balance_before_cents integer,
    balance_after_cents integer,
    vendor_name text,
    gateway_name text,
    gateway_type gateway_type,
    provider_tx_id text,
    interaction_method interaction_method,
    platform_fee_cents integer,
    vendor_payout_cents integer,
    context text,
    device_fingerprint text,
    vendor_id text,
    entry_number integer,
    entry_type text,
    venue_reentry_fee_cents integer,
    valid_reentry_scan_fee_cents integer
  )`,
  `create table if not exists gateway_points (
    id uuid default gen_random_uuid() primary key,
    venue_id text not null,
    name text not null,
    status gateway_status not null,
    type gateway_type not null,
    created_at timestamptz default clock_timestamp(),
    updated_at timestamptz default clock_timestamp(),
    number integer,
    accepts_ghostpass boolean,
    linked_area_id uuid references gateway_points (id),
    employee_name text not null,
    employee_id text not null,
    visual_identifier text
  )`,
  `create table if not exists venue_entry_configs (
    id uuid default gen_random_uuid() primary key,
    venue_id text not null,
    event_id text,
    re_entry_allowed boolean not null,
    initial_entry_fee_cents integer not null,
    venue_reentry_fee_cents integer not null,
    valid_reentry_scan_fee_cents integer not null,
    max_reentries integer,
    reentry_time_limit_hours integer,
    created_at timestamptz default clock_timestamp(),
    updated_at timestamptz default clock_timestamp()
  )`,
  `create table if not exists entry_events (
    id text not null primary key,
    wallet_id uuid references wallets (id),
    wallet_binding_id text not null,
    event_id text,
    venue_id text not null,
    entry_number integer not null,
    entry_type text not null,
    timestamp timestamptz default clock_timestamp(),
    gateway_id uuid references gateway_points (id),
    gateway_name text,
    initial_entry_fee_cents integer not null,
    venue_reentry_fee_cents integer not null,
    valid_reentry_scan_fee_cents integer not null,
    total_fees_cents integer not null,
    device_fingerprint text,
    interaction_method text not null,
    metadata jsonb,
    receipt_id uuid,
    status text default 'APPROVED',
    pass_id text,
    verification_tier integer default 1 check (verification_tier in (1, 2, 3))
  )`,
  `create table if not exists vendor_items (
    id uuid primary key default gen_random_uuid(),
    venue_id text not null,
    event_id text,
    name text not null,
    description text,
    price_cents integer not null check (price_cents >= 0),
    category text not null check (category in ('FOOD', 'BEVERAGE', 'MERCHANDISE', 'SERVICE', 'OTHER')),
    available boolean default true,
    created_at timestamptz default clock_timestamp(),
    updated_at timestamptz default clock_timestamp()
  )`,
  `create table if not exists audit_logs (
    id uuid default gen_random_uuid() primary key,
    admin_user_id uuid,
    action text not null,
    resource_type text not null,
    resource_id text,
    old_value jsonb,
    new_value jsonb,
    timestamp timestamptz default clock_timestamp(),
    metadata jsonb
  )`,
  ...SANDBOX_TABLES,
];
