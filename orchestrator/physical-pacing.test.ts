import { describe, expect, it } from 'vitest';
import { createPhysicalPacer } from './physical-pacing.js';

describe('physical pacing', () => {
  it('keeps virtual + physical on the target rate when a physical reader scans 60/min', () => {
    // Simulate 120 s: the target is 200/min, a physical reader adds one scan per second.
    const rate = 200;
    let factor = 1;
    let virtual = 0;
    let physical = 0;
    let carry = 0;
    const pacer = createPhysicalPacer({
      ops: ['entry'],
      targetPerMinute: () => rate,
      virtualPlanned: () => virtual,
      physicalCount: () => physical,
      rateScale: (_op, f) => {
        factor = f;
      },
      startAt: 0,
      endsAt: 120_000,
      lookaheadMs: 0,
    });
    for (let t = 0; t < 120_000; t += 100) {
      carry += (rate * factor * 100) / 60_000;
      while (carry >= 1) {
        virtual++;
        carry--;
      }
      if (t % 1000 === 0 && t > 0) physical++;
      pacer.update(t);
    }
    const total = virtual + physical;
    expect(Math.abs(total - 400) / 400).toBeLessThan(0.03);
    expect(physical).toBeGreaterThan(100);
    // Once settled, the virtual share is about 140/min.
    expect(factor).toBeGreaterThan(0.55);
    expect(factor).toBeLessThan(0.85);
  });

  it('does nothing without physical readers', () => {
    const pacer = createPhysicalPacer({
      ops: [],
      targetPerMinute: () => 200,
      virtualPlanned: () => 0,
      physicalCount: () => 0,
      rateScale: () => {
        throw new Error('must not be called');
      },
      startAt: 0,
      endsAt: 60_000,
      lookaheadMs: 3000,
    });
    expect(pacer.update(10_000)).toBeNull();
  });
});
