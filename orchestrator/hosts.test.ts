import { describe, expect, it } from 'vitest';
import { planHosts } from './hosts.js';

const devs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `d-${i + 1}` }));

describe('planHosts', () => {
  it('gives each device its own process by default', () => {
    expect(planHosts(devs(3)).map((h) => [h.hostId, h.devices.length])).toEqual([
      ['d-1', 1],
      ['d-2', 1],
      ['d-3', 1],
    ]);
  });
  it('packs devices into hosts of at most N, every device exactly once', () => {
    const hosts = planHosts(devs(260), 50);
    expect(hosts.map((h) => h.devices.length)).toEqual([50, 50, 50, 50, 50, 10]);
    expect(hosts.flatMap((h) => h.devices.map((d) => d.id))).toEqual(devs(260).map((d) => d.id));
    expect(hosts[5]?.hostId).toBe('host-6');
  });
});
