/**
 * A real serial port: a physical reader on a tty, or one end of a socat pty pair in tests.
 * serialport (and its native binding) is imported only when a port is opened, so a machine
 * without the native module can still run every virtual input (STYLE.md item 2).
 */
import type { SerialPort } from 'serialport';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { SerialSettings } from '../../firmware-profiles/schema.js';
import type { ReaderBinding } from './binding.js';
import { closePort, openPort, type PortCallbacks, wirePort } from './serial-port-events.js';

export class SerialBinding implements ReaderBinding {
  readonly input = 'serial';
  readonly source = 'physical' as const;
  private port: SerialPort | undefined;
  private closing = false;
  private readonly cbs: PortCallbacks = { data: [], closed: [] };

  constructor(
    readonly path: string,
    private readonly serial: SerialSettings,
  ) {}

  async open(): Promise<void> {
    let port: SerialPort;
    try {
      const { SerialPort } = await import('serialport');
      port = new SerialPort({ path: this.path, ...this.serial, autoOpen: false });
      await openPort(port);
    } catch (err) {
      throw new GhostfleetError(
        ErrorCodes.ReaderUnavailable,
        `cannot open serial reader ${this.path}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    this.closing = false;
    wirePort(port, this.cbs, () => this.closing);
    this.port = port;
  }

  async close(): Promise<void> {
    const port = this.port;
    if (!port) return;
    this.closing = true;
    this.port = undefined;
    await closePort(port);
  }

  onData(cb: (chunk: Buffer) => void): void {
    this.cbs.data.push(cb);
  }

  onClose(cb: (err?: Error) => void): void {
    this.cbs.closed.push(cb);
  }
}
