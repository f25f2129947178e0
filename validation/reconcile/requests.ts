/**
 * The fleet's side of I10: the run journal folded into one record per request (planned event),
 * with its terminal outcome and every `late` result (a revived device's replayed answers: the
 * target really did the work). Journal records come from `orchestrator/journal.ts`.
 */

import type { JournalRecord } from '../../contract/journal.js';
import type { Operation, Outcome } from '../../contract/operations.js';
import type { Cart, EventResult } from '../../contract/payloads.js';

export interface FleetRequest {
  id: string;
  op: Operation;
  /** wallet_binding_id */
  wallet: string;
  /** Intended arrival (epoch ms). */
  at: number;
  cart?: Cart;
  amountCents?: number;
  /** Terminal outcome; null if the journal never ended it (a journal cut short). */
  outcome: Outcome | null;
  result?: EventResult;
  late: EventResult[];
}

export function foldJournal(records: readonly JournalRecord[]): FleetRequest[] {
  const byId = new Map<string, FleetRequest>();
  for (const r of records) {
    if (r.t === 'planned') {
      byId.set(r.id, {
        id: r.id,
        op: r.op,
        wallet: r.wallet,
        at: r.at,
        ...(r.cart ? { cart: r.cart } : {}),
        ...(r.amountCents !== undefined ? { amountCents: r.amountCents } : {}),
        outcome: null,
        late: [],
      });
      continue;
    }
    if (r.t !== 'end' && r.t !== 'late') continue; // `run` header; `stray`: never planned
    const req = byId.get(r.id);
    if (req === undefined) continue;
    if (r.t === 'end') {
      req.outcome = r.outcome;
      if (r.result) req.result = r.result;
    } else if (r.result) req.late.push(r.result);
  }
  return [...byId.values()];
}

/** Every answer the fleet got for a request: its terminal result, then late ones. */
export function answers(req: FleetRequest): EventResult[] {
  return req.result ? [req.result, ...req.late] : [...req.late];
}

/** Did the target say 200 to this request (in its terminal result or a late one)? */
export function sawOk(req: FleetRequest): EventResult | undefined {
  return answers(req).find((a) => a.outcome === 'ok');
}

/**
 * The checkout sessions the target must have credited (I8's "created, never credited" list), with
 * their planned amounts: those whose webhook GhostPass acknowledged — the wallet app saw the credit
 * (`ok`) or waited for it in vain (`timeout`, `credit_not_seen`). That is defect 6 exactly: a 200
 * for a session it never credits, so Stripe never retries and the money is lost. A delivery the
 * target refused (`declined`/`error`) is left to Stripe's retries and is not counted pending;
 * a row it wrote anyway is I10's `declined_wrote_rows`.
 */
export function fleetSessions(
  requests: readonly FleetRequest[],
): { sessionId: string; amountCents?: number }[] {
  const seen = new Map<string, number | undefined>();
  for (const req of requests) {
    if (req.op !== 'funding') continue;
    for (const a of answers(req)) {
      const acknowledged = a.outcome === 'ok' || a.outcome === 'timeout';
      if (a.sessionId !== undefined && acknowledged && !seen.has(a.sessionId)) {
        seen.set(a.sessionId, req.amountCents);
      }
    }
  }
  return [...seen].map(([sessionId, amountCents]) =>
    amountCents === undefined ? { sessionId } : { sessionId, amountCents },
  );
}
