/**
 * The columns the invariants (validation/invariants/, reconcile/) and GhostPass's own handlers look
 * rows up by, which need an index on a 5,000-wallet database: without one every check and every
 * patron request scans the table, and a run measures the scan, not GhostPass. The protocol's
 * pre-test SQL creates them (bethenitro/GhostPass `ghost-pass/stress-tests/pre-test-setup.sql`,
 * "CREATE REQUIRED INDEXES"; add_device_fingerprint_indexes.sql). Next to required-schema.ts:
 * that file says which columns must exist, this one which must be indexed. `preflight` checks them.
 * An index covers a column when the column leads it (a b-tree serves lookups on its first column).
 */
export interface RequiredIndex {
  table: string;
  column: string;
  /** Who looks rows up by it (a preflight ✗ says so). */
  why: string;
}

export const REQUIRED_INDEXES: readonly RequiredIndex[] = Object.freeze([
  {
    table: 'wallets',
    column: 'wallet_binding_id',
    why: 'every invariant selects the test wallets by it; the scan and purchase find the wallet by it',
  },
  {
    table: 'wallets',
    column: 'device_fingerprint',
    why: 'I9; every patron request checks its fingerprint',
  },
  {
    table: 'transactions',
    column: 'wallet_id',
    why: 'I2, I3, I8 join the ledger to its wallet',
  },
  {
    table: 'transactions',
    column: 'provider_tx_id',
    why: "I8; the webhook's dedupe lookup",
  },
  {
    table: 'entry_events',
    column: 'wallet_binding_id',
    why: "I4, I5; the entry scan's count of earlier entries",
  },
]);
