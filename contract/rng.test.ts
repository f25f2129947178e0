import { describe, expect, it } from 'vitest';
import { createRng } from './rng.js';

const draw = (seed: number | string, n: number): number[] => {
  const r = createRng(seed);
  return Array.from({ length: n }, () => r.next());
};

describe('createRng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(draw(42, 50)).toEqual(draw(42, 50));
    expect(draw(42, 50)).not.toEqual(draw(43, 50));
    expect(draw('42', 5)).toEqual(draw(42, 5));
  });

  it('stays in range', () => {
    const r = createRng(1);
    let bad = 0;
    for (let i = 0; i < 10_000; i++) {
      const u = r.next();
      const k = r.int(7);
      if (!(u >= 0 && u < 1 && Number.isInteger(k) && k >= 0 && k < 7)) bad++;
      if (!(r.exponential(2) >= 0)) bad++;
    }
    expect(bad).toBe(0);
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.pick([])).toThrow(RangeError);
  });

  it('has roughly uniform output and the right exponential mean', () => {
    const r = createRng('uniform');
    const buckets = new Array(10).fill(0);
    let expSum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      buckets[Math.floor(r.next() * 10)]++;
      expSum += r.exponential(4);
    }
    for (const b of buckets) expect(Math.abs(b - n / 10)).toBeLessThan(n / 100); // ±10 %
    expect(expSum / n).toBeCloseTo(0.25, 2);
  });

  it('forks streams that do not depend on what the parent drew', () => {
    const a = createRng(7);
    const b = createRng(7);
    for (let i = 0; i < 100; i++) b.next();
    const fa = a.fork('entry');
    const fb = b.fork('entry');
    expect(Array.from({ length: 20 }, () => fa.next())).toEqual(
      Array.from({ length: 20 }, () => fb.next()),
    );
    expect(a.fork('entry').next()).not.toBe(a.fork('funding').next());
    expect(a.fork('x').seed).toBe('7/x');
  });
});
