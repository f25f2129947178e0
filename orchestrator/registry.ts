/**
 * What the orchestrator knows of each device, from its retained state messages (birth, Last Will,
 * clean shutdown, reader outage). Plans go only to devices that are up.
 */
import type { DeviceKind, Source } from '../contract/operations.js';
import type { DeviceState, ReaderReport } from '../contract/payloads.js';

export interface DeviceStatus {
  id: string;
  kind: DeviceKind;
  status: 'expected' | 'online' | 'offline' | 'reader_disconnected';
  source: Source;
  profile: string;
  input: string;
  pid?: number;
  host?: string;
  metricsUrl?: string;
  /** Device clock at publish minus ours at receipt, ms: the clock offset less the one-way delivery delay. */
  clockOffsetMs?: number;
  births: number;
  lostAt?: number;
  /** The reader's latest frame counts (device/{id}/reader), when it has a reader. */
  reader?: ReaderReport;
  offlineReason?: string;
}

export class DeviceRegistry {
  readonly #devices = new Map<string, DeviceStatus>();

  expect(d: {
    id: string;
    kind: DeviceKind;
    profile: string;
    input: string;
    source: Source;
  }): void {
    this.#devices.set(d.id, { ...d, status: 'expected', births: 0 });
  }

  get(id: string): DeviceStatus | undefined {
    return this.#devices.get(id);
  }

  all(): DeviceStatus[] {
    return [...this.#devices.values()];
  }

  /** Apply a state message; returns what changed, so the caller can react to a loss. */
  apply(
    id: string,
    state: DeviceState,
    now: number,
  ): 'born' | 'lost' | 'shutdown' | 'reader' | 'none' {
    const d = this.#devices.get(id);
    if (!d) return 'none';
    if (state.status === 'online') {
      const wasUp = d.status === 'online';
      Object.assign(d, {
        status: 'online',
        source: state.source,
        pid: state.pid,
        host: state.host,
        metricsUrl: state.metricsUrl,
        clockOffsetMs: state.clock - now,
      });
      d.offlineReason = undefined;
      if (!wasUp) d.births++;
      return wasUp ? 'none' : 'born';
    }
    if (state.status === 'reader_disconnected') {
      d.status = 'reader_disconnected';
      return 'reader';
    }
    if (d.status === 'offline') return 'none';
    d.status = 'offline';
    d.offlineReason = state.reason;
    d.lostAt = now;
    return state.reason === 'lost' ? 'lost' : 'shutdown';
  }

  /** Mark a device down without waiting for its Last Will (the supervisor saw the process exit). */
  markLost(id: string, now: number): boolean {
    const d = this.#devices.get(id);
    if (!d || d.status === 'offline') return false;
    d.status = 'offline';
    d.offlineReason = 'lost';
    d.lostAt = now;
    return true;
  }

  /** Keep a device's latest reader report. */
  reader(id: string, report: ReaderReport): void {
    const d = this.#devices.get(id);
    if (d) d.reader = report;
  }

  isUp(id: string): boolean {
    return this.#devices.get(id)?.status === 'online';
  }

  up(kind?: DeviceKind): DeviceStatus[] {
    return this.all().filter(
      (d) => d.status === 'online' && (kind === undefined || d.kind === kind),
    );
  }
}
