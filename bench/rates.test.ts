import { describe, expect, it } from 'vitest';
import { droppedShare, percent, perEvent, rateError, ratio } from './rates.js';

describe('bench rates', () => {
  it('rate error is the absolute share off the planned count', () => {
    expect(rateError(1000, 1000)).toBe(0);
    expect(rateError(1000, 990)).toBeCloseTo(0.01);
    expect(rateError(1000, 1010)).toBeCloseTo(0.01);
    expect(rateError(0, 0)).toBeNull();
  });
  it('dropped share, messages per event and ratios guard empty denominators', () => {
    expect(droppedShare(2000, 1)).toBeCloseTo(0.0005);
    expect(droppedShare(0, 0)).toBeNull();
    expect(perEvent(30, 120)).toBe(0.25);
    expect(perEvent(5, 0)).toBeNull();
    expect(ratio(4, 0.2)).toBeCloseTo(20);
    expect(ratio(4, 0)).toBeNull();
    expect(ratio(null, 1)).toBeNull();
  });
  it('formats percentages, with - for nothing', () => {
    expect(percent(0)).toBe('0.00 %');
    expect(percent(0.0005, 3)).toBe('0.050 %');
    expect(percent(null)).toBe('-');
  });
});
