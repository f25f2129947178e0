/**
 * A device's queue: patrons join at their arrival time and are served one per lane (a door is a
 * queue: 1 lane by default). Work that cannot start in time is not silently queued for ever: the
 * serve function decides (drop deadline) and the queue reports its length.
 */
export interface ServiceQueue<T> {
  push(item: T): void;
  /** Waiting, not yet being served. */
  length(): number;
  /** Being served now. */
  busy(): number;
  /** Remove and return everything still waiting (the run ended, or the device stops). */
  takeWaiting(): T[];
  pause(): void;
  resume(): void;
  /** Resolves when nothing is waiting or being served. */
  idle(): Promise<void>;
}

export function createServiceQueue<T>(opts: {
  lanes: number;
  serve(item: T): Promise<void>;
  onChange?(waiting: number, busy: number): void;
}): ServiceQueue<T> {
  const waiting: T[] = [];
  let busy = 0;
  let paused = false;
  let idleWaiters: Array<() => void> = [];

  const changed = () => {
    opts.onChange?.(waiting.length, busy);
    if (waiting.length === 0 && busy === 0 && idleWaiters.length > 0) {
      const resolve = idleWaiters;
      idleWaiters = [];
      for (const r of resolve) r();
    }
  };

  const pump = () => {
    while (!paused && busy < opts.lanes && waiting.length > 0) {
      const item = waiting.shift() as T;
      busy++;
      opts
        .serve(item)
        .catch(() => {}) // serve() reports its own failures as results; never stall a lane
        .finally(() => {
          busy--;
          pump();
          changed();
        });
    }
    changed();
  };

  return {
    push(item) {
      waiting.push(item);
      pump();
    },
    length: () => waiting.length,
    busy: () => busy,
    takeWaiting() {
      const taken = waiting.splice(0);
      changed();
      return taken;
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      pump();
    },
    idle() {
      if (waiting.length === 0 && busy === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
