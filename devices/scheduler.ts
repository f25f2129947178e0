/**
 * Puts each planned patron into the device's queue at its intended time `at`. Plans arrive seconds
 * ahead over MQTT, so broker jitter never moves a scan; a redelivered plan (QoS 1 is at-least-once)
 * never schedules an event twice.
 */
import type { Clock } from '../contract/clock.js';
import type { PlanEvent } from '../contract/payloads.js';

export interface ArrivalScheduler {
  schedule(events: readonly PlanEvent[]): number;
  /** Events scheduled but not yet arrived. */
  pending(): number;
  /** Cancel everything not yet arrived and return it. */
  cancelAll(): PlanEvent[];
}

export function createArrivalScheduler(opts: {
  now: Clock;
  onArrival(event: PlanEvent, queuedAt: number): void;
  /** How many event ids to remember for duplicate suppression. */
  memory?: number;
}): ArrivalScheduler {
  const timers = new Map<string, { event: PlanEvent; timer: NodeJS.Timeout }>();
  const seen = new Set<string>();
  const seenOrder: string[] = [];
  const memory = opts.memory ?? 100_000;

  const remember = (id: string) => {
    seen.add(id);
    seenOrder.push(id);
    if (seenOrder.length > memory) seen.delete(seenOrder.shift() as string);
  };

  return {
    schedule(events) {
      let added = 0;
      for (const event of events) {
        if (seen.has(event.id)) continue;
        remember(event.id);
        // Node timers have millisecond granularity and may fire a fraction of a millisecond
        // early: a patron never arrives before `at`, so an early timer re-arms for the rest.
        const fire = () => {
          const early = event.at - opts.now();
          if (early > 0) {
            entry.timer = setTimeout(fire, Math.ceil(early));
            return;
          }
          timers.delete(event.id);
          opts.onArrival(event, opts.now());
        };
        const entry = { event, timer: setTimeout(fire, Math.max(0, event.at - opts.now())) };
        timers.set(event.id, entry);
        added++;
      }
      return added;
    },
    pending: () => timers.size,
    cancelAll() {
      const events = [...timers.values()].map(({ event, timer }) => {
        clearTimeout(timer);
        return event;
      });
      timers.clear();
      return events;
    },
  };
}
