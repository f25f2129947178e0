/**
 * The bench's scenarios, derived from `demo` (the pilot's layout and rates): same devices, same
 * arrival process, 5,000 wallets, the run's duration, and every rate × `factor`. Above 1× each
 * device's lanes are × `factor` too: a door's reader takes ~60-100 ms per scan
 * (firmware-profiles/usb-cdc-qr decode + wire time), so one lane tops out near 600-1000 scans/min
 * and could not serve 1000/min per door; the bench measures the fleet's cost, not a queue that
 * cannot keep up. The crowd's leave rate scales with the entry rate so the venue fills as in demo.
 */
import type { Scenario } from '../orchestrator/scenario.js';

export interface BenchScenarioOptions {
  factor: number;
  durationMs: number;
  wallets?: number;
}

export function benchScenario(demo: Scenario, opts: BenchScenarioOptions): Scenario {
  const { factor } = opts;
  const wallets = opts.wallets ?? 5000;
  const ops = demo.operations;
  return {
    ...demo,
    name: `bench-${factor}x`,
    description: `demo at ${factor}x the pilot rates (bench/fleet-rate.ts)`,
    duration: opts.durationMs,
    crowd: {
      ...demo.crowd,
      wallets,
      maxInside: Math.min(demo.crowd.maxInside, wallets),
      leaveRatePerMinute: demo.crowd.leaveRatePerMinute * factor,
    },
    operations: {
      entry: { ...ops.entry, perMinute: ops.entry.perMinute * factor },
      concession: { ...ops.concession, perMinute: ops.concession.perMinute * factor },
      funding: { ...ops.funding, perMinute: ops.funding.perMinute * factor },
    },
    devices: demo.devices.map((d) => ({ ...d, lanes: Math.min(1000, d.lanes * factor) })),
  };
}
