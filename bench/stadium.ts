/**
 * The large-venue bench scenarios (issue 6), built from demo's crowd, funding and thresholds:
 *
 * - stadium: 60 doors, 200 POS terminals, 60,000 wallets, 3,000 scans/min + 2,000 txn/min;
 * - 100x pilot: the same devices at 20,000 scans/min + 12,000 txn/min (100 × demo's 200 + 120).
 *
 * Lanes per device are sized so a reader (~60-100 ms per scan, firmware-profiles/usb-cdc-qr) is
 * never the bottleneck: the bench measures the fleet's pacing and cost, not a queue at one door.
 */
import type { Scenario } from '../orchestrator/scenario.js';

export interface VenueOptions {
  name: string;
  durationMs: number;
  doors: number;
  terminals: number;
  wallets: number;
  entryPerMinute: number;
  concessionPerMinute: number;
  fundingPerMinute: number;
}

export const STADIUM: Omit<VenueOptions, 'durationMs'> = {
  name: 'stadium',
  doors: 60,
  terminals: 200,
  wallets: 60_000,
  entryPerMinute: 3000,
  concessionPerMinute: 2000,
  fundingPerMinute: 300,
};

export const HUNDRED_X: Omit<VenueOptions, 'durationMs'> = {
  ...STADIUM,
  name: 'pilot-100x',
  entryPerMinute: 20_000,
  concessionPerMinute: 12_000,
  fundingPerMinute: 3000,
};

/** Lanes a device needs at `perMinute` spread over `devices`, with 4× headroom at 100 ms/scan. */
export function lanesFor(perMinute: number, devices: number): number {
  const perDevicePerSecond = perMinute / 60 / Math.max(1, devices);
  return Math.min(1000, Math.max(1, Math.ceil(perDevicePerSecond * 0.1 * 4)));
}

export function venueScenario(demo: Scenario, v: VenueOptions): Scenario {
  const reader = demo.devices.find((d) => d.kind === 'entry-scanner');
  const wallet = demo.devices.find((d) => d.kind === 'wallet-app');
  if (!reader || !wallet) throw new Error('demo must have an entry scanner and a wallet app');
  const doorLanes = lanesFor(v.entryPerMinute, v.doors);
  const posLanes = lanesFor(v.concessionPerMinute, v.terminals);
  const devices: Scenario['devices'] = [];
  for (let i = 1; i <= v.doors; i++) {
    devices.push({ ...reader, id: `door-${i}`, kind: 'entry-scanner', lanes: doorLanes });
  }
  for (let i = 1; i <= v.terminals; i++) {
    devices.push({ ...reader, id: `pos-${i}`, kind: 'pos-terminal', lanes: posLanes });
  }
  // A wallet app does 4+ HTTP calls per funding, mostly waiting: lanes ≈ concurrent fundings.
  devices.push({
    ...wallet,
    lanes: Math.min(1000, Math.max(50, Math.ceil(v.fundingPerMinute / 6))),
  });
  const factor = v.entryPerMinute / demo.operations.entry.perMinute;
  return {
    ...demo,
    name: v.name,
    description: `${v.doors} doors, ${v.terminals} POS terminals, ${v.wallets} wallets (bench/stadium.ts)`,
    duration: v.durationMs,
    crowd: {
      ...demo.crowd,
      wallets: v.wallets,
      maxInside: v.wallets,
      leaveRatePerMinute: demo.crowd.leaveRatePerMinute * factor,
    },
    operations: {
      entry: { ...demo.operations.entry, perMinute: v.entryPerMinute },
      concession: { ...demo.operations.concession, perMinute: v.concessionPerMinute },
      funding: { ...demo.operations.funding, perMinute: v.fundingPerMinute },
    },
    devices,
  };
}
