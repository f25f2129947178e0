/**
 * A real serial port: a physical reader on a tty, or one end of a socat pty pair in tests.
 * serialport's native binding is loaded only when a port is opened (`native-serial.ts`), so a
 * machine without the native module can still run every virtual input (STYLE.md item 2).
 */
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { SerialSettings } from '../../firmware-profiles/schema.js';
import type { ReaderBinding } from './binding.js';
import { createNativeSerialPort, type NativeSerialPort } from './native-serial.js';
import { openPort, PortBindingBase } from './serial-port-events.js';

export class SerialBinding extends PortBindingBase<NativeSerialPort> implements ReaderBinding {
  readonly input = 'serial';
  readonly source = 'physical' as const;

  constructor(
    readonly path: string,
    private readonly serial: SerialSettings,
  ) {
    super();
  }

  async open(): Promise<void> {
    const port = await createNativeSerialPort(this.path, this.serial);
    try {
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
