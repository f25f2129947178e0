/**
 * The device's service lease (issue 7, "no zombie service"). A device starts a patron only while
 * it has heard from the broker within the broker's own loss bound: an MQTT broker closes a client
 * that stayed silent for 1.5 × keepalive and publishes its Last Will (MQTT 3.1.1 §3.1.2.10; aedes
 * `handlers/connect.js` arms exactly that timer, refreshed on every packet it receives), and the
 * orchestrator then ends what the device owed and gives it to another device. A device frozen past
 * that bound (SIGSTOP, a VM pause, a half-open link) wakes with overdue timers for patrons that
 * are already someone else's: those must not start.
 *
 * So: the lease lapses `1.5 × keepalive − margin` after the last packet heard (the margin covers
 * the delivery of the broker's answer, so the device stops no later than the broker declares it
 * lost), measured on the monotonic clock (a wall-clock step neither grants nor voids a lease).
 * Once lapsed, the device is **suspect**: arrivals are held, not started, and only the
 * orchestrator's verdict lifts the hold — its `revoke` answer to the device's next birth names the
 * events it ended (the device drops those it holds) or none (it was never declared lost, e.g. a
 * broker restart: the held patrons are served). Hearing the broker again is not enough: a
 * reconnect proves the link, not that the device still owns its plans.
 *
 * The guard sits between the scheduler and the queue; the queue itself stays a plain queue.
 */
/** Later than this after the broker's bound, a lease is never still valid (ms). */
const MARGIN_MS = 250;

export function leaseMsFor(keepaliveS: number): number {
  return Math.max(500, keepaliveS * 1500 - MARGIN_MS);
}

export interface ServiceLease {
  readonly leaseMs: number;
  /** A packet from the broker arrived. */
  heard(): void;
  /** May a patron start now? The first call after a lapse makes the device suspect. */
  valid(): boolean;
  /** Lapsed and not yet cleared by the orchestrator. */
  suspect(): boolean;
  /** The orchestrator answered: the hold is lifted (if the broker was heard within the lease). */
  verdict(): boolean;
}

export function createLease(opts: {
  keepaliveS: number;
  /** Monotonic milliseconds (performance.now). */
  monotonic(): number;
  /** The lease just lapsed (the device asks for a verdict once it is connected again). */
  onLapse?(): void;
}): ServiceLease {
  const leaseMs = leaseMsFor(opts.keepaliveS);
  let lastHeard = opts.monotonic();
  let suspect = false;
  const fresh = () => opts.monotonic() - lastHeard <= leaseMs;
  const lapse = () => {
    if (suspect) return;
    suspect = true;
    opts.onLapse?.();
  };
  return {
    leaseMs,
    heard() {
      // A packet after a gap longer than the lease does not renew it: the gap was a lapse. (A
      // frozen process wakes in the event loop's poll phase and reads what the broker sent before
      // it gave up on us, before any timer could notice the freeze.)
      if (!fresh()) lapse();
      lastHeard = opts.monotonic();
    },
    valid() {
      if (suspect) return false;
      if (fresh()) return true;
      lapse();
      return false;
    },
    suspect: () => suspect,
    verdict() {
      if (!fresh()) return false;
      suspect = false;
      return true;
    },
  };
}

/** A patron on its way from the scheduler to the queue (only its run and event id matter here). */
export interface Guarded {
  runId: string;
  event: { id: string };
}

export interface ArrivalGuard<T extends Guarded> {
  /** An arrival from the scheduler: to the queue while the lease holds, else held. */
  admit(item: T): void;
  /** Periodic (and before anything can start after a freeze): a lapse pulls the queue's waiting patrons back. */
  check(): void;
  /**
   * The orchestrator's verdict: drop what it ended (`ids` of `runId`, held or waiting), and
   * release the rest unless `release` is false (a verdict that answers no current birth: dropping
   * an ended event is always safe, resuming is not). Returns how many were dropped and released.
   */
  revoke(
    runId: string,
    ids: readonly string[],
    release?: boolean,
  ): { dropped: number; released: number };
  held(): number;
}

export function createArrivalGuard<T extends Guarded>(opts: {
  lease: ServiceLease;
  push(item: T): void;
  /** Remove and return the queue's waiting patrons (not those being served). */
  takeWaiting(): T[];
}): ArrivalGuard<T> {
  const { lease } = opts;
  let held: T[] = [];
  const hold = () => {
    if (!lease.valid()) held.push(...opts.takeWaiting());
  };
  return {
    admit(item) {
      hold();
      if (lease.suspect()) held.push(item);
      else opts.push(item);
    },
    check: hold,
    revoke(runId, ids, release = true) {
      const gone = new Set(ids);
      const isGone = (h: T) => h.runId === runId && gone.has(h.event.id);
      // Patrons already in the queue (a device revoked without lapsing) are checked too.
      const pool = [...held, ...opts.takeWaiting()];
      const keep = pool.filter((h) => !isGone(h));
      const dropped = pool.length - keep.length;
      if (!release || (lease.suspect() && !lease.verdict())) {
        held = keep;
        return { dropped, released: 0 };
      }
      held = [];
      for (const h of keep) opts.push(h);
      return { dropped, released: keep.length };
    },
    held: () => held.length,
  };
}
