/**
 * Serverless instances, the way a function platform schedules them (AWS Lambda "Understanding
 * Lambda function scaling"; Vercel functions without fluid compute): each instance serves up to
 * `instanceConcurrency` requests at once; a request that finds none free starts a new instance,
 * up to `maxInstances`, and waits out its cold start; beyond that it queues (FIFO) or is refused.
 * An instance idle for `idleTimeoutMs` is reclaimed. Clocks are injected (STYLE.md 6).
 */
import type { Fidelity } from './config.js';

export interface Slot {
  /** 1-based, in the order instances were started. */
  instance: number;
  /** This request waited for its instance's cold start. */
  cold: boolean;
  /** Frees the slot (idempotent): the first queued request takes it over. */
  release(): void;
}

export interface PoolStats {
  /** Instances started so far: each one paid the cold start. */
  coldStarts: number;
  /** Instances alive now. */
  instances: number;
  /** Requests holding a slot now, and the most ever held at once. */
  inFlight: number;
  maxInFlight: number;
  /** Requests waiting for a slot now, the most ever waiting, and how many ever waited. */
  queued: number;
  maxQueued: number;
  waited: number;
  /** Requests refused (overflow `reject`). */
  rejected: number;
  /** Instances reclaimed after sitting idle. */
  reclaimed: number;
}

export interface InstancePool {
  /** A slot, or null when every instance is busy, none may start, and overflow is `reject`. */
  acquire(): Promise<Slot | null>;
  stats(): PoolStats;
}

interface Instance {
  id: number;
  busy: number;
  warm: boolean;
  ready: Promise<void>;
  idleSince: number;
}

export type PoolOptions = Pick<
  Fidelity,
  'coldStartMs' | 'maxInstances' | 'instanceConcurrency' | 'overflow' | 'idleTimeoutMs'
> & { now: () => number; sleep: (ms: number) => Promise<void> };

export function createInstancePool(o: PoolOptions): InstancePool {
  const live: Instance[] = [];
  const waiters: ((inst: Instance) => void)[] = [];
  const s: PoolStats = {
    coldStarts: 0,
    instances: 0,
    inFlight: 0,
    maxInFlight: 0,
    queued: 0,
    maxQueued: 0,
    waited: 0,
    rejected: 0,
    reclaimed: 0,
  };

  const reap = () => {
    if (o.idleTimeoutMs === undefined) return;
    const t = o.now();
    for (let i = live.length - 1; i >= 0; i--) {
      const inst = live[i] as Instance;
      if (inst.busy === 0 && inst.warm && t - inst.idleSince >= o.idleTimeoutMs) {
        live.splice(i, 1);
        s.reclaimed++;
      }
    }
  };

  const start = (): Instance => {
    s.coldStarts++;
    const inst: Instance = {
      id: s.coldStarts,
      busy: 0,
      warm: false,
      ready: Promise.resolve(),
      idleSince: 0,
    };
    inst.ready = o.sleep(o.coldStartMs).then(() => {
      inst.warm = true;
    });
    live.push(inst);
    return inst;
  };

  const release = (inst: Instance) => {
    const next = waiters.shift();
    if (next !== undefined) {
      s.queued--;
      next(inst); // the slot passes on: the instance stays as busy as it was
      return;
    }
    inst.busy--;
    s.inFlight--;
    if (inst.busy === 0) inst.idleSince = o.now();
  };

  const free = (i: Instance) => i.busy < o.instanceConcurrency;

  return {
    async acquire() {
      reap();
      let inst = live.find((i) => i.warm && free(i)) ?? live.find(free);
      if (inst === undefined && live.length < o.maxInstances) inst = start();
      if (inst === undefined) {
        if (o.overflow === 'reject') {
          s.rejected++;
          return null;
        }
        s.queued++;
        s.waited++;
        s.maxQueued = Math.max(s.maxQueued, s.queued);
        inst = await new Promise<Instance>((resolve) => waiters.push(resolve));
      } else {
        inst.busy++;
        s.inFlight++;
        s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
      }
      const cold = !inst.warm;
      if (cold) await inst.ready;
      const held = inst;
      let released = false;
      return {
        instance: held.id,
        cold,
        release: () => {
          if (released) return;
          released = true;
          release(held);
        },
      };
    },
    stats: () => ({ ...s, instances: live.length }),
  };
}
