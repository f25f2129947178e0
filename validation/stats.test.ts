import { describe, expect, it } from 'vitest';
import type { EventResult } from '../contract/payloads.js';
import { createStats } from './stats.js';

/** A result whose service is `serviceMs`, sojourn `sojournMs` and schedule lag `lagMs`. */
function r(
  op: EventResult['op'],
  serviceMs: number,
  sojournMs: number,
  lagMs?: number,
  extra: Partial<EventResult> = {},
): EventResult {
  const at = 1_000_000;
  return {
    id: 'x',
    op,
    outcome: 'ok',
    source: 'virtual',
    at,
    ...(lagMs !== undefined && { queued: at + lagMs }),
    sent: at + 5,
    responded: at + 5 + serviceMs,
    decided: at + sojournMs,
    ...extra,
  };
}

describe('stats', () => {
  it('records service, sojourn and schedule lag in seconds', () => {
    const stats = createStats();
    for (let i = 1; i <= 100; i++) stats.recordResult('door-1', r('entry', i, 2 * i, 1));
    const service = stats.summary('service', { op: 'entry' });
    expect(service.count).toBe(100);
    expect(service.p50).toBeCloseTo(0.05, 3);
    expect(service.p95).toBeCloseTo(0.095, 3);
    expect(service.p99).toBeCloseTo(0.099, 3);
    expect(service.max).toBeCloseTo(0.1, 3);
    expect(service.mean).toBeCloseTo(0.0505, 3);
    expect(stats.summary('sojourn', { op: 'entry' }).max).toBeCloseTo(0.2, 3);
    expect(stats.summary('lag', { device: 'door-1' }).p95).toBeCloseTo(0.001, 4);
  });

  it('merges histograms and never averages percentiles', () => {
    const stats = createStats();
    // door-1: 90 fast scans; door-2: 10 slow ones. Union p95 is slow; the average of p95s is not.
    for (let i = 0; i < 90; i++) stats.recordResult('door-1', r('entry', 10, 10));
    for (let i = 0; i < 10; i++) stats.recordResult('door-2', r('entry', 1000, 1000));
    const d1 = stats.summary('service', { device: 'door-1' }).p95 ?? 0;
    const d2 = stats.summary('service', { device: 'door-2' }).p95 ?? 0;
    const all = stats.summary('service', { op: 'entry' });
    expect(all.count).toBe(100);
    expect(all.p95).toBeCloseTo(1, 2);
    expect((d1 + d2) / 2).toBeCloseTo(0.505, 2);
    expect(stats.keys()).toHaveLength(2);
  });

  it('separates sources and operations, and is empty (null) without samples', () => {
    const stats = createStats();
    stats.recordResult('door-hw', r('entry', 20, 30, undefined, { source: 'physical' }));
    expect(stats.summary('service', { op: 'entry', source: 'virtual' })).toEqual({
      p50: null,
      p95: null,
      p99: null,
      max: null,
      mean: null,
      count: 0,
      censored: 0,
    });
    expect(stats.summary('service', { source: 'physical' }).count).toBe(1);
    expect(stats.summary('lag', { source: 'physical' }).count).toBe(0);
    expect(stats.summary('service', { op: 'funding' }).count).toBe(0);
  });

  it('counts a dropped patron as a censored sojourn, clamps clock skew, records without a response', () => {
    const stats = createStats();
    stats.recordResult('door-1', r('entry', 10, 10_000, 5, { outcome: 'dropped' }));
    // The patron waited 10 s and was turned away: a lower bound, counted and marked censored.
    expect(stats.summary('sojourn')).toMatchObject({ count: 1, censored: 1 });
    expect(stats.summary('sojourn').max).toBeCloseTo(10, 2);
    expect(stats.summary('service').count).toBe(0);
    expect(stats.summary('lag').count).toBe(1);
    stats.recordCensored({ op: 'entry', device: 'door-1', source: 'virtual' }, 20_000);
    expect(stats.summary('sojourn')).toMatchObject({ count: 2, censored: 2 });
    expect(stats.summary('sojourn', { op: 'concession' })).toMatchObject({ count: 0, censored: 0 });
    stats.recordResult('door-1', r('entry', 10, 20, -3)); // queued before at: another host's clock
    expect(stats.summary('lag').p50).toBe(0);
    const { sent: _s, responded: _r, ...noReply } = r('entry', 0, 5000);
    stats.recordResult('door-1', { ...noReply, outcome: 'timeout' });
    expect(stats.summary('service').count).toBe(1);
    expect(stats.summary('sojourn').max).toBeCloseTo(20, 2);
    expect(stats.summary('sojourn').censored).toBe(2);
  });
});
