/**
 * Publish a changing value at most once per interval: the first change goes out at once, later
 * changes inside the window are folded into one trailing publication at its end, so the last state
 * always gets out and a reader streaming garbage costs at most one message per interval (issue 6).
 */
export interface Throttled {
  /** The value changed: publish now, or at the end of the current window. */
  changed(): void;
  /** Publish what is pending now and stop (a stopping device says its last word). */
  flush(): void;
  cancel(): void;
}

export function throttle(
  publish: () => void,
  opts: { intervalMs: number; now: () => number },
): Throttled {
  let last = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let dirty = false;
  const fire = () => {
    timer = undefined;
    if (!dirty) return;
    dirty = false;
    last = opts.now();
    publish();
  };
  return {
    changed() {
      dirty = true;
      if (timer) return;
      const wait = last + opts.intervalMs - opts.now();
      if (wait <= 0) fire();
      else {
        timer = setTimeout(fire, wait);
        timer.unref();
      }
    },
    flush() {
      if (timer) clearTimeout(timer);
      fire();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      dirty = false;
    },
  };
}
