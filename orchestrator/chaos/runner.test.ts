import { describe, expect, it } from 'vitest';
import type { FaultSet } from '../../ghostpass/fault-proxy.js';
import { type ChaosActions, createChaosRunner, type WebhookFaults } from './runner.js';
import { parseTimeline } from './timeline.js';

const START = 1_000_000;

/** Records every action with the fake clock's time. */
function recorder(clock: { t: number }) {
  const calls: [number, string, unknown][] = [];
  const actions: ChaosActions = {
    kill: (id) => void calls.push([clock.t - START, 'kill', id]),
    revive: (id) => void calls.push([clock.t - START, 'revive', id]),
    setDbLatency: (ms) => void calls.push([clock.t - START, 'db', ms]),
    setHttpFaults: (f: FaultSet) => void calls.push([clock.t - START, 'http', f]),
    setWebhookFaults: (f: WebhookFaults) => void calls.push([clock.t - START, 'webhook', f]),
  };
  return { calls, actions };
}

function setup(timeline: unknown, actions?: Partial<ChaosActions>) {
  const clock = { t: START - 1500 };
  const rec = recorder(clock);
  const log: string[] = [];
  const runner = createChaosRunner({
    timeline: parseTimeline(timeline),
    startAt: START,
    actions: { ...rec.actions, ...actions },
    log: (l) => log.push(l),
    now: () => clock.t,
  });
  /** Tick every 200 ms up to `untilMs` after the start, like the arrivals loop (at +100, +300, ...). */
  const runTo = (untilMs: number) => {
    const out = [];
    while (clock.t + 200 <= START + untilMs) {
      clock.t += 200;
      out.push(...runner.tick());
    }
    return out;
  };
  return { clock, runner, calls: rec.calls, log, runTo };
}

describe('chaos runner with a fake clock', () => {
  it('kills at `at`, revives after `for`, at the first tick past each', () => {
    const { runner, calls, runTo } = setup([
      { at: '2m', for: '3m', fault: { kind: 'kill', device: 'door-1' } },
    ]);
    expect(runTo(119_900)).toEqual([]);
    expect(calls).toEqual([]);
    const started = runTo(120_100);
    expect(started).toEqual([
      {
        at: START + 120_100,
        entry: 0,
        fault: { kind: 'kill', device: 'door-1' },
        phase: 'start',
        detail: 'kill door-1: scheduled at +2m, 100 ms late',
      },
    ]);
    runTo(299_900);
    expect(calls).toEqual([[120_100, 'kill', 'door-1']]);
    const ended = runTo(300_300);
    expect(ended.map((e) => [e.phase, e.at - START])).toEqual([['end', 300_100]]);
    expect(calls).toEqual([
      [120_100, 'kill', 'door-1'],
      [300_100, 'revive', 'door-1'],
    ]);
    expect(runner.events().map((e) => e.phase)).toEqual(['start', 'end']);
  });

  it('overlapping knob faults compose, and each end leaves the others in place', () => {
    const { calls, runTo } = setup([
      { at: '10s', for: '20s', fault: { kind: 'db-latency', addMs: 800 } },
      { at: '20s', for: '20s', fault: { kind: 'db-latency', addMs: 200 } },
      { at: '15s', for: '10s', fault: { kind: 'http-5xx', mode: 'reject', rate: 0.1 } },
      { at: '0s', fault: { kind: 'webhook-duplicate', share: 0.1 } },
      { at: '5s', for: '10s', fault: { kind: 'webhook-duplicate', share: 0.5 } },
    ]);
    runTo(60_000);
    const db = calls.filter((c) => c[1] === 'db').map((c) => [c[0], c[2]]);
    expect(db).toEqual([
      [10_100, 800],
      [20_100, 1000],
      [30_100, 200],
      [40_100, 0],
    ]);
    const http = calls.filter((c) => c[1] === 'http').map((c) => [c[0], c[2]]);
    expect(http).toEqual([
      [15_100, [{ kind: '5xx', mode: 'reject', rate: 0.1 }]],
      [25_100, []],
    ]);
    const dup = calls
      .filter((c) => c[1] === 'webhook')
      .map((c) => [c[0], Number((c[2] as WebhookFaults).duplicateShare.toFixed(4))]);
    expect(dup).toEqual([
      [100, 0.1],
      [5_100, 0.55],
      [15_100, 0.1],
    ]);
  });

  it('a late tick performs everything due, in time order (a revive before the next kill)', () => {
    const { clock, runner, calls } = setup([
      { at: '1s', for: '1s', fault: { kind: 'kill', device: 'door-1' } },
      { at: '2s', for: '1s', fault: { kind: 'kill', device: 'door-1' } },
    ]);
    clock.t = START + 2_500;
    const events = runner.tick();
    expect(events.map((e) => `${e.phase} ${e.entry}`)).toEqual(['start 0', 'end 0', 'start 1']);
    expect(calls.map((c) => c[1])).toEqual(['kill', 'revive', 'kill']);
    expect(events[2]?.detail).toBe('kill door-1: scheduled at +2s, 500 ms late');
  });

  it('stop ends the knob faults still on; a device without `for` stays down', () => {
    const { runner, calls, runTo } = setup([
      { at: '5s', fault: { kind: 'offline', device: 'concession-3' } },
      { at: '8s', fault: { kind: 'db-latency', addMs: 800 } },
    ]);
    runTo(10_000);
    const ended = runner.stop();
    expect(ended.map((e) => [e.entry, e.phase, e.detail])).toEqual([
      [1, 'end', 'db-latency +800ms: the run ended'],
    ]);
    expect(calls.map((c) => [c[1], c[2]])).toEqual([
      ['kill', 'concession-3'],
      ['db', 800],
      ['db', 0],
    ]);
    expect(runner.tick()).toEqual([]);
  });

  it('an action that fails is logged and kept, and never stops the timeline', async () => {
    const { runner, log, runTo } = setup(
      [
        { at: '1s', fault: { kind: 'kill', device: 'door-1' } },
        { at: '2s', fault: { kind: 'kill', device: 'door-2' } },
      ],
      {
        kill: async (id) => {
          if (id === 'door-1') throw new Error('no such process');
        },
      },
    );
    expect(runTo(3_000)).toHaveLength(2);
    await runner.settled();
    expect(runner.failures()).toEqual(['chaos: kill door-1 failed: no such process']);
    expect(log).toContain('chaos: kill door-1 failed: no such process');
  });
});
