/**
 * What the planner (planner.ts) puts in an arrival: its id, its wallet (the crowd's choice), its
 * details per operation — an entry's method, a purchase's cart and method, a top-up's amount —
 * and its device, round-robin over the devices of the operation's kind in the order given.
 * Each operation draws its details from its own fork (`<op>.details`).
 */
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { KIND_OPERATION, type Method, OPERATIONS, type Operation } from '../contract/operations.js';
import type { Cart, PlanEvent, WalletRef } from '../contract/payloads.js';
import type { Rng } from '../contract/rng.js';
import type { Crowd } from './crowd.js';
import type { Item, PlannedEvent, PlannerDevice } from './planner.js';
import type { Scenario } from './scenario.js';

const ID_DIGITS = 6;

export interface EventMaker {
  readonly scenario: Scenario;
  readonly items: readonly Item[];
  readonly walletRef: (n: number) => WalletRef;
  readonly crowd: Crowd;
  readonly details: Record<Operation, Rng>;
  /** Device ids per operation, in the order given. */
  readonly byOp: Record<Operation, string[]>;
  readonly roundRobin: Record<Operation, number>;
  /** Ids handed out so far per operation: also the planned counts. */
  readonly seq: Record<Operation, number>;
}

/** Devices per operation; a clear error when an operation with a rate has none, or no items. */
export function devicesByOp(
  scenario: Scenario,
  devices: readonly PlannerDevice[],
  items: readonly Item[],
): Record<Operation, string[]> {
  const byOp: Record<Operation, string[]> = { entry: [], concession: [], funding: [] };
  for (const d of devices) byOp[KIND_OPERATION[d.kind]].push(d.id);
  for (const op of OPERATIONS) {
    if (scenario.operations[op].perMinute > 0 && byOp[op].length === 0) {
      throw new GhostfleetError(ErrorCodes.BadConfig, `no device can perform ${op}`, {
        details: [`${op} is planned at ${scenario.operations[op].perMinute}/min`],
      });
    }
  }
  if (scenario.operations.concession.perMinute > 0 && items.length === 0) {
    throw new GhostfleetError(
      ErrorCodes.BadConfig,
      'purchases are planned but the target has no items',
    );
  }
  return byOp;
}

export function readerMethod(scenario: Scenario, op: 'entry' | 'concession', rng: Rng): Method {
  return rng.chance(scenario.operations[op].nfcShare) ? 'NFC' : 'QR';
}

export function nextDevice(m: EventMaker, op: Operation): string {
  const list = m.byOp[op];
  const id = list[m.roundRobin[op] % list.length] as string;
  m.roundRobin[op]++;
  return id;
}

export function nextId(m: EventMaker, op: Operation): string {
  m.seq[op]++;
  return `${op[0]}-${String(m.seq[op]).padStart(ID_DIGITS, '0')}`;
}

export function drawCart(m: Pick<EventMaker, 'scenario' | 'items'>, rng: Rng): Cart {
  const cfg = m.scenario.operations.concession;
  const item = rng.pick(m.items);
  const quantity = 1 + rng.int(cfg.maxQuantity);
  const subtotal = item.priceCents * quantity;
  // A tip of 10-20 % rounded to 25 cents, like a tip screen's preset buttons.
  const tipCents = rng.chance(cfg.tipShare)
    ? Math.max(25, Math.round((subtotal * (0.1 + 0.1 * rng.next())) / 25) * 25)
    : 0;
  return {
    itemId: item.id,
    itemName: item.name,
    unitPriceCents: item.priceCents,
    quantity,
    tipCents,
  };
}

function entryEvent(m: EventMaker, id: string, at: number): PlanEvent {
  const method = readerMethod(m.scenario, 'entry', m.details.entry);
  return { id, op: 'entry', at, wallet: m.walletRef(m.crowd.entry(at)), method };
}

function purchaseEvent(m: EventMaker, id: string, at: number): PlanEvent {
  const rng = m.details.concession;
  const cart = drawCart(m, rng);
  const method = readerMethod(m.scenario, 'concession', rng);
  const total = cart.unitPriceCents * cart.quantity + cart.tipCents;
  const wallet = m.walletRef(m.crowd.purchase(at, total));
  return { id, op: 'concession', at, wallet, method, cart };
}

function fundingEvent(m: EventMaker, id: string, at: number): PlanEvent {
  const amountCents = m.details.funding.pick(m.scenario.operations.funding.amountsCents);
  const wallet = m.walletRef(m.crowd.funding(at, amountCents));
  // Funding happens in the wallet app, not at a reader: the method is nominal.
  return { id, op: 'funding', at, wallet, method: 'QR', amountCents };
}

const BUILDERS: Record<Operation, (m: EventMaker, id: string, at: number) => PlanEvent> = {
  entry: entryEvent,
  concession: purchaseEvent,
  funding: fundingEvent,
};

/** An ordinary arrival of `op` at `at` (epoch ms) and the device that serves it. */
export function makeEvent(m: EventMaker, op: Operation, at: number): PlannedEvent {
  const event = BUILDERS[op](m, nextId(m, op), at);
  return { event, device: nextDevice(m, op) };
}
