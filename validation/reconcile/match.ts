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
  | 'row_without_request';

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

export function matchJournal(
  requests: readonly FleetRequest[],
  units: readonly RowUnit[],
  slackMs: number,
): Finding[] {
  const findings: Finding[] = [];
  const claimed = new Set<RowUnit>();
  const byReceipt = new Map<string, RowUnit>();
  const bySession = new Map<string, RowUnit[]>();
  const free = new Map<string, RowUnit[]>(); // `${kind}|${wallet}`, time order
  for (const u of units) {
    if (u.receiptId !== undefined) byReceipt.set(u.receiptId, u);
    if (u.providerTxId !== undefined) {
      const list = bySession.get(u.providerTxId) ?? [];
      list.push(u);
      bySession.set(u.providerTxId, list);
    }
    const k = `${u.kind}|${u.wallet}`;
    const list = free.get(k) ?? [];
    list.push(u);
    free.set(k, list);
  }
  const claim = (u: RowUnit, req: FleetRequest, cls: MatchClass, detail?: string) => {
    claimed.add(u);
    findings.push({
      cls,
      eventId: req.id,
      op: req.op,
      wallet: req.wallet,
      outcome: req.outcome ?? 'none',
      unit: unitRef(u),
      ...(detail ? { detail } : {}),
    });
  };
  const base = (req: FleetRequest, cls: MatchClass, detail: string): Finding => ({
    cls,
    eventId: req.id,
    op: req.op,
    wallet: req.wallet,
    outcome: req.outcome ?? 'none',
    detail,
  });

  // 1. Every 200 claims its rows.
  for (const req of requests) {
    const ok = sawOk(req);
    if (ok === undefined) continue;
    if (req.op === 'entry' && ok.receiptId !== undefined) {
      const u = byReceipt.get(ok.receiptId);
      if (u === undefined || claimed.has(u)) {
        findings.push(base(req, 'receipt_missing', `receipt_id ${ok.receiptId} not in the ledger`));
      } else if (u.hasEntry !== true || u.hasDebit !== true) {
        claim(u, req, 'ok_rows_incomplete', u.hasEntry ? 'no SPEND row' : 'no entry_events row');
      } else claim(u, req, ...matchedAs(req));
      continue;
    }
    if (req.op === 'funding' && ok.sessionId !== undefined) {
      const rows = (bySession.get(ok.sessionId) ?? []).filter((u) => !claimed.has(u));
      if (rows.length === 0) {
        findings.push(base(req, 'ok_without_rows', `no FUND row for session ${ok.sessionId}`));
      }
      for (const u of rows) claim(u, req, ...matchedAs(req));
      continue;
    }
    // A purchase (or an entry/credit whose answer lacked its id): wallet + amount + time.
    const kind: UnitKind =
      req.op === 'entry' ? 'entry' : req.op === 'funding' ? 'fund' : 'purchase';
    const amount = req.op === 'funding' ? req.amountCents : chargedOf(req, ok);
    const [from, to] = windowOf(req, slackMs);
    const u = (free.get(`${kind}|${req.wallet}`) ?? []).find(
      (x) =>
        !claimed.has(x) &&
        x.atMs >= from &&
        x.atMs <= to &&
        (amount === undefined || x.amountCents === amount),
    );
    if (u === undefined) findings.push(base(req, 'ok_without_rows', `no ${kind} row`));
    else claim(u, req, ...matchedAs(req));
  }

  // 2. Every unit left over: who wrote it?
  const candidates = new Map<string, FleetRequest[]>(); // `${op}|${wallet}`: no 200 seen
  const sessionOwner = new Map<string, FleetRequest>();
  for (const req of requests) {
    if (sawOk(req) !== undefined) continue;
    const k = `${req.op}|${req.wallet}`;
    const list = candidates.get(k) ?? [];
    list.push(req);
    candidates.set(k, list);
    for (const a of answers(req)) if (a.sessionId) sessionOwner.set(a.sessionId, req);
  }
  const used = new Set<FleetRequest>();
  for (const u of units) {
    if (claimed.has(u)) continue;
    let owner = u.providerTxId !== undefined ? sessionOwner.get(u.providerTxId) : undefined;
    if (owner === undefined) {
      let best: { req: FleetRequest; d: number } | undefined;
      for (const req of candidates.get(`${OP_OF[u.kind]}|${u.wallet}`) ?? []) {
        if (used.has(req)) continue;
        const [from, to] = windowOf(req, slackMs);
        if (u.atMs < from || u.atMs > to) continue;
        const d = Math.abs(u.atMs - req.at);
        if (best === undefined || d < best.d) best = { req, d };
      }
      owner = best?.req;
    }
    if (owner === undefined) {
      claimed.add(u);
      findings.push({ cls: 'row_without_request', wallet: u.wallet, unit: unitRef(u) });
      continue;
    }
    used.add(owner);
    const cls: MatchClass =
      owner.late.length > 0 || EXPLAINING.has(owner.outcome ?? '')
        ? 'explained'
        : owner.outcome === 'declined'
          ? 'declined_wrote_rows'
          : 'failed_wrote_rows';
    claim(u, owner, cls, owner.late.length > 0 ? 'late result' : undefined);
  }
  return findings;
}
