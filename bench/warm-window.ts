/**
 * The fleet's CPU per HTTP request once warm: the second half of the arrivals, when every device
 * process has compiled and optimised its hot paths. A short run's "run phase" is dominated by each
 * process's warm-up (lazy compilation, interpreter, TurboFan on a worker thread: ~0.3 s per host at
 * 1x, ~1 s at 10x in bench/device-profile.ts), which autocannon — measured after its own warm-up —
 * does not pay; this window compares like with like: the CPU of this process (orchestrator + broker)
 * and of every live device host from /proc/<pid>/stat, against the requests the target answered.
 */
import { ownTicks, readProcCpu } from './cpu.js';
import type { TargetProcess } from './target-process.js';

export interface WarmWindow {
  seconds: number;
  cpuSeconds: number;
  httpRequests: number;
  cpuPer1000HttpRequests: number | null;
}

interface Sample {
  at: number;
  ticks: number;
  requests: number;
}

async function sample(pids: readonly number[], target: TargetProcess): Promise<Sample | null> {
  let ticks = ownTicks(readProcCpu());
  for (const pid of pids) {
    try {
      ticks += ownTicks(readProcCpu(pid));
    } catch {
      return null; // a host gone inside the window: its CPU cannot be split, no window
    }
  }
  const counts = await target.counts();
  const requests = Object.values(counts).reduce((n, v) => n + v, 0);
  return { at: performance.now(), ticks, requests };
}

/** Samples at `fromMs` and `toMs` from now; `result()` is null when a sample could not be taken. */
export function startWarmWindow(opts: {
  pids: readonly number[];
  target: TargetProcess;
  fromMs: number;
  toMs: number;
  clockTicks: number;
}): { result(): Promise<WarmWindow | null>; cancel(): void } {
  const timers: NodeJS.Timeout[] = [];
  const at = (ms: number) =>
    new Promise<Sample | null>((resolve) => {
      timers.push(
        setTimeout(() => sample(opts.pids, opts.target).then(resolve, () => resolve(null)), ms),
      );
    });
  const from = at(opts.fromMs);
  const to = at(opts.toMs);
  let cancelled = false;
  return {
    async result() {
      if (cancelled) return null;
      const [a, b] = await Promise.all([from, to]);
      if (!a || !b) return null;
      const cpuSeconds = (b.ticks - a.ticks) / opts.clockTicks;
      const httpRequests = b.requests - a.requests;
      return {
        seconds: (b.at - a.at) / 1000,
        cpuSeconds,
        httpRequests,
        cpuPer1000HttpRequests: httpRequests > 0 ? (cpuSeconds / httpRequests) * 1000 : null,
      };
    },
    cancel() {
      cancelled = true;
      for (const t of timers) clearTimeout(t);
    },
  };
}
