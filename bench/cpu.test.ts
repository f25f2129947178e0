import { describe, expect, it } from 'vitest';
import { clockTicks, parseProcStat, readProcCpu, totalTicks } from './cpu.js';

describe('/proc stat CPU', () => {
  it('reads fields 14-17 even when the command name holds spaces and parentheses', () => {
    const line =
      '4242 (node (a) b) S 1 4242 4242 0 -1 4194304 100 0 0 0 7 3 11 13 20 0 11 0 500 0 0';
    expect(parseProcStat(line)).toEqual({ utime: 7, stime: 3, cutime: 11, cstime: 13 });
  });

  it('reads this process and the clock tick rate', () => {
    const cpu = readProcCpu();
    expect(totalTicks(cpu)).toBeGreaterThanOrEqual(0);
    expect(clockTicks()).toBeGreaterThan(0);
  });
});
