/**
 * Device kinds performing collisions against the real sandbox (PGlite, node:http on port 0, in
 * its own process as in a run) through a recording proxy (real HTTP), with the planner's own
 * events: what reached the target, when, with which headers and bodies. Doors and terminals read through virtual readers
 * (usb-cdc-qr: decode time, wire time, error model), as in a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochNow } from '../../contract/clock.js';
import { BAD_INTERACTION_METHOD, type CollisionKind } from '../../contract/collisions.js';
import type { DeviceKind } from '../../contract/operations.js';
import type { PlanEvent } from '../../contract/payloads.js';
import { createRng } from '../../contract/rng.js';
import { loadProfile } from '../../firmware-profiles/load.js';
import { createGhostPassClient } from '../../ghostpass/client.js';
import { checkoutCompletedEvent, signStripePayload } from '../../ghostpass/stripe-events.js';
import { walletRef } from '../../ghostpass/target.js';
import { createPlanner } from '../../orchestrator/planner.js';
import { loadScenario, type Scenario } from '../../orchestrator/scenario.js';
import { parseDeviceConfig } from '../config.js';
import { openReader } from '../inputs/reader.js';
import { KIND_HANDLERS } from './index.js';
import { type Recorded, type RecordingProxy, startRecordingProxy } from './recording-proxy.js';
import { type SandboxProcess, startSandboxProcess } from './sandbox-process.js';
import type { ServeContext, Served } from './types.js';

const SECRET = 'whsec_collisions_test';
const OPENING = 10_000;
let sb: SandboxProcess;
let proxy: RecordingProxy;
let base: Scenario;
/** Held before forwarding, per path: a slow target for the timeout and overlap cases. */
const holds = new Map<string, number>();
const closers: (() => Promise<void>)[] = [];
let nextWallet = 1;
/** The wallet only warm-up reads touch. */
const WARM_UP = walletRef(40);

beforeAll(async () => {
  sb = await startSandboxProcess({
    wallets: 40,
    openingBalanceCents: OPENING,
    webhookSecret: SECRET,
  });
  proxy = await startRecordingProxy(sb.url, { holdMs: (r) => holds.get(r.path) ?? 0 });
  base = await loadScenario('collisions');
  await warmUp();
});
afterAll(async () => {
  for (const close of closers) await close();
  await proxy?.close();
  await sb?.close();
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One call of every path on the warm-up wallet: first calls pay for connections and plans. */
async function warmUp(): Promise<void> {
  const c = createGhostPassClient({ baseUrl: proxy.url });
  const w = { walletBindingId: WARM_UP.binding, fingerprint: WARM_UP.fingerprint };
  const gatewayId = sb.ids.concessionGateways[0] as string;
  const itemId = sb.ids.items[0]?.id as string;
  await c.entryScan({
    ...w,
    venueId: sb.ids.venueId,
    gatewayId: sb.ids.entryGateways[0] as string,
    method: 'QR',
  });
  await c.purchase({ ...w, itemId, gatewayId, quantity: 1, tipCents: 0, method: 'QR' });
  const session = await c.createCheckoutSession({ ...w, amountCents: 500 });
  const sessionId = session.kind === 'ok' ? session.body.session_id : 'none';
  const raw = checkoutCompletedEvent({ sessionId, amountCents: 500, ...w });
  await c.deliverWebhook(raw, signStripePayload(raw, SECRET));
  await c.verifySession(sessionId);
  await c.fund(WARM_UP.fingerprint, 1);
  await c.close();
}

async function device(kind: DeviceKind, id: string, gatewayId?: string): Promise<ServeContext> {
  const config = parseDeviceConfig(
    {
      id,
      kind,
      fleet: 'test',
      broker: { url: 'mqtt://127.0.0.1:1', token: 'unused' },
      profile: kind === 'wallet-app' ? 'none' : 'usb-cdc-qr',
      input: { input: kind === 'wallet-app' ? 'none' : 'virtual-serial' },
      lanes: 1,
      dropDeadlineMs: 10_000,
      target: {
        baseUrl: proxy.url,
        venueId: sb.ids.venueId,
        eventId: sb.ids.eventId,
        ...(gatewayId ? { gatewayId } : {}),
        timeoutMs: 5000,
        connections: 4,
        ...(kind === 'wallet-app' ? { webhookSecret: SECRET } : {}),
      },
      stateDir: '/nonexistent',
      stripeDelayMs: 20,
      seed: 3,
    },
    'test',
  );
  const rng = createRng(3).fork(`device.${id}`).next; // as devices/device.ts seeds a device
  const reader =
    kind === 'wallet-app'
      ? null
      : await openReader(
          { input: 'virtual-serial', deviceId: `${id}-${process.pid}-${nextWallet}` },
          await loadProfile('usb-cdc-qr'),
          { rng },
        );
  await reader?.start();
  const client = createGhostPassClient({ baseUrl: proxy.url, timeoutMs: 5000, connections: 4 });
  closers.push(async () => {
    await reader?.close();
    await client.close();
  });
  // A device in a run is long-lived: its keep-alive sockets are open before a collision.
  await Promise.all([0, 1].map(() => client.balance(WARM_UP.fingerprint)));
  const faults = { webhook: { delayMedianMs: 0, delayP95Ms: 0, duplicateShare: 0 } };
  return { config, client, reader, now: epochNow, rng, sleep, faults };
}

const doors = () => [
  device('entry-scanner', 'door-1', sb.ids.entryGateways[0]),
  device('entry-scanner', 'door-2', sb.ids.entryGateways[1]),
];
const terminal = (i: number) =>
  device('pos-terminal', `concession-${i}`, sb.ids.concessionGateways[i]);
const phone = () => device('wallet-app', 'wallets');

/**
 * The planner's first collision of `kind` (the scenario at 60/min of that kind alone), moved to
 * start 400 ms from now on a fresh test wallet, its times shifted together.
 */
function planned(kind: CollisionKind): { events: PlanEvent[]; wallet: number } {
  const scenario: Scenario = { ...base, collisions: { kinds: { [kind]: 60 } } };
  const items = sb.ids.items;
  const planner = createPlanner({
    scenario,
    seed: kind,
    startAt: 0,
    items,
    walletRef,
    zeroFeeVenue: { venueId: 'later', gatewayId: 'later' },
  });
  const all = planner.next(60_000).map((p) => p.event);
  const first = all.find((e) => e.collision?.kind === kind) as PlanEvent;
  const group = all.filter((e) => e.collision?.group === first.collision?.group);
  const shift = epochNow() + 400 - first.at;
  const wallet = nextWallet++;
  const events = group.map((e) => ({
    ...e,
    at: e.at + shift,
    ...(kind === 'webhook-unknown-wallet' ? {} : { wallet: walletRef(wallet) }),
    collision: {
      ...(e.collision as NonNullable<PlanEvent['collision']>),
      ...(e.collision?.strikeAt === undefined ? {} : { strikeAt: e.collision.strikeAt + shift }),
    },
  }));
  return { events, wallet };
}

/** Strike members sent their colliding call at the common instant, never before. */
function struck(events: PlanEvent[], results: Served[]): void {
  events.forEach((e, i) => {
    const strikeAt = e.collision?.strikeAt as number;
    expect(strikeAt).toBeGreaterThan(e.at);
    // The colliding call (a phone's webhook comes after its checkout session).
    expect(results[i]?.calls?.[0]?.sent).toBeGreaterThanOrEqual(strikeAt);
  });
}

/** Serve each event on its device at its time, as a device's scheduler and queue do. */
async function serveAll(pairs: [PlanEvent, ServeContext][]): Promise<Served[]> {
  return Promise.all(
    pairs.map(async ([event, ctx]) => {
      await sleep(Math.max(0, event.at - epochNow()));
      return KIND_HANDLERS[ctx.config.kind].serve(event, ctx);
    }),
  );
}

/**
 * The target holds these paths HOLD_MS before serving: two requests that really collide are
 * then in flight together however the shared CPU stalls this process (timing bounds of a few ms
 * would fail on a loaded machine; overlap at the target is what exposes the defects).
 */
const HOLD_MS = 150;
async function holding<T>(paths: string[], fn: () => Promise<T>): Promise<T> {
  for (const p of paths) holds.set(p, HOLD_MS);
  try {
    return await fn();
  } finally {
    for (const p of paths) holds.delete(p);
  }
}
/** Each arrived at the target before the other was answered. */
function overlapped(x: Recorded | undefined, y: Recorded | undefined): void {
  expect(x?.receivedAt).toBeLessThan(y?.answeredAt ?? 0);
  expect(y?.receivedAt).toBeLessThan(x?.answeredAt ?? 0);
}

const on = (path: string, since: number) =>
  proxy.requests.filter((r) => r.path === path && r.receivedAt >= since);
const json = (r: Recorded) => JSON.parse(r.body) as Record<string, unknown>;
const balance = async (w: number) =>
  Number(
    (
      await sb.query<{ b: unknown }>(
        'select balance_cents as b from wallets where wallet_binding_id = $1',
        [walletRef(w).binding],
      )
    )[0]?.b,
  );

describe('device kinds perform collisions', () => {
  it('door-screenshot: two scanners send the one wallet within 50 ms, in flight together', async () => {
    const [d1, d2] = await Promise.all(doors());
    const { events, wallet } = planned('door-screenshot');
    const [a, b] = events as [PlanEvent, PlanEvent];
    const since = epochNow();
    const results = await holding(['/api/entry/scan'], () =>
      serveAll([
        [a, d1 as ServeContext],
        [b, d2 as ServeContext],
      ]),
    );
    const reqs = on('/api/entry/scan', since);
    expect(reqs).toHaveLength(2);
    expect(reqs.map((r) => json(r)['wallet_binding_id'])).toEqual([
      walletRef(wallet).binding,
      walletRef(wallet).binding,
    ]);
    expect(new Set(reqs.map((r) => json(r)['gateway_id']))).toEqual(
      new Set(sb.ids.entryGateways.slice(0, 2)),
    );
    // Planned within 50 ms; each door read first, then sent at its instant (the strike, not the
    // readers' decode times, decides); both were in flight at the target together.
    expect(b.at - a.at).toBeGreaterThan(0);
    expect(b.at - a.at).toBeLessThan(50);
    struck(events, results);
    overlapped(reqs[0], reqs[1]);
    // Correct mode serializes them: one initial entry, one re-entry.
    expect(results.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(results.map((r) => r.entryNumber).sort()).toEqual([1, 2]);
    expect(results.every((r) => r.calls?.length === 1 && r.attempts === 1)).toBe(true);
  });

  it('double-charge: two terminals charge one wallet at once; correct mode loses nothing', async () => {
    const [t1, t2] = await Promise.all([terminal(0), terminal(1)]);
    const { events, wallet } = planned('double-charge');
    const since = epochNow();
    const results = await holding(['/api/vendor/purchase'], () =>
      serveAll([
        [events[0] as PlanEvent, t1],
        [events[1] as PlanEvent, t2],
      ]),
    );
    const reqs = on('/api/vendor/purchase', since);
    expect(reqs).toHaveLength(2);
    struck(events, results);
    overlapped(reqs[0], reqs[1]);
    expect(results.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    const charged = results.reduce((s, r) => s + (r.chargedCents ?? 0), 0);
    expect(charged).toBeGreaterThan(0);
    expect(await balance(wallet)).toBe(OPENING - charged);
  });

  it('purchase-vs-webhook: the purchase and the webhook credit reach the target together', async () => {
    const [t3, app] = await Promise.all([terminal(2), phone()]);
    const { events, wallet } = planned('purchase-vs-webhook');
    const [buy, fund] = events as [PlanEvent, PlanEvent];
    const since = epochNow();
    const results = await holding(['/api/vendor/purchase', '/api/stripe/webhook'], () =>
      serveAll([
        [buy, t3],
        [fund, app],
      ]),
    );
    const purchase = on('/api/vendor/purchase', since);
    const hook = on('/api/stripe/webhook', since);
    expect(purchase).toHaveLength(1);
    expect(hook).toHaveLength(1);
    struck(events, results);
    overlapped(purchase[0], hook[0]);
    expect(on('/api/wallet/balance', since)).toEqual([]); // a racing debit moves it: not polled
    expect(results.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    const bought = results[0]?.chargedCents ?? 0;
    expect(await balance(wallet)).toBe(OPENING - bought + (fund.amountCents ?? 0));
  });

  it('retry-after-timeout: one retry after the short timeout, with the same Idempotency-Key', async () => {
    const t4 = await terminal(3);
    const { events } = planned('retry-after-timeout');
    const since = epochNow();
    holds.set('/api/vendor/purchase', 40); // slower than the first attempt's budget
    let r: Served;
    try {
      [r] = (await serveAll([[events[0] as PlanEvent, t4]])) as [Served];
    } finally {
      holds.delete('/api/vendor/purchase');
    }
    expect(r.attempts).toBe(2);
    expect(r.calls?.map((c) => c.outcome)).toEqual(['timeout', 'ok']);
    expect(r.calls?.map((c) => c.retryOf)).toEqual([undefined, 0]); // the retry names its original
    const first = r.calls?.[0];
    expect(r.outcome).toBe('ok');
    expect(r.sent).toBe(first?.sent); // the patron waited from the first attempt
    const reqs = on('/api/vendor/purchase', since);
    expect(reqs).toHaveLength(2);
    // The target had the whole first request and served it (200) after the client gave up.
    expect(reqs[0]?.status).toBe(200);
    expect(first?.responded).toBeLessThan(reqs[0]?.answeredAt ?? 0);
    expect(reqs[1]?.receivedAt).toBeGreaterThan(first?.responded ?? 0);
    const keys = reqs.map((q) => q.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys).toEqual([r.idempotencyKey, r.idempotencyKey]);
    expect(reqs[0]?.body).toBe(reqs[1]?.body);
  });

  it('webhook-duplicate: delivered again after the first answer; credited once here', async () => {
    const app = await phone();
    const { events, wallet } = planned('webhook-duplicate');
    const since = epochNow();
    const [r] = (await serveAll([[events[0] as PlanEvent, app]])) as [Served];
    const hooks = on('/api/stripe/webhook', since);
    expect(hooks).toHaveLength(2);
    expect(hooks[1]?.body).toBe(hooks[0]?.body); // Stripe re-delivers the same event
    expect(hooks[1]?.receivedAt).toBeGreaterThan(hooks[0]?.answeredAt ?? Number.POSITIVE_INFINITY);
    expect(r.outcome).toBe('ok');
    expect(r.attempts).toBe(2);
    expect(await balance(wallet)).toBe(OPENING + (events[0]?.amountCents ?? 0));
  });

  it('webhook-concurrent and webhook-vs-verify: two deliveries of one session at once', async () => {
    holds.set('/api/stripe/webhook', HOLD_MS);
    holds.set('/api/stripe/verify-session', HOLD_MS);
    try {
      for (const kind of ['webhook-concurrent', 'webhook-vs-verify'] as const) {
        const app = await phone();
        const { events, wallet } = planned(kind);
        const since = epochNow();
        const [r] = (await serveAll([[events[0] as PlanEvent, app]])) as [Served];
        const hooks = on('/api/stripe/webhook', since);
        const verify = on('/api/stripe/verify-session', since);
        const both = kind === 'webhook-concurrent' ? hooks : [...hooks, ...verify];
        expect(both, kind).toHaveLength(2);
        overlapped(both[0], both[1]);
        if (kind === 'webhook-vs-verify')
          expect(json(verify[0] as Recorded)['session_id']).toBe(r.sessionId);
        expect(r.calls?.map((c) => c.name).sort(), kind).toEqual(
          kind === 'webhook-concurrent' ? ['webhook', 'webhook'] : ['verify-session', 'webhook'],
        );
        expect(r.outcome, kind).toBe('ok');
        expect(await balance(wallet), kind).toBe(OPENING + (events[0]?.amountCents ?? 0));
      }
    } finally {
      holds.clear();
    }
  });

  it('webhook-unknown-wallet: a signed event for a wallet that does not exist', async () => {
    const app = await phone();
    const { events } = planned('webhook-unknown-wallet');
    const event = events[0] as PlanEvent;
    const since = epochNow();
    const [r] = (await serveAll([[event, app]])) as [Served];
    const hooks = on('/api/stripe/webhook', since);
    expect(hooks).toHaveLength(1);
    const meta = (json(hooks[0] as Recorded)['data'] as { object: { metadata: unknown } }).object;
    expect(meta.metadata).toMatchObject({ wallet_binding_id: event.wallet.binding });
    expect(event.wallet.binding).toMatch(/^wallet_unknown_/);
    expect(on('/api/wallet/balance', since)).toEqual([]); // GhostPass would create the wallet
    // Correct mode refuses it (404, Stripe retries); GhostPass itself answers 200 and the money is lost (defect 6).
    expect(r.outcome).toBe('declined');
    const rows = await sb.query('select 1 from wallets where wallet_binding_id = $1', [
      event.wallet.binding,
    ]);
    expect(rows).toEqual([]);
  });

  it('bad inputs reach the target as planned: negative cart, bad method, fund NaN', async () => {
    const cases: [CollisionKind, ServeContext][] = [
      ['negative-quantity', await terminal(0)],
      ['negative-tip', await terminal(1)],
      ['bad-interaction-method', (await Promise.all(doors()))[0] as ServeContext],
      ['fund-nan', await phone()],
    ];
    const since = epochNow();
    const served: Record<string, Served> = {};
    for (const [kind, ctx] of cases) {
      const { events } = planned(kind);
      served[kind] = ((await serveAll([[events[0] as PlanEvent, ctx]])) as [Served])[0];
    }
    const buys = on('/api/vendor/purchase', since).map(json);
    expect(buys.map((b) => b['quantity'])[0]).toBe(-1);
    expect(buys.map((b) => b['tip_amount_cents'])[1]).toBe(-100);
    expect(json(on('/api/entry/scan', since)[0] as Recorded)['interaction_method']).toBe(
      BAD_INTERACTION_METHOD,
    );
    expect(on('/api/wallet/fund', since).map((r) => r.body)).toEqual(['{"sources":[{}]}']);
    // The correct sandbox refuses each one (400): declined, nothing charged.
    for (const [kind] of cases) {
      expect(served[kind]?.outcome, kind).toBe('declined');
      expect(served[kind]?.status, kind).toBe(400);
    }
  });

  it("zero-fee-venue: the entry goes to the second venue's gateway; a 0 fee stays 0 here", async () => {
    const venueId = `venue_zero_${process.pid}`;
    await sb.query(
      `insert into venue_entry_configs (venue_id, event_id, re_entry_allowed, initial_entry_fee_cents,
         venue_reentry_fee_cents, valid_reentry_scan_fee_cents, max_reentries)
       values ($1, $2, true, 0, 0, 0, 5)`,
      [venueId, sb.ids.eventId],
    );
    const gw = await sb.query<{ id: string }>(
      `insert into gateway_points (venue_id, name, type, status)
       values ($1, 'zero-door', 'ENTRY_POINT', 'ENABLED') returning id::text as id`,
      [venueId],
    );
    const gatewayId = gw[0]?.id as string;
    const [d1] = await Promise.all(doors());
    const { events, wallet } = planned('zero-fee-venue');
    const event = events[0] as PlanEvent;
    const withVenue = {
      ...event,
      collision: { ...event.collision!, venue: { venueId, gatewayId } },
    };
    const since = epochNow();
    const [r] = (await serveAll([[withVenue, d1 as ServeContext]])) as [Served];
    const body = json(on('/api/entry/scan', since)[0] as Recorded);
    expect(body).toMatchObject({ venue_id: venueId, gateway_id: gatewayId });
    expect(r.outcome).toBe('ok');
    expect(r.chargedCents).toBe(0);
    expect(await balance(wallet)).toBe(OPENING);
  });
});
