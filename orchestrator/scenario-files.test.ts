/**
 * Every bundled scenario (scenarios/*.json) loads by its name, and its devices can serve its rates:
 * with each patron taking as long as the protocol allows (an entry its p95 limit, a purchase its
 * p95 limit, a top-up its mean payment time plus its API calls), the lanes of each operation's
 * virtual devices are busy less than all of the time. A planner dry run of 30 s hands every
 * operation with a rate its events, each to a device of the right kind.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KIND_OPERATION, OPERATIONS, type Operation } from '../contract/operations.js';
import { deviceConfigs } from './device-configs.js';
import { createPlanner } from './planner.js';
import { inputSource, loadScenario, type Scenario, withOverrides } from './scenario.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');
const NAMES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => basename(f, '.json'));

/** The wallet app's default payment time (devices/config.ts `stripeDelayMs`). */
const DEFAULT_PAYMENT_MS = 1500;
/** Its log-normal (sigma 0.35, devices/kinds/wallet-app-stripe.ts): mean = median × e^(σ²/2). */
const LOGNORMAL_MEAN = Math.exp(0.35 ** 2 / 2);
/** Balance read, checkout session, webhook and the poll that sees the credit. */
const FUNDING_CALLS_SECONDS = 0.2;

function secondsPerPatron(s: Scenario, op: Operation): number {
  if (op === 'entry') return s.thresholds.entryP95Seconds;
  if (op === 'concession') return s.thresholds.concessionP95Seconds;
  const payment = (s.operations.funding.paymentTime ?? DEFAULT_PAYMENT_MS) / 1000;
  return payment * LOGNORMAL_MEAN + FUNDING_CALLS_SECONDS;
}

function lanesFor(s: Scenario, op: Operation): number {
  return s.devices
    .filter((d) => KIND_OPERATION[d.kind] === op && inputSource(d.input) === 'virtual')
    .reduce((n, d) => n + d.lanes, 0);
}

const ITEMS = [
  { id: 'item-beer', name: 'Beer', priceCents: 800 },
  { id: 'item-water', name: 'Water', priceCents: 300 },
];

describe('the bundled scenarios', () => {
  it('include the protocol scenarios A-E beside demo, pilot, collisions and chaos', () => {
    for (const n of ['entry', 'concession', 'funding', 'reentry', 'full', 'demo', 'pilot'])
      expect(NAMES).toContain(n);
  });

  it.each(NAMES)('%s loads by name and its devices can serve its rates', async (name) => {
    const s = await loadScenario(name);
    expect(s.name).toBe(name);
    for (const op of OPERATIONS) {
      const perMinute = s.operations[op].perMinute;
      if (perMinute === 0) continue;
      const busy = ((perMinute / 60) * secondsPerPatron(s, op)) / lanesFor(s, op);
      expect(busy, `${name}: ${op} lanes busy ${(busy * 100).toFixed(0)} %`).toBeLessThan(1);
    }
    const planner = createPlanner({
      scenario: withOverrides(s, { durationMs: 30_000 }),
      seed: 1,
      startAt: 0,
      items: ITEMS,
      walletRef: (n) => ({ binding: `wallet_test_${n}`, fingerprint: `device_test_${n}` }),
    });
    const events = planner.next(Number.POSITIVE_INFINITY);
    const kindOf = new Map(s.devices.map((d) => [d.id, d.kind]));
    for (const { event, device } of events) {
      expect(KIND_OPERATION[kindOf.get(device) ?? 'wallet-app']).toBe(event.op);
    }
    for (const op of OPERATIONS) {
      const planned = events.filter((e) => e.event.op === op).length;
      const want = s.operations[op].perMinute / 2;
      expect(Math.abs(planned - want), `${name}: ${op} planned in 30 s`).toBeLessThanOrEqual(1);
    }
  });

  it('A-E carry their own abort thresholds; B starts inside, D re-enters, C pays for a while', async () => {
    for (const n of ['entry', 'concession', 'funding', 'reentry', 'full']) {
      const s = await loadScenario(n);
      expect(s.abort, n).toMatchObject({ failureRate: 0.05, sojournP99Seconds: 10 });
    }
    expect((await loadScenario('concession')).crowd.startInside).toBe(2000);
    expect((await loadScenario('reentry')).crowd.reentry).toEqual({ share: 0.5, dwell: 10_000 });
    const funding = await loadScenario('funding');
    expect(funding.devices).toEqual([expect.objectContaining({ kind: 'wallet-app', lanes: 50 })]);
    expect(funding.operations.funding.paymentTime).toBe(3000);
    const full = await loadScenario('full');
    const pilot = await loadScenario('pilot');
    expect(full.devices).toEqual(pilot.devices);
    expect(full.duration).toBe(pilot.duration);
    expect(full.crowd).toMatchObject({ wallets: 5000, maxInside: 2000 });
  });

  it("C's payment time reaches the wallet app; a caller's own Stripe delay still wins", async () => {
    const funding = await loadScenario('funding');
    const configs = (stripeDelayMs?: number) =>
      deviceConfigs({
        scenario: funding,
        target: {
          baseUrl: 'http://127.0.0.1:1',
          ids: { venueId: 'v', eventId: 'e', entryGateways: [], concessionGateways: [], items: [] },
          webhookSecret: 'whsec_test',
        },
        fleet: 'f',
        broker: { url: 'mqtt://127.0.0.1:1', token: 't' },
        stateDir: '/tmp/x',
        seed: 1,
        ...(stripeDelayMs === undefined ? {} : { stripeDelayMs }),
      });
    expect(configs()[0]).toMatchObject({ kind: 'wallet-app', lanes: 50, stripeDelayMs: 3000 });
    expect(configs(300)[0]?.stripeDelayMs).toBe(300);
    const demo = await loadScenario('demo');
    expect(demo.operations.funding.paymentTime).toBeUndefined();
  });
});
