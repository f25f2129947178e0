import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { throttle } from './throttle.js';

describe('throttle', () => {
  it('publishes the first change at once, folds a burst into one trailing publication', async () => {
    const at: number[] = [];
    const t0 = performance.now();
    const t = throttle(() => at.push(performance.now() - t0), {
      intervalMs: 100,
      now: () => performance.now(),
    });
    for (let i = 0; i < 50; i++) t.changed();
    expect(at).toHaveLength(1);
    await delay(160);
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(99);
    await delay(150);
    expect(at).toHaveLength(2); // nothing changed: nothing sent
  });

  it('flush sends what is pending now; cancel drops it', () => {
    let n = 0;
    const t = throttle(() => n++, { intervalMs: 10_000, now: () => performance.now() });
    t.changed();
    t.changed();
    t.flush();
    expect(n).toBe(2);
    t.changed();
    t.cancel();
    t.flush();
    expect(n).toBe(2);
  });
});
