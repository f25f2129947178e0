/**
 * Queue length per device over time, derived from the journal: a patron is in a device's line
 * from their arrival (`at`) until their wait ended (`event-times.ts`). Each step reports the
 * longest the line was during that step (a sweep over arrivals and ends), so a burst shorter
 * than a step still shows. Reassigned events never queued at their first device.
 */
import type { EventTimes } from './event-times.js';

export interface QueueSeries {
  stepMs: number;
  /** Step starts, seconds since the run's start. */
  t: number[];
  devices: { id: string; max: number[]; peak: number }[];
}

export function queueSeries(
  events: readonly EventTimes[],
  opts: { startAt: number; stepMs: number },
): QueueSeries {
  const byDevice = new Map<string, Array<[time: number, delta: number]>>();
  let last = opts.startAt;
  let first = opts.startAt;
  for (const e of events) {
    if (e.endAt === null) continue;
    const end = Math.max(e.at, e.endAt);
    let changes = byDevice.get(e.device);
    if (changes === undefined) {
      changes = [];
      byDevice.set(e.device, changes);
    }
    changes.push([e.at, 1], [end, -1]);
    last = Math.max(last, end);
    first = Math.min(first, e.at);
  }
  const firstStep = Math.floor((first - opts.startAt) / opts.stepMs);
  const steps = Math.max(1, Math.floor((last - opts.startAt) / opts.stepMs) - firstStep + 1);
  const t = Array.from({ length: steps }, (_, i) => ((firstStep + i) * opts.stepMs) / 1000);
  const devices = [...byDevice.keys()].sort().map((id) => {
    const changes = (byDevice.get(id) ?? []).sort((a, b) => a[0] - b[0]);
    const max = new Array<number>(steps).fill(0);
    let length = 0;
    let step = 0;
    for (let i = 0; i < changes.length; ) {
      const time = changes[i]![0];
      const s = Math.floor((time - opts.startAt) / opts.stepMs) - firstStep;
      // The line keeps its length through the steps with no change.
      for (; step < s; step++) max[step] = Math.max(max[step] ?? 0, length);
      // Everything at one instant at once: a patron served in 0 ms never stood in line.
      for (; i < changes.length && changes[i]![0] === time; i++) length += changes[i]![1];
      max[s] = Math.max(max[s] ?? 0, length);
    }
    for (; step < steps; step++) max[step] = Math.max(max[step] ?? 0, length);
    return { id, max, peak: Math.max(0, ...max) };
  });
  return { stepMs: opts.stepMs, t, devices };
}
