/**
 * Where `ghostfleet seed` / `rollback` / `health` read and write test data, behind one small
 * interface: `pgStore` (pg-store.ts) over any PostgreSQL connection, and `supabaseStore`
 * (supabase-store.ts) through supabase-js/PostgREST for `--target staging`. Every write method is
 * idempotent: it adds only what is missing, found by natural key, so a re-run after an
 * interruption completes the seed and a second run adds nothing.
 */
import type { TargetIds, TargetItem } from '../target.js';
import type { EntryConfigPlan, GatewayPlan, VenuePlan } from './plan.js';

export interface Ensured<T> {
  value: T;
  /** How many rows this call inserted (0 when everything existed). */
  created: number;
}

export interface WalletBatch {
  created: number;
  /**
   * Opening FUND rows written (default `created`): more when a re-run over REST completes wallets
   * an interrupted one wrote without their row (supabase-wallets.ts).
   */
  openings?: number;
  /** Existing test wallets below the opening balance raised to it (one FUND row each). */
  toppedUp: number;
}

export interface TableCount {
  table: string;
  rows: number;
}

export interface SchemaProblem {
  table: string;
  /** Absent columns; empty when the whole table is absent. */
  missingColumns: string[];
}

export interface TestDataReport {
  /** The venue has a `venue_entry_configs` row. */
  entryConfig: boolean;
  /** Each named gateway that is absent, of another venue, of the wrong type or not ENABLED. */
  badGateways: string[];
  missingItems: string[];
  testWallets: number;
}

export interface ProvisionStore {
  /** A redacted name for messages (never a password). */
  readonly label: string;
  /** Tables/columns the fleet and the invariants need that the database lacks (empty: all there). */
  schemaProblems(): Promise<SchemaProblem[]>;
  ensureEntryConfig(venue: VenuePlan): Promise<Ensured<EntryConfigPlan>>;
  /** Gateway uuids by name. */
  ensureGateways(
    venueId: string,
    gateways: readonly GatewayPlan[],
  ): Promise<Ensured<Map<string, string>>>;
  ensureItems(venue: VenuePlan): Promise<Ensured<TargetItem[]>>;
  /**
   * Test wallets `from..to` (inclusive) with an opening FUND row each. pg: in one transaction (a
   * batch is all or nothing); supabase: wallets then their rows, a cut between them completed by
   * the next call. Either way an interrupted seed is finished by the next one.
   */
  ensureWallets(
    from: number,
    to: number,
    openingCents: number,
    topUp: boolean,
  ): Promise<WalletBatch>;
  /** How many `wallet_test_N` wallets exist (1..N counted once each). */
  countTestWallets(): Promise<number>;
  /** What of the test data `ids` names the database holds (health). */
  findTestData(ids: TargetIds): Promise<TestDataReport>;
  /** Deletes the test venues' rows and the test wallets' rows in one transaction. */
  deleteTestData(venueIds: readonly string[]): Promise<TableCount[]>;
  close(): Promise<void>;
}
