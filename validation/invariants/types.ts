/**
 * Invariants I1–I12 (GHOSTPASS.md "Invariants to check after a run"). Each is a list of checks;
 * each check is one SQL query whose rows are the offending rows. The runner (`run-check.ts`)
 * wraps it to return the uncapped count and the first rows (the old suite capped every query at
 * 1,000 rows, so most checks passed vacuously).
 *
 * SQL uses named parameters, bound by `sql-params.ts`:
 *   :t0 (timestamptz, run start) · :venues (text[]) · :wallets (text, LIKE pattern)
 *   :sessions (text[]) and :session_amounts (bigint[], null where unknown): the fleet's checkout sessions
 */
import type { Row } from '../db/backend.js';

export type InvariantId = `I${number}`;

export interface Check {
  /** What a row of this check means, e.g. `duplicate entry_number`. */
  problem: string;
  sql: string;
  /** ORDER BY for the sample, over the check's own columns: samples are deterministic. */
  order: string;
  /** Skip this check (with a note) unless the scope has this input. */
  needs?: 'sessions';
}

export interface Invariant {
  id: InvariantId;
  name: string;
  checks: readonly Check[];
  /** Reported, never fails the run (I12). */
  reportOnly?: boolean;
}

export interface Scope {
  /** Run start: only rows written since count as the run's. */
  t0: Date;
  venueIds: readonly string[];
  /** LIKE pattern of the test wallets' wallet_binding_id. */
  walletPattern: string;
  /** The fleet's created checkout sessions (from the journal); I8's pending check needs them. */
  sessions?: readonly { sessionId: string; amountCents?: number }[];
  /** Sample size per invariant (≤ 20). */
  sampleSize: number;
}

export interface InvariantResult {
  id: string;
  name: string;
  ok: boolean;
  /** Uncapped: every violation counted (a row can violate more than one check). */
  count: number;
  /** The first offending rows (≤ sampleSize), each with its `problem`. */
  sample: Row[];
  note?: string;
  reportOnly?: boolean;
  /** Wall time of this invariant's queries. */
  ms?: number;
}

export const DEFAULT_WALLET_PATTERN = 'wallet_test_%';
export const MAX_SAMPLE = 20;
