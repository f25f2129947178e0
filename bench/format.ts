/** The bench's human output: a header saying what is measured, one table per rate, the peer, the ratios. */
import { OPERATIONS, OUTCOMES } from '../contract/operations.js';
import type { FleetMeasurement } from './fleet-measure.js';
import { messagesLine, venueLines, warmLine } from './format-venue.js';
import type { PeerResult } from './peer.js';

export interface BenchResult {
  startedAt: string;
  node: string;
  cpus: number;
  clockTicks: number;
  durationSeconds: number;
  /** demo's crowd.walletCooldown, seconds. */
  walletCooldownSeconds: number;
  seed: number;
  fleet: FleetMeasurement[];
  /** The stadium and 100x runs (device-host mode); empty with --skip-venues. */
  venues: FleetMeasurement[];
  peer: PeerResult;
  /** The same peer paced at the 10x run's HTTP rate (autocannon's overallRate). */
  pacedPeer: PeerResult;
  /** The trivial target's own CPU over the whole bench (both fleet runs + autocannon): context only. */
  targetCpuSeconds: number;
  ratios: Array<{
    factor: number;
    runPhase: number | null;
    total: number | null;
    perHttpRequestRunPhase: number | null;
    /** The warm window (second half of the arrivals), per HTTP request. */
    perHttpRequestWarm: number | null;
    /** The same two against the paced peer. */
    pacedRunPhase: number | null;
    pacedPerHttpRequestWarm: number | null;
  }>;
}

const num = (x: number | null | undefined, digits = 2): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits);
const ms = (s: number | null): string => (s === null ? '-' : `${(s * 1000).toFixed(1)} ms`);
const pad = (s: string, n: number): string => s.padStart(n);

export function header(
  r: Pick<
    BenchResult,
    'startedAt' | 'node' | 'cpus' | 'clockTicks' | 'durationSeconds' | 'walletCooldownSeconds'
  >,
): string {
  return [
    `ghostfleet fleet-rate bench  ${r.startedAt}  node ${r.node}, ${r.cpus} cpus, CLK_TCK ${r.clockTicks}`,
    '',
    'What runs: the full device path (runFleet): orchestrator + embedded aedes broker in this process,',
    '7 forked device processes (2 doors, 4 concessions on emulated usb-cdc-qr serial readers, 1 wallet-app),',
    'against a trivial GhostPass-shaped HTTP target in a separate child process (instant valid replies,',
    'no database). The target is kept alive until all measurements are done, so its CPU is NOT counted.',
    `Scenario: demo's devices and Poisson arrivals, 5000 wallets, ${r.durationSeconds} s per rate.`,
    '  1x  = pilot rates: 200 entry/min, 120 concession/min, 30 funding/min (demo), demo lanes.',
    "  10x = 2000 / 1200 / 300 per min, every device's lanes x10 (a door reader needs ~60-100 ms per scan:",
    '        1 lane cannot serve 1000/min), crowd leave rate x10.',
    `  demo's walletCooldown is ${r.walletCooldownSeconds} s: a patron who entered less than that ago cannot buy yet,`,
    '  so in short runs purchases use free wallets from outside (the report\'s "no eligible wallet" note:',
    '  expected, not an error).',
    'Columns:',
    '  achieved/target  operations performed (ok+declined+error+timeout) per minute of the planned duration,',
    '                   divided by the target rate',
    '  lag p99          schedule lag: planned arrival time -> the device queued the patron (timer accuracy)',
    '  sojourn p99      planned arrival time -> decision shown (what the patron lives; queueing included)',
    '  CPU s/1000 ops   fleet CPU seconds per 1,000 performed operations: this process (orchestrator+broker)',
    '                   plus all device processes, /proc/self/stat utime+stime+cutime+cstime (devices are',
    '                   reaped before runFleet returns). "total" includes start-up (fork, module load, MQTT',
    '                   connect; from source every device process compiles TypeScript through tsx,',
    '                   which is most of it); "run" counts from the moment every device was up to the',
    '                   end of runFleet (arrivals, drain, clean stop).',
    '  warm             the second half of the arrivals only: CPU of this process and every live device',
    '                   process (/proc/<pid>/stat) per HTTP request the target answered, once each process',
    '                   has compiled its hot paths (a short run pays ~0.3-1 s of warm-up per process).',
    'Peer: autocannon in this process (no workers), POST /api/entry/scan with a valid body, 10 connections,',
    "  a fixed request count of the same order as the 10x run's operations, after a 200-request warm-up;",
    '  CPU = process.cpuUsage() delta -> autocannon CPU seconds per 1,000 requests.',
    'Ratio = fleet CPU s/1000 ops / autocannon CPU s/1000 requests. NOT a like-for-like speed contest: per',
    '  operation the fleet emulates the reader (bytes paced at wire speed, decode time), decodes the frame,',
    '  receives the plan and publishes the result over MQTT (QoS 1, outbox), journals it and records HDR',
    '  latencies, and a funding operation is 4+ HTTP calls (balance, checkout, webhook, balance polls).',
    '  The ratio is the CPU price of hardware-in-the-loop fidelity per operation, not a speed score.',
  ].join('\n');
}

function fleetTable(m: FleetMeasurement): string {
  const lanes = Object.entries(m.lanes)
    .map(([id, n]) => `${id} ${n}`)
    .join(', ');
  const lines = [
    `== ${m.factor}x  (${m.scenario}; lanes: ${lanes}; wall ${num(m.wallSeconds, 1)} s incl. start-up and drain)`,
    `${'operation'.padEnd(11)}${pad('target/min', 11)}${pad('achieved/min', 13)}${pad('ach/target', 11)}${pad('lag p99', 11)}${pad('sojourn p99', 13)}${pad('service p99', 13)}  outcomes`,
  ];
  for (const op of OPERATIONS) {
    const o = m.operations[op];
    const outcomes = OUTCOMES.filter((k) => o.outcomes[k] > 0)
      .map((k) => `${k} ${o.outcomes[k]}`)
      .join(', ');
    lines.push(
      `${op.padEnd(11)}${pad(num(o.targetPerMinute, 0), 11)}${pad(num(o.achievedPerMinute, 1), 13)}${pad(num(o.achievedRatio, 3), 11)}${pad(ms(o.scheduleLagP99Seconds), 11)}${pad(ms(o.sojournP99Seconds), 13)}${pad(ms(o.serviceP99Seconds), 13)}  ${outcomes || '-'}`,
    );
  }
  const c = m.cpu;
  lines.push(
    `fleet CPU: orchestrator+broker ${num(c.orchestratorSeconds)} s + device processes ${num(c.devicesSeconds)} s = ${num(c.totalSeconds)} s (run phase ${num(c.runPhaseSeconds)} s: orchestrator+broker ${num(c.runPhaseOrchestratorSeconds)} s, devices ${num(c.runPhaseDevicesSeconds)} s)`,
    `  ${m.performed} operations, ${m.httpRequestsTotal} HTTP requests to the target`,
    `  CPU s/1000 ops: run ${num(c.runPhasePer1000Ops)}  total ${num(c.totalPer1000Ops)}   (run phase per 1000 HTTP requests: ${num(c.runPhasePer1000HttpRequests)})`,
  );
  lines.push(warmLine(m), messagesLine(m));
  for (const n of m.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

function peerLines(p: PeerResult): string[] {
  const pace = p.overallRate === null ? 'saturating' : `paced at ${p.overallRate} req/s`;
  return [
    `== peer: autocannon ${p.path}, ${pace}, ${p.connections} connections, ${p.requests} requests (${p.non2xx} non-2xx, ${p.errors} errors)`,
    `  ${num(p.requestsPerSecond, 0)} req/s, p99 ${num(p.latencyP99Ms, 0)} ms, CPU ${num(p.cpuSeconds, 3)} s -> ${num(p.cpuSecondsPer1000, 3)} CPU s/1000 requests`,
  ];
}

const times = (x: number | null): string => `${num(x, 1)}x`;

export function formatBench(r: BenchResult): string {
  const out = [header(r), ''];
  for (const m of r.fleet) out.push(fleetTable(m), '');
  out.push(
    ...peerLines(r.peer),
    ...peerLines(r.pacedPeer),
    `  (trivial target's own CPU over the whole bench, not counted anywhere: ${num(r.targetCpuSeconds)} s)`,
    '',
    '== ratio: fleet CPU s/1000 ops / autocannon CPU s/1000 requests (saturating; paced in the last two)',
    `${'rate'.padEnd(6)}${pad('run phase', 11)}${pad('total', 9)}${pad('per HTTP request (run)', 25)}${pad('per HTTP request (warm)', 26)}${pad('paced: run', 12)}${pad('paced: warm', 13)}`,
  );
  for (const x of r.ratios) {
    out.push(
      `${`${x.factor}x`.padEnd(6)}${pad(times(x.runPhase), 11)}${pad(times(x.total), 9)}${pad(times(x.perHttpRequestRunPhase), 25)}${pad(times(x.perHttpRequestWarm), 26)}${pad(times(x.pacedRunPhase), 12)}${pad(times(x.pacedPerHttpRequestWarm), 13)}`,
    );
  }
  for (const v of r.venues) out.push('', ...venueLines(v, r.peer.cpuSecondsPer1000));
  return out.join('\n');
}
