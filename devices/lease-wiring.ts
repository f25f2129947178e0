/**
 * The lease wired into a device (lease.ts): arrivals from the scheduler pass the guard into the
 * queue; a periodic check notices a lapse; a suspect device asks for its verdict (re-publishes its
 * birth) once subscribed, and the orchestrator's `revoke` drops what it ended and lifts the hold.
 */
import { performance } from 'node:perf_hooks';
import type { DeviceState } from '../contract/payloads.js';
import { type DeviceConfig, keepaliveOf } from './config.js';
import type { DeviceLink } from './device-link.js';
import { type ArrivalGuard, createArrivalGuard, createLease, type ServiceLease } from './lease.js';
import type { ServiceQueue } from './queue.js';
import type { ArrivalScheduler } from './scheduler.js';
import type { Arrival } from './serving.js';

/** How often the lease is checked, and how often a suspect device asks again for its verdict. */
const LEASE_CHECK_MS = 250;
const ASK_AGAIN_MS = 2000;

export interface GuardedArrivals {
  lease: ServiceLease;
  guard: ArrivalGuard<Arrival>;
  watch: NodeJS.Timeout;
  /** A birth was just published (it asks for the verdict). */
  asked(): void;
  revoke(
    runId: string,
    ids: readonly string[],
    answers: number | undefined,
    scheduler: ArrivalScheduler,
  ): void;
}

/** The lease between scheduler and queue (lease.ts): no patron starts on a lapsed lease. */
export function guardArrivals(
  config: DeviceConfig,
  queue: ServiceQueue<Arrival>,
  link: DeviceLink,
  birth: () => DeviceState,
  log: (line: string) => void,
): GuardedArrivals {
  let lastAsk = Number.NEGATIVE_INFINITY;
  const lease = createLease({
    keepaliveS: keepaliveOf(config),
    monotonic: () => performance.now(),
    onLapse: () => {
      log(
        `${config.id}: nothing heard from the broker for ${lease.leaseMs} ms: holding new patrons until the orchestrator answers`,
      );
      // Pull the queue's waiting patrons back now: a lane freed by a finished request must not
      // start one of them before the next check.
      guard.check();
    },
  });
  const guard = createArrivalGuard<Arrival>({
    lease,
    push: (a) => queue.push(a),
    takeWaiting: () => queue.takeWaiting(),
  });
  // A lapse is noticed by whichever comes first after a freeze: this overdue check, an arrival
  // (the guard checks the lease), or the first packet read on waking (lease.heard).
  const watch = setInterval(() => {
    guard.check();
    if (!lease.suspect() || !link.subscribed()) return;
    const t = performance.now();
    if (t - lastAsk < ASK_AGAIN_MS) return;
    lastAsk = t;
    void link.state(birth()).catch(() => {});
  }, LEASE_CHECK_MS);
  watch.unref();
  return {
    lease,
    guard,
    watch,
    asked: () => {
      lastAsk = performance.now();
    },
    revoke(runId, ids, answers, scheduler) {
      const cancelled = scheduler.cancel(runId, ids);
      const current = link.orchestratorHeard(answers);
      const { dropped, released } = guard.revoke(runId, ids, current);
      if (cancelled + dropped > 0 || released > 0) {
        log(
          `${config.id}: the orchestrator ended ${ids.length} of our events while we were lost: ${cancelled + dropped} dropped here, ${released} held patrons served`,
        );
      }
    },
  };
}
