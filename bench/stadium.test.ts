import { describe, expect, it } from 'vitest';
import { loadScenario } from '../orchestrator/scenario.js';
import { HUNDRED_X, lanesFor, STADIUM, venueScenario } from './stadium.js';

describe('venue scenarios', () => {
  it('stadium has 60 doors, 200 POS terminals, 60,000 wallets and its rates', async () => {
    const s = venueScenario(await loadScenario('demo'), { ...STADIUM, durationMs: 60_000 });
    expect(s.devices.filter((d) => d.kind === 'entry-scanner')).toHaveLength(60);
    expect(s.devices.filter((d) => d.kind === 'pos-terminal')).toHaveLength(200);
    expect(new Set(s.devices.map((d) => d.id)).size).toBe(s.devices.length);
    expect(s.crowd.wallets).toBe(60_000);
    expect(s.operations.entry.perMinute).toBe(3000);
    expect(s.operations.concession.perMinute).toBe(2000);
    expect(s.duration).toBe(60_000);
  });
  it('100x pilot is 100 × demo entry and concession rates', async () => {
    const demo = await loadScenario('demo');
    const s = venueScenario(demo, { ...HUNDRED_X, durationMs: 20_000 });
    expect(s.operations.entry.perMinute).toBe(demo.operations.entry.perMinute * 100);
    expect(s.operations.concession.perMinute).toBe(demo.operations.concession.perMinute * 100);
  });
  it('sizes lanes with headroom, within the schema bounds', () => {
    expect(lanesFor(3000, 60)).toBe(1);
    expect(lanesFor(20_000, 60)).toBe(3);
    expect(lanesFor(1e9, 1)).toBe(1000);
  });
});
