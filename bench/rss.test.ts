import { describe, expect, it } from 'vitest';
import { judgeRss, parseVmRss, readRss } from './rss.js';

describe('rss', () => {
  it('parses VmRSS from /proc/<pid>/status, and reads our own', () => {
    expect(parseVmRss('Name:\tnode\nVmRSS:\t   51200 kB\nThreads: 7\n')).toBe(51200 * 1024);
    expect(parseVmRss('Name:\tzombie\n')).toBeNull();
    expect(readRss('self')).toBeGreaterThan(1024 * 1024);
    expect(readRss(2 ** 22 + 12345)).toBeNull();
  });
  it('judges flat after warm-up within ±10 %, reporting the warm-up too', () => {
    const v = judgeRss([50, 80, 100, 104, 98, 102, 101], 2);
    expect(v).toMatchObject({ first: 50, last: 101, min: 50, max: 104, baseline: 101, flat: true });
    expect(v?.withinBand).toBe(true);
  });
  it('a GC peak is outside the band but not drift: flat', () => {
    const v = judgeRss([100, 101, 99, 125, 100, 102, 100, 99, 101], 0);
    expect(v?.withinBand).toBe(false);
    expect(v?.flat).toBe(true);
  });
  it('a steady climb is not flat', () => {
    const v = judgeRss([100, 100, 105, 110, 115, 120, 125, 130], 1);
    expect(v?.flat).toBe(false);
    // after warm-up the thirds are [100, 105] and [125, 130]: lower medians 100 and 125
    expect(v?.drift).toBeCloseTo(0.25);
  });
  it('nothing after warm-up: no verdict', () => {
    expect(judgeRss([1, 2], 2)).toBeNull();
  });
});
