/**
 * The chaos runner driving real parts on the real clock: the embedded sandbox (PGlite) behind a
 * real fault proxy, called by the real GhostPass client (undici). Requests are judged against the
 * times the runner actually acted (its events), not against nominal offsets, so a slow tick on a
 * loaded machine moves the window and the verdict with it: no race.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epochNow } from '../../contract/clock.js';
import { createRng } from '../../contract/rng.js';
import { type ApiResult, createGhostPassClient } from '../../ghostpass/client.js';
import { type FaultProxy, startFaultProxy } from '../../ghostpass/fault-proxy.js';
import { type Sandbox, startSandbox } from '../../ghostpass/sandbox/server.js';
import { chaosActions, timelineProblems } from './actions.js';
import { createChaosRunner } from './runner.js';
import { parseTimeline } from './timeline.js';

let sb: Sandbox;
let proxy: FaultProxy;
beforeAll(async () => {
  sb = await startSandbox({ webhookSecret: 'whsec_test_chaos', wallets: 5 });
  const rng = createRng(3);
  proxy = await startFaultProxy({
    target: new URL(sb.url),
    random: (label) => rng.fork(label).next,
  });
});
afterAll(async () => {
  await proxy?.close();
  await sb?.close();
});

const timeline = parseTimeline([
  { at: '300ms', for: '2500ms', fault: { kind: 'db-latency', addMs: 400 } },
  { at: '3200ms', for: '1s', fault: { kind: 'http-5xx', mode: 'reject', path: '/api/wallet' } },
]);

describe('chaos timeline against a real sandbox and fault proxy', () => {
  it('refuses faults the run has no part for', () => {
    expect(timelineProblems(timeline, { sandbox: false, proxy: true, webhooks: true })).toEqual([
      'chaos: 0.fault: db-latency +400ms needs the embedded sandbox (its per-statement delay)',
    ]);
    expect(timelineProblems(timeline, { sandbox: true, proxy: false, webhooks: false })).toEqual([
      'chaos: 1.fault: http-5xx 100% reject /api/wallet needs the fault proxy (--fault-proxy)',
    ]);
    expect(timelineProblems(timeline, { sandbox: true, proxy: true, webhooks: false })).toEqual([]);
  });

  it('slow statements only inside the latency window, 503s only inside the 5xx window', async () => {
    const client = createGhostPassClient({ baseUrl: proxy.url, timeoutMs: 5000 });
    const runner = createChaosRunner({
      timeline,
      startAt: epochNow() + 100,
      actions: chaosActions({
        devices: { kill: () => {}, revive: () => {} },
        sandbox: sb,
        proxy,
        webhooks: null,
      }),
      log: () => {},
      now: epochNow,
    });
    const ticker = setInterval(() => runner.tick(), 20);
    const results: ApiResult<unknown>[] = [];
    const until = epochNow() + 4700;
    try {
      while (epochNow() < until) {
        results.push(await client.balance('device_test_1'));
        await sleep(15);
      }
    } finally {
      clearInterval(ticker);
      await client.close();
    }
    const ev = runner.events();
    expect(ev.map((e) => `${e.entry} ${e.phase}`)).toEqual([
      '0 start',
      '0 end',
      '1 start',
      '1 end',
    ]);
    const [dbOn, dbOff, errOn, errOff] = ev.map((e) => e.at) as [number, number, number, number];
    const inside = (r: ApiResult<unknown>, from: number, to: number) =>
      r.sent >= from && r.responded <= to;
    const service = (r: ApiResult<unknown>) => r.responded - r.sent;

    const slow = results.filter((r) => inside(r, dbOn, dbOff));
    const clean = results.filter(
      (r) => inside(r, 0, dbOn) || inside(r, dbOff, errOn) || r.sent >= errOff,
    );
    expect(slow.length).toBeGreaterThan(0);
    expect(slow.every((r) => r.kind === 'ok' && service(r) >= 400)).toBe(true);
    expect(clean.length).toBeGreaterThan(10);
    expect(clean.every((r) => r.kind === 'ok' && service(r) < 300)).toBe(true);

    const rejected = results.filter((r) => r.sent >= errOn && r.responded <= errOff);
    expect(rejected.length).toBeGreaterThan(5);
    expect(rejected.every((r) => r.kind === 'error' && r.code === 'http_503')).toBe(true);
    // One request sent just before the window may reach the proxy just inside it.
    expect(proxy.stats().faults.reject - rejected.length).toBeGreaterThanOrEqual(0);
    expect(proxy.stats().faults.reject - rejected.length).toBeLessThanOrEqual(1);
  });

  it('what a device sees of each proxy fault: stall → timeout, reset → error, replace → error but done', async () => {
    const client = createGhostPassClient({ baseUrl: proxy.url, timeoutMs: 400 });
    const direct = createGhostPassClient({ baseUrl: sb.url });
    const cents = async () => {
      const r = await direct.balance('device_test_2');
      if (r.kind !== 'ok') throw new Error(`balance: ${r.kind}`);
      return r.body.balance_cents;
    };
    try {
      proxy.setFaults([{ kind: 'stall', path: '/api/wallet/balance' }]);
      expect(await client.balance('device_test_2')).toMatchObject({ kind: 'timeout' });
      proxy.setFaults([{ kind: 'reset' }]);
      expect(await client.balance('device_test_2')).toMatchObject({ kind: 'error' });
      // The work was done but the device saw an error: the case reconciliation must explain.
      const before = await cents();
      proxy.setFaults([{ kind: '5xx', mode: 'replace', path: '/api/wallet/fund' }]);
      expect(await client.fund('device_test_2', 5)).toMatchObject({
        kind: 'error',
        status: 500,
        code: 'http_500',
      });
      expect(await cents()).toBe(before + 500);
      proxy.setFaults([]);
      expect(await client.balance('device_test_2')).toMatchObject({ kind: 'ok' });
      expect(proxy.stats()).toMatchObject({ stalled: 0 });
    } finally {
      proxy.setFaults([]);
      await client.close();
      await direct.close();
    }
  });
});
