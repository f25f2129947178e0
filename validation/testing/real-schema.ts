/**
 * Test support: the seven tables validation reads, as GhostPass's real `supabase.sql` defines them
 * (bethenitro/GhostPass at 17d47d9): no unique index anywhere, `transactions.gateway_id` text,
 * `balance_cents` nullable, enum `type`/`status` on gateway_points, `timestamp` without time zone,
 * no `entry_events.receipt_id`, `audit_logs.admin_user_id` instead of `user_id`. Foreign keys to
 * tables validation never reads (users) are left out; `uuid_generate_v4()` is `gen_random_uuid()`
 * (PGlite has no uuid-ossp). Only the columns that matter to the fleet are kept.
 */
export const REAL_SCHEMA: readonly string[] = [
  `create type gateway_type as enum ('ENTRY_POINT', 'INTERNAL_AREA', 'TABLE_SEAT')`,
  `create type gateway_status as enum ('ENABLED', 'DISABLED')`,
  `create table wallets (id uuid default gen_random_uuid() primary key, user_id uuid,
    balance_cents bigint, updated_at timestamp default now(), device_fingerprint text,
    wallet_binding_id text, device_bound boolean, last_entry_at timestamp default now(),
    entry_count integer)`,
  `create table transactions (id uuid default gen_random_uuid() primary key,
    wallet_id uuid references wallets (id), type text, amount_cents bigint not null,
    gateway_id text, venue_id text, metadata jsonb, timestamp timestamp default now(),
    balance_before_cents integer, balance_after_cents integer, vendor_name text,
    gateway_name text, gateway_type gateway_type, provider_tx_id text, platform_fee_cents integer,
    vendor_payout_cents integer, device_fingerprint text, entry_number integer, entry_type text,
    venue_reentry_fee_cents integer, valid_reentry_scan_fee_cents integer)`,
  `create table gateway_points (id uuid default gen_random_uuid() primary key,
    venue_id text not null, name text not null, status gateway_status not null,
    type gateway_type not null, employee_name text not null, employee_id text not null)`,
  `create table venue_entry_configs (id uuid default gen_random_uuid() primary key,
    venue_id text not null, event_id text, re_entry_allowed boolean not null,
    initial_entry_fee_cents integer not null, venue_reentry_fee_cents integer not null,
    valid_reentry_scan_fee_cents integer not null, max_reentries integer)`,
  `create table entry_events (id text not null primary key, wallet_id uuid references wallets (id),
    wallet_binding_id text not null, event_id text, venue_id text not null,
    entry_number integer not null, entry_type text not null, timestamp timestamp default now(),
    gateway_id uuid references gateway_points (id), gateway_name text,
    initial_entry_fee_cents integer not null, venue_reentry_fee_cents integer not null,
    valid_reentry_scan_fee_cents integer not null, total_fees_cents integer not null,
    device_fingerprint text, interaction_method text not null, metadata jsonb)`,
  `create table vendor_items (id uuid default gen_random_uuid() primary key, venue_id text,
    name text, price_cents integer, available boolean)`,
  `create table audit_logs (id uuid default gen_random_uuid() primary key, admin_user_id uuid,
    action text not null, resource_type text not null, resource_id text, old_value jsonb,
    new_value jsonb, timestamp timestamp default now(), metadata jsonb)`,
];
