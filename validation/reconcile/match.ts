/**
 * I10's matching: pairs the fleet's requests with the run's write units.
 *
 * 1. Every 200 claims its rows: an entry by the `receipt_id` it was given, a purchase by wallet +
 *    amount charged + time (the target's clock within `slackMs` of the request's sent…responded),
 *    a credit by `sessionId` = `provider_tx_id` (every FUND row of that session: a double credit is
 *    I8's to report, not an unsent request).
 * 2. Every unit left over is attributed to the nearest request of the same wallet and operation
 *    whose time window holds it and that did not get a 200. If that request timed out, its device
 *    died (`interrupted`) or it has a `late` record, the row is *explained*; a 4xx (`declined`)
 *    or any other outcome that wrote a row is corruption; a row with no such request is too.
 * Between the two, a request that retried (a call with `retryOf`: the same operation sent again
 * with the same Idempotency-Key after a timeout) and got its 200 meant ONE charge: every further
 * row of its wallet and amount within its window is a `double_charge` (defect 4), never a
 * timed-out request's explained row. A target that honours the key writes one row: it passes.
 */
import type { Operation } from '../../contract/operations.js';
import type { EventResult } from '../../contract/payloads.js';
import { answers, type FleetRequest, sawOk } from './requests.js';
import type { RowUnit, UnitKind } from './rows.js';

export type MatchClass =
  | 'matched'
  | 'explained'
  | 'receipt_missing'
  | 'ok_without_rows'
  | 'ok_rows_incomplete'
  | 'declined_wrote_rows'
  | 'failed_wrote_rows'
  | 'row_without_request'
  | 'double_charge';

export interface Finding {
  cls: MatchClass;
  eventId?: string;
  op?: Operation;
  wallet: string;
  outcome?: string;
  unit?: { kind: UnitKind; key: string; atMs: number; amountCents: number | null };
  detail?: string;
}

const OP_OF: Record<UnitKind, Operation> = {
  entry: 'entry',
  purchase: 'concession',
  fund: 'funding',
};
const EXPLAINING = new Set(['timeout', 'interrupted']);

/** A 200 seen only in a `late` record: the rows are real, the fleet's terminal said otherwise. */
function matchedAs(req: FleetRequest): [MatchClass, string?] {
  return req.outcome === 'ok' ? ['matched'] : ['explained', `late 200 after ${req.outcome}`];
}

function unitRef(u: RowUnit): NonNullable<Finding['unit']> {
  return { kind: u.kind, key: u.key, atMs: u.atMs, amountCents: u.amountCents };
}

/** What a concession 200 charged: the device's figure, else the planned cart's. */
function chargedOf(req: FleetRequest, ok: EventResult): number | undefined {
  if (ok.chargedCents !== undefined) return ok.chargedCents;
  const c = req.cart;
  return c === undefined ? undefined : c.unitPriceCents * c.quantity + c.tipCents;
}

/** The span in which this request's row may have been written (target clock ± slack). */
function windowOf(req: FleetRequest, slackMs: number): [number, number] {
  const all = answers(req);
  const starts = all.map((a) => a.sent ?? a.at);
  const ends = all.map((a) => a.responded ?? a.decided);
  const from = Math.min(req.at, ...starts) - slackMs;
  // No answer (interrupted: the device died mid-request): the row may land any time after.
  const to = ends.length === 0 ? Number.POSITIVE_INFINITY : Math.max(...ends) + slackMs;
  return [from, to];
}

/** The units, indexed, and what has been claimed so far. */
interface State {
  findings: Finding[];
  claimed: Set<RowUnit>;
  byReceipt: Map<string, RowUnit>;
  bySession: Map<string, RowUnit[]>;
  /** `${kind}|${wallet}` → units in time order */
  byWallet: Map<string, RowUnit[]>;
  slackMs: number;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function indexUnits(units: readonly RowUnit[], slackMs: number): State {
  const st: State = {
    findings: [],
    claimed: new Set(),
    byReceipt: new Map(),
    bySession: new Map(),
    byWallet: new Map(),
    slackMs,
  };
  for (const u of units) {
    if (u.receiptId !== undefined) st.byReceipt.set(u.receiptId, u);
    if (u.providerTxId !== undefined) push(st.bySession, u.providerTxId, u);
    push(st.byWallet, `${u.kind}|${u.wallet}`, u);
  }
  return st;
}

function finding(req: FleetRequest, cls: MatchClass, detail?: string, u?: RowUnit): Finding {
  return {
    cls,
    eventId: req.id,
    op: req.op,
    wallet: req.wallet,
    outcome: req.outcome ?? 'none',
    ...(u ? { unit: unitRef(u) } : {}),
    ...(detail ? { detail } : {}),
  };
}

function claim(st: State, u: RowUnit, req: FleetRequest, cls: MatchClass, detail?: string): void {
  st.claimed.add(u);
  st.findings.push(finding(req, cls, detail, u));
}

/** Step 1 for one request the target said 200 to. */
function claimOk(st: State, req: FleetRequest, ok: EventResult): void {
  if (req.op === 'entry' && ok.receiptId !== undefined) {
    const u = st.byReceipt.get(ok.receiptId);
    if (u === undefined || st.claimed.has(u)) {
      st.findings.push(
        finding(req, 'receipt_missing', `receipt_id ${ok.receiptId} not in the ledger`),
      );
    } else if (u.hasEntry !== true || u.hasDebit !== true) {
      claim(st, u, req, 'ok_rows_incomplete', u.hasEntry ? 'no SPEND row' : 'no entry_events row');
    } else claim(st, u, req, ...matchedAs(req));
    return;
  }
  if (req.op === 'funding' && ok.sessionId !== undefined) {
    const rows = (st.bySession.get(ok.sessionId) ?? []).filter((u) => !st.claimed.has(u));
    if (rows.length === 0) {
      st.findings.push(finding(req, 'ok_without_rows', `no FUND row for session ${ok.sessionId}`));
    }
    for (const u of rows) claim(st, u, req, ...matchedAs(req));
    return;
  }
  // A purchase (or an entry/credit whose answer lacked its id): wallet + amount + time.
  const kind: UnitKind = req.op === 'entry' ? 'entry' : req.op === 'funding' ? 'fund' : 'purchase';
  const amount = req.op === 'funding' ? req.amountCents : chargedOf(req, ok);
  const [from, to] = windowOf(req, st.slackMs);
  const u = (st.byWallet.get(`${kind}|${req.wallet}`) ?? []).find(
    (x) =>
      !st.claimed.has(x) &&
      x.atMs >= from &&
      x.atMs <= to &&
      (amount === undefined || x.amountCents === amount),
  );
  if (u === undefined) st.findings.push(finding(req, 'ok_without_rows', `no ${kind} row`));
  else claim(st, u, req, ...matchedAs(req));
}

/** The calls of the deciding answer that repeat an earlier attempt (retry-after-timeout). */
function retries(ok: EventResult): number {
  return (ok.calls ?? []).filter((c) => c.retryOf !== undefined).length;
}

/**
 * Step 1b: a retried request that got its 200 already claimed one row; the rows its other
 * attempts wrote (same wallet, same amount, inside its window) are charges the patron never
 * meant — defect 4's double charge.
 */
function claimRetried(st: State, requests: readonly FleetRequest[]): void {
  for (const req of requests) {
    const ok = sawOk(req);
    if (ok === undefined || req.op !== 'concession' || retries(ok) === 0) continue;
    const amount = chargedOf(req, ok);
    const [from, to] = windowOf(req, st.slackMs);
    const extra = (st.byWallet.get(`purchase|${req.wallet}`) ?? []).filter(
      (x) =>
        !st.claimed.has(x) &&
        x.atMs >= from &&
        x.atMs <= to &&
        (amount === undefined || x.amountCents === amount),
    );
    const key = ok.idempotencyKey ? `, Idempotency-Key ${ok.idempotencyKey}` : '';
    for (const u of extra) {
      claim(
        st,
        u,
        req,
        'double_charge',
        `${(ok.calls ?? []).length} attempts${key}: charged ${extra.length + 1} times for one purchase`,
      );
    }
  }
}

/** Step 2: who wrote each unit no 200 claimed? The nearest request that got no 200, if any. */
function attributeLeftovers(
  st: State,
  requests: readonly FleetRequest[],
  units: readonly RowUnit[],
): void {
  const candidates = new Map<string, FleetRequest[]>(); // `${op}|${wallet}`
  const sessionOwner = new Map<string, FleetRequest>();
  for (const req of requests) {
    if (sawOk(req) !== undefined) continue;
    push(candidates, `${req.op}|${req.wallet}`, req);
    for (const a of answers(req)) if (a.sessionId) sessionOwner.set(a.sessionId, req);
  }
  const used = new Set<FleetRequest>();
  for (const u of units) {
    if (st.claimed.has(u)) continue;
    let owner = u.providerTxId !== undefined ? sessionOwner.get(u.providerTxId) : undefined;
    if (owner === undefined) {
      let best: { req: FleetRequest; d: number } | undefined;
      for (const req of candidates.get(`${OP_OF[u.kind]}|${u.wallet}`) ?? []) {
        const [from, to] = windowOf(req, st.slackMs);
        if (used.has(req) || u.atMs < from || u.atMs > to) continue;
        const d = Math.abs(u.atMs - req.at);
        if (best === undefined || d < best.d) best = { req, d };
      }
      owner = best?.req;
    }
    if (owner === undefined) {
      st.claimed.add(u);
      st.findings.push({ cls: 'row_without_request', wallet: u.wallet, unit: unitRef(u) });
      continue;
    }
    used.add(owner);
    const late = owner.late.length > 0;
    const cls: MatchClass =
      late || EXPLAINING.has(owner.outcome ?? '')
        ? 'explained'
        : owner.outcome === 'declined'
          ? 'declined_wrote_rows'
          : 'failed_wrote_rows';
    claim(st, u, owner, cls, late ? 'late result' : undefined);
  }
}

export function matchJournal(
  requests: readonly FleetRequest[],
  units: readonly RowUnit[],
  slackMs: number,
): Finding[] {
  const st = indexUnits(units, slackMs);
  // Fuzzy matches (wallet + amount + time) go in order of window end, each taking the earliest
  // free row in its window: the greedy order that never leaves a request unmatched when some
  // assignment would have matched every one (interval scheduling).
  const byWindowEnd = [...requests].sort(
    (a, b) => windowOf(a, slackMs)[1] - windowOf(b, slackMs)[1],
  );
  for (const req of byWindowEnd) {
    const ok = sawOk(req);
    if (ok !== undefined) claimOk(st, req, ok);
  }
  claimRetried(st, requests);
  attributeLeftovers(st, requests, units);
  return st.findings;
}
