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
  });
  it('a steady climb is not flat', () => {
    expect(judgeRss([100, 100, 105, 110, 115, 120, 125, 130], 1)?.flat).toBe(false);
  });
  it('nothing after warm-up: no verdict', () => {
    expect(judgeRss([1, 2], 2)).toBeNull();
  });
});
