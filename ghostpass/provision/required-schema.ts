/**
 * The tables and columns the fleet writes through GhostPass and the invariants (validation/
 * invariants/, reconcile/) query, with GhostPass's names (supabase.sql at bethenitro/GhostPass
 * 17d47d9; GHOSTPASS.md "Tables that matter"). `seed` refuses a database that lacks one, and
 * `health` lists what is missing, so a run never "passes" over absent columns (the old
 * validator's failure).
 */
export const REQUIRED_SCHEMA: Readonly<Record<string, readonly string[]>> = Object.freeze({
  wallets: ['id', 'balance_cents', 'device_fingerprint', 'wallet_binding_id', 'updated_at'],
  transactions: [
    'id',
    'wallet_id',
    'type',
    'amount_cents',
    'balance_before_cents',
    'balance_after_cents',
    'gateway_id',
    'venue_id',
    'platform_fee_cents',
    'vendor_payout_cents',
    'provider_tx_id',
    'metadata',
    'timestamp',
  ],
  entry_events: [
    'id',
    'wallet_id',
    'wallet_binding_id',
    'venue_id',
    'gateway_id',
    'entry_number',
    'entry_type',
    'initial_entry_fee_cents',
    'venue_reentry_fee_cents',
    'valid_reentry_scan_fee_cents',
    'total_fees_cents',
    'receipt_id',
    'timestamp',
  ],
  venue_entry_configs: [
    'venue_id',
    'event_id',
    're_entry_allowed',
    'initial_entry_fee_cents',
    'venue_reentry_fee_cents',
    'valid_reentry_scan_fee_cents',
  ],
  gateway_points: ['id', 'venue_id', 'name', 'type', 'status'],
  vendor_items: ['id', 'venue_id', 'name', 'price_cents'],
  audit_logs: ['action', 'resource_type', 'resource_id', 'metadata', 'timestamp'],
});
