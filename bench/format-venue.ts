/** The bench's lines for messages per event and the venue runs (stadium, 100x): rate error, lag, dropped. */
import type { FleetMeasurement } from './fleet-measure.js';
import { droppedShare, percent, perEvent, rateError, ratio } from './rates.js';

const ms = (s: number | null): string => (s === null ? '-' : `${(s * 1000).toFixed(1)} ms`);
const num = (x: number | null, d = 2): string => (x === null ? '-' : x.toFixed(d));

/** MQTT messages per planned event (plans alone, and every PUBLISH both ways). */
export function messagesLine(m: FleetMeasurement): string {
  const q = m.mqtt;
  if (!q) return `  messages per event: - (no ready moment)`;
  return `  MQTT messages per planned event (${m.planned} events): plans ${num(perEvent(q.plans, m.planned), 3)}, all PUBLISH orchestrator<->devices ${num(perEvent(q.published + q.received, m.planned), 3)} (${q.published} sent, ${q.received} received)`;
}

/** CPU per HTTP request in the second half of the arrivals, when every process is warm. */
export function warmLine(m: FleetMeasurement, peerPer1000: number | null = null): string {
  const w = m.warm;
  if (!w) return '  warm window: - (a host left during the run, or the run ended early)';
  const vs =
    peerPer1000 === null
      ? ''
      : ` = ${num(ratio(w.cpuPer1000HttpRequests, peerPer1000), 1)}x autocannon's`;
  return `  warm (2nd half of arrivals, ${num(w.seconds, 1)} s): fleet CPU ${num(w.cpuSeconds)} s / ${w.httpRequests} HTTP requests = ${num(w.cpuPer1000HttpRequests)} s/1000 requests${vs}`;
}

export function venueLines(m: FleetMeasurement, peerPer1000: number | null): string[] {
  const out = [
    `== ${m.scenario}: ${Object.keys(m.lanes).length} devices, ${m.devicesPerHost} per device-host process, ${m.durationSeconds} s`,
  ];
  for (const [op, o] of Object.entries(m.operations)) {
    if (o.planned === 0) continue;
    out.push(
      `  ${op.padEnd(11)} target ${o.targetPerMinute}/min, planned ${o.planned}, performed ${o.performed}, rate error ${percent(rateError(o.planned, o.performed), 2)}, dropped ${o.outcomes.dropped}; schedule lag p50 ${ms(o.scheduleLagP50Seconds)} p99 ${ms(o.scheduleLagP99Seconds)} max ${ms(o.scheduleLagMaxSeconds)}`,
    );
  }
  out.push(
    `  all: planned ${m.planned}, performed ${m.performed}, rate error ${percent(rateError(m.planned, m.performed), 2)}, dropped ${percent(droppedShare(m.planned, m.dropped), 3)}`,
    messagesLine(m),
    warmLine(m, peerPer1000),
    `  fleet CPU run phase ${num(m.cpu.runPhaseSeconds)} s (orchestrator+broker ${num(m.cpu.runPhaseOrchestratorSeconds)} s, devices ${num(m.cpu.runPhaseDevicesSeconds)} s) -> ${num(m.cpu.runPhasePer1000Ops)} s/1000 ops = ${num(ratio(m.cpu.runPhasePer1000Ops, peerPer1000), 1)}x autocannon's per request`,
  );
  for (const n of m.notes) out.push(`  note: ${n}`);
  return out;
}
