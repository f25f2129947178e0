/**
 * Epoch milliseconds with sub-millisecond resolution, monotonic within a process. Plans carry
 * absolute times, so every process on every host uses the same notion: wall-clock origin (shared via
 * NTP) plus the monotonic clock, which cannot jump backwards mid-run.
 */
export type Clock = () => number;

export const epochNow: Clock = () => performance.timeOrigin + performance.now();
