/**
 * The fleet supervisor: forks device-host processes, hands each its devices over IPC, and knows
 * which process hosts which device, so a device can be killed (a real SIGKILL: the outage drill)
 * and revived. It does not restart anything by itself: a dead door stays dead until revived.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { type ErrorCode, ErrorCodes, GhostfleetError } from '../contract/errors.js';
import type { DeviceConfigInput } from '../devices/config.js';
import { type ChildMessage, type ParentMessage, parseChildMessage } from '../devices/host-ipc.js';

export interface HostInfo {
  readonly hostId: string;
  readonly deviceIds: readonly string[];
  pid: number;
  metricsUrl: string;
  alive: boolean;
}

export interface SupervisorEvents {
  exit: [host: HostInfo, code: number | null, signal: NodeJS.Signals | null];
  log: [hostId: string, line: string];
}

/**
 * The device-host entry: compiled JS next to us in dist/, or the TypeScript source run through tsx
 * when the orchestrator itself runs from source (tests, `tsx cli/main.ts`).
 */
function hostEntry(): { path: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(
    new URL(`../devices/host-main.${fromSource ? 'ts' : 'js'}`, import.meta.url),
  );
  // tsx resolved from here, not from the working directory: a run from source started in another
  // directory (a results folder, a test's temp dir) must still find it.
  return { path, execArgv: fromSource ? ['--import', import.meta.resolve('tsx')] : [] };
}

export class Supervisor extends EventEmitter<SupervisorEvents> {
  readonly #hosts = new Map<
    string,
    { info: HostInfo; child: ChildProcess; configs: DeviceConfigInput[] }
  >();
  readonly #startTimeoutMs: number;

  constructor(opts: { startTimeoutMs?: number } = {}) {
    super();
    this.#startTimeoutMs = opts.startTimeoutMs ?? 30_000;
  }

  readonly #preforked = new Map<string, ChildProcess>();

  /**
   * Fork host processes before their configuration is known (the target may still be starting):
   * loading the device runtime takes a second or two of CPU per process, which then overlaps.
   */
  prefork(hostIds: readonly string[]): void {
    for (const id of hostIds) if (!this.#preforked.has(id)) this.#preforked.set(id, this.#fork());
  }

  #fork(): ChildProcess {
    const entry = hostEntry();
    return fork(entry.path, [], {
      execArgv: entry.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
  }

  /** Start one host process for these devices; resolves once every device has started. */
  async spawn(hostId: string, configs: DeviceConfigInput[]): Promise<HostInfo> {
    let child = this.#preforked.get(hostId);
    this.#preforked.delete(hostId);
    if (!child || child.exitCode !== null || !child.connected) child = this.#fork();
    const info: HostInfo = {
      hostId,
      deviceIds: configs.map((c) => c.id),
      pid: child.pid ?? -1,
      metricsUrl: '',
      alive: true,
    };
    this.#hosts.set(hostId, { info, child, configs });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) this.emit('log', hostId, line);
      }
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);

    const started = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new GhostfleetError(
            ErrorCodes.DeviceStartFailed,
            `device host ${hostId} did not start within ${this.#startTimeoutMs} ms`,
          ),
        );
      }, this.#startTimeoutMs);
      child.on('message', (raw: unknown) => {
        let message: ChildMessage;
        try {
          message = parseChildMessage(raw, hostId);
        } catch (err) {
          // A message that does not parse is reported and skipped, like a bad MQTT payload.
          this.emit('log', hostId, `ignored a bad IPC message: ${(err as Error).message}`);
          return;
        }
        if (message.type === 'log') this.emit('log', hostId, message.line);
        else if (message.type === 'started') {
          clearTimeout(timer);
          info.metricsUrl = message.metricsUrl;
          resolve();
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          // Keep the device's own code (a missing reader, a bad profile): it decides the exit code.
          const known = (Object.values(ErrorCodes) as string[]).includes(message.code);
          reject(
            new GhostfleetError(
              known ? (message.code as ErrorCode) : ErrorCodes.DeviceStartFailed,
              `device host ${hostId} failed to start: ${message.message}`,
              { details: message.details },
            ),
          );
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        info.alive = false;
        reject(
          new GhostfleetError(
            ErrorCodes.DeviceStartFailed,
            `device host ${hostId} exited during start (code ${code}, signal ${signal})`,
          ),
        );
      });
    });
    child.once('exit', (code, signal) => {
      info.alive = false;
      this.emit('exit', info, code, signal);
    });
    child.send({ type: 'start', devices: configs } satisfies ParentMessage);
    await started;
    return info;
  }

  hosts(): HostInfo[] {
    return [...this.#hosts.values()].map((h) => h.info);
  }

  hostOf(deviceId: string): HostInfo | undefined {
    return this.hosts().find((h) => h.deviceIds.includes(deviceId));
  }

  /** Kill the process hosting a device (SIGKILL by default: no goodbye, the Last Will speaks). */
  kill(deviceId: string, signal: NodeJS.Signals = 'SIGKILL'): HostInfo {
    const host = this.#hosts.get(this.hostOf(deviceId)?.hostId ?? '');
    if (!host)
      throw new GhostfleetError(ErrorCodes.BadArgument, `no device ${deviceId} in this fleet`);
    if (!host.info.alive) {
      throw new GhostfleetError(ErrorCodes.BadArgument, `device ${deviceId} is not running`);
    }
    host.child.kill(signal);
    return host.info;
  }

  /** Start a killed device's host again with the same configuration (its outbox is replayed). */
  async revive(deviceId: string): Promise<HostInfo> {
    const host = this.#hosts.get(this.hostOf(deviceId)?.hostId ?? '');
    if (!host)
      throw new GhostfleetError(ErrorCodes.BadArgument, `no device ${deviceId} in this fleet`);
    if (host.info.alive) {
      throw new GhostfleetError(ErrorCodes.BadArgument, `device ${deviceId} is already running`);
    }
    return this.spawn(host.info.hostId, host.configs);
  }

  /** Ask every host to stop cleanly; SIGKILL whatever has not exited within the grace period. */
  async stopAll(graceMs = 8000): Promise<void> {
    for (const child of this.#preforked.values()) child.kill('SIGTERM');
    this.#preforked.clear();
    await Promise.all(
      [...this.#hosts.values()].map(async ({ info, child }) => {
        if (!info.alive || child.exitCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
        else child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
