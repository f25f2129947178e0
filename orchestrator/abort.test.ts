import { describe, expect, it } from 'vitest';
import { AbortSchema, createAbortMonitor } from './abort.js';

describe('abort thresholds', () => {
  it('abort on a failure share over the window, not on a few early errors', () => {
    const m = createAbortMonitor(
      AbortSchema.parse({ failureRate: 0.05, window: '1m', minEvents: 20 }),
    );
    for (let i = 0; i < 5; i++) m.observe({ at: 1000 + i, outcome: 'error' });
    expect(m.check(2000)).toBeNull(); // 5 events: fewer than minEvents
    for (let i = 0; i < 95; i++) m.observe({ at: 2000 + i, outcome: 'ok', sojournMs: 100 });
    expect(m.check(3000)).toBeNull(); // 5 % is not above 5 %
    m.observe({ at: 3000, outcome: 'unserved' });
    expect(m.check(3001)).toMatch(/5\.9 % failures over the last 60 s \(6 of 101\) > 5\.0 %/);
    // A minute later the errors have left the window.
    for (let i = 0; i < 30; i++) m.observe({ at: 70_000 + i, outcome: 'ok', sojournMs: 100 });
    expect(m.check(70_100)).toBeNull();
  });

  it('abort on the window sojourn p99', () => {
    const m = createAbortMonitor(AbortSchema.parse({ sojournP99Seconds: 10, window: 30_000 }));
    for (let i = 0; i < 99; i++) m.observe({ at: i, outcome: 'ok', sojournMs: 200 });
    expect(m.check(100)).toBeNull();
    m.observe({ at: 100, outcome: 'timeout', sojournMs: 12_000 });
    m.observe({ at: 101, outcome: 'timeout', sojournMs: 12_500 });
    expect(m.check(200)).toMatch(/sojourn p99 12\.00 s over the last 30 s > 10 s/);
  });

  it('names every problem of a bad abort block', () => {
    const r = AbortSchema.safeParse({ failureRate: 2, window: 'soon', extra: 1 });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join('.') || i.code);
    expect(paths).toEqual(expect.arrayContaining(['failureRate', 'window']));
  });
});
