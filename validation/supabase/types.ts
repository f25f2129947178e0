/**
 * An invariant evaluated in TypeScript over rows read through PostgREST: each check returns its
 * offending rows (every one: the count is never capped), named like the SQL check it mirrors.
 */
import type { Row } from '../db/backend.js';
import type { RestData, RestSource } from './load.js';

export interface RestScope {
  t0: Date;
  venueIds: readonly string[];
  walletPattern: string;
  /** The fleet's checkout sessions (from a run journal): I8's pending check needs them. */
  sessions?: readonly { sessionId: string; amountCents?: number }[];
}

export interface RestContext {
  src: RestSource;
  scope: RestScope;
  data: RestData;
}

export interface CheckRows {
  problem: string;
  rows: Row[];
  /** Set when the check could not run (the reason goes in the note). */
  skipped?: string;
}

export interface RestInvariant {
  id: string;
  checks(ctx: RestContext): Promise<CheckRows[]>;
}

/** A ledger row's signed effect (scope-sql.ts SIGNED_AMOUNT). */
export function signed(t: { type: string | null; amount_cents: number }): number {
  if (t.type === 'FUND' || t.type === 'REFUND') return t.amount_cents;
  if (t.type === 'SPEND' || t.type === 'FEE') return -t.amount_cents;
  return 0;
}

export function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}
