/**
 * The peer measured in the same run (STYLE.md 14): autocannon, in this process (no workers), firing
 * a fixed number of valid entry scans at the trivial target. Its CPU is `process.cpuUsage()` across
 * the run: autocannon's own work only (the target is another process).
 */
import autocannon from 'autocannon';
import { DEFAULT_TARGET_PROFILE } from '../ghostpass/target.js';
import { TRIVIAL_IDS } from './trivial-ids.js';

export interface PeerResult {
  tool: 'autocannon';
  path: string;
  connections: number;
  requests: number;
  non2xx: number;
  errors: number;
  wallSeconds: number;
  cpuSeconds: number;
  cpuSecondsPer1000: number;
  requestsPerSecond: number;
  latencyP99Ms: number;
  warmupRequests: number;
  /** Requests per second asked for (autocannon's overallRate), or null: as fast as it can. */
  overallRate: number | null;
}

/** One valid `POST /api/entry/scan` (GHOSTPASS.md "Entry scan"), the same bytes every time. */
function entryScanRequest(): { headers: Record<string, string>; body: string } {
  return {
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      [DEFAULT_TARGET_PROFILE.headers.fingerprint]: 'device_test_1',
    },
    body: JSON.stringify({
      wallet_binding_id: 'wallet_test_1',
      venue_id: TRIVIAL_IDS.venueId,
      gateway_id: TRIVIAL_IDS.entryGateways[0],
      interaction_method: 'QR',
    }),
  };
}

export async function runPeer(opts: {
  baseUrl: string;
  amount: number;
  connections?: number;
  warmup?: number;
  /** Pace the peer at this many requests per second (the fleet's own rate) instead of saturating. */
  overallRate?: number;
}): Promise<PeerResult> {
  const path = DEFAULT_TARGET_PROFILE.paths.entryScan;
  const connections = opts.connections ?? 10;
  const warmup = opts.warmup ?? 200;
  const req = entryScanRequest();
  const fire = (amount: number, overallRate?: number) =>
    autocannon({
      url: new URL(path, opts.baseUrl).href,
      method: 'POST',
      ...req,
      connections,
      amount,
      ...(overallRate !== undefined ? { overallRate } : {}),
    });
  // A short unmeasured pass first: JIT and connection setup are start-up, not per-request cost
  // (the fleet's "run phase" column likewise starts once its devices are up).
  if (warmup > 0) await fire(warmup);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await fire(opts.amount, opts.overallRate);
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const requests = r.requests.total;
  return {
    tool: 'autocannon',
    path,
    connections,
    requests,
    non2xx: r.non2xx,
    errors: r.errors,
    wallSeconds,
    cpuSeconds,
    cpuSecondsPer1000: requests > 0 ? (cpuSeconds / requests) * 1000 : Number.NaN,
    requestsPerSecond: wallSeconds > 0 ? requests / wallSeconds : Number.NaN,
    latencyP99Ms: r.latency.p99,
    warmupRequests: warmup,
    overallRate: opts.overallRate ?? null,
  };
}
