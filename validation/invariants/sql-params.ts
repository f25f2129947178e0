/**
 * Binds the invariants' named parameters to positional ones with explicit casts. Only the names a
 * query uses are bound: PostgreSQL (through `pg`) rejects a parameter whose type it cannot infer,
 * so an unused `$2` would fail.
 */
import type { Scope } from './types.js';

const CASTS = {
  t0: 'timestamptz',
  venues: 'text[]',
  wallets: 'text',
  sessions: 'text[]',
  session_amounts: 'bigint[]',
} as const;
type Name = keyof typeof CASTS;

// `::jsonb` casts must not be read as parameters: a name needs a non-colon before its colon.
const PARAM = /(?<![:\w]):(t0|venues|wallets|sessions|session_amounts)\b/g;

function paramValue(name: Name, scope: Scope): unknown {
  switch (name) {
    case 't0':
      return scope.t0.toISOString();
    case 'venues':
      return [...scope.venueIds];
    case 'wallets':
      return scope.walletPattern;
    case 'sessions':
      return (scope.sessions ?? []).map((s) => s.sessionId);
    case 'session_amounts':
      return (scope.sessions ?? []).map((s) => s.amountCents ?? null);
  }
}

export function bindParams(sql: string, scope: Scope): { text: string; params: unknown[] } {
  const order: Name[] = [];
  const text = sql.replace(PARAM, (_m, name: Name) => {
    let i = order.indexOf(name);
    if (i < 0) i = order.push(name) - 1;
    return `$${i + 1}::${CASTS[name]}`;
  });
  return { text, params: order.map((n) => paramValue(n, scope)) };
}
