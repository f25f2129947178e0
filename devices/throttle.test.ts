import { describe, expect, it, vi } from 'vitest';
import { throttle } from './throttle.js';

describe('throttle', () => {
  it('publishes the first change at once, folds a burst into one trailing publication', () => {
    // A fake clock: the trailing publication's timing is the rule under test, not the machine's
    // load (with real timers a busy machine fired the trailing timer late and the test failed).
    vi.useFakeTimers();
    try {
      const at: number[] = [];
      const t = throttle(() => at.push(Date.now()), { intervalMs: 100, now: () => Date.now() });
      const t0 = Date.now();
      for (let i = 0; i < 50; i++) t.changed();
      expect(at).toEqual([t0]);
      vi.advanceTimersByTime(99);
      expect(at).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(at).toEqual([t0, t0 + 100]);
      vi.advanceTimersByTime(500);
      expect(at).toHaveLength(2); // nothing changed: nothing sent
      t.changed(); // a change long after the window: at once
      expect(at).toEqual([t0, t0 + 100, t0 + 600]);
    } finally {
      vi.useRealTimers();
    }
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
