/**
 * A real serial port: a physical reader on a tty, or one end of a socat pty pair in tests.
 * serialport (and its native binding) is imported only when a port is opened, so a machine
 * without the native module can still run every virtual input (STYLE.md item 2).
 */
import type { SerialPort } from 'serialport';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { SerialSettings } from '../../firmware-profiles/schema.js';
import type { ReaderBinding } from './binding.js';
import { openPort, PortBindingBase } from './serial-port-events.js';

export class SerialBinding extends PortBindingBase<SerialPort> implements ReaderBinding {
  readonly input = 'serial';
  readonly source = 'physical' as const;

  constructor(
    readonly path: string,
    private readonly serial: SerialSettings,
  ) {
    super();
  }

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
    this.attach(port);
  }
}
