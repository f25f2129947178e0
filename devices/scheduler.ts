/**
 * Puts each planned patron into the device's queue at its intended time `at`. Plans arrive seconds
 * ahead over MQTT, so broker jitter never moves a scan; a redelivered plan (QoS 1 is at-least-once)
 * never schedules an event twice. The run id travels with each event (issue 11: no side map), and
 * duplicates are keyed by (run, event id): ids restart at `e-000001` every run, and a device host
 * may serve several runs.
 */
import type { Clock } from '../contract/clock.js';
import type { PlanEvent } from '../contract/payloads.js';

/** One planned patron of one run. */
export interface RunEvent {
  readonly runId: string;
  readonly event: PlanEvent;
}

export interface ArrivalScheduler {
  /** Schedule a plan's events for their run; returns how many were new. */
  schedule(runId: string, events: readonly PlanEvent[]): number;
  /** Events scheduled but not yet arrived. */
  pending(): number;
  /** Cancel everything not yet arrived and return it. */
  cancelAll(): RunEvent[];
  /** Cancel these events of `runId` if not yet arrived (the orchestrator revoked them); returns how many. */
  cancel(runId: string, ids: readonly string[]): number;
}

export function createArrivalScheduler(opts: {
  now: Clock;
  onArrival(arrival: RunEvent, queuedAt: number): void;
  /** How many event ids to remember for duplicate suppression. */
  memory?: number;
}): ArrivalScheduler {
  const timers = new Map<string, { arrival: RunEvent; timer: NodeJS.Timeout }>();
  const seen = new Set<string>();
  const seenOrder: string[] = [];
  const memory = opts.memory ?? 100_000;

  const remember = (id: string) => {
    seen.add(id);
    seenOrder.push(id);
    if (seenOrder.length > memory) seen.delete(seenOrder.shift() as string);
  };

  return {
    schedule(runId, events) {
      let added = 0;
      for (const event of events) {
        const key = `${runId}\u0000${event.id}`;
        if (seen.has(key)) continue;
        remember(key);
        const arrival: RunEvent = { runId, event };
        // Node timers have millisecond granularity and may fire a fraction of a millisecond
        // early: a patron never arrives before `at`, so an early timer re-arms for the rest.
        const fire = () => {
          const early = event.at - opts.now();
          if (early > 0) {
            entry.timer = setTimeout(fire, Math.ceil(early));
            return;
          }
          timers.delete(key);
          opts.onArrival(arrival, opts.now());
        };
        const entry = { arrival, timer: setTimeout(fire, Math.max(0, event.at - opts.now())) };
        timers.set(key, entry);
        added++;
      }
      return added;
    },
    pending: () => timers.size,
    cancel(runId, ids) {
      let n = 0;
      for (const id of ids) {
        const key = `${runId}\u0000${id}`;
        const entry = timers.get(key);
        if (entry === undefined) continue;
        clearTimeout(entry.timer);
        timers.delete(key);
        n++;
      }
      return n;
    },
    cancelAll() {
      const cancelled = [...timers.values()].map(({ arrival, timer }) => {
        clearTimeout(timer);
        return arrival;
      });
      timers.clear();
      return cancelled;
    },
  };
}
