/**
 * Process CPU time from Linux's /proc/<pid>/stat (proc(5)): fields 14 utime, 15 stime, 16 cutime,
 * 17 cstime, in clock ticks (`getconf CLK_TCK`, usually 100 → 10 ms resolution). cutime/cstime hold
 * the CPU of children that have EXITED AND BEEN WAITED FOR; a live child is not in them. That is
 * what lets the bench count the device processes (runFleet reaps them before it returns) and not
 * the trivial target (a child kept alive until every measurement is taken).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcCpu {
  /** Ticks, as read. */
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
}

/** Parse one stat line. `comm` (field 2) may hold spaces or ')' itself: split after the LAST ')'. */
export function parseProcStat(line: string): ProcCpu {
  const close = line.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/<pid>/stat line');
  // After ") " the fields start at 3 (state), so field k sits at index k - 3.
  const f = line
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const at = (k: number): number => {
    const v = Number(f[k - 3]);
    if (!Number.isFinite(v)) throw new Error(`/proc stat field ${k} is not a number`);
    return v;
  };
  return { utime: at(14), stime: at(15), cutime: at(16), cstime: at(17) };
}

export function readProcCpu(pid: number | 'self' = 'self'): ProcCpu {
  return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** Clock ticks per second (`getconf CLK_TCK`); 100 when getconf is missing. */
export function clockTicks(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

/** Self + reaped children, in ticks. */
export const totalTicks = (c: ProcCpu): number => c.utime + c.stime + c.cutime + c.cstime;
/** Self only, in ticks. */
export const ownTicks = (c: ProcCpu): number => c.utime + c.stime;
