/**
 * A virtual serial reader: serialport's own mock binding, a full implementation of its binding
 * interface, driven from the "reader side" by the emulator. Bytes take the same path through a
 * SerialPortStream as a real port's. The mock is imported as `SerialPortMock.binding` from
 * 'serialport' (ENVIRONMENT.md: importing '@serialport/binding-mock' directly gives a second
 * copy of its port table and hangs).
 */
import { SerialPortMock } from 'serialport';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { SerialSettings } from '../../firmware-profiles/schema.js';
import type { VirtualReaderBinding } from './binding.js';
import { openPort, PortBindingBase } from './serial-port-events.js';

export function virtualSerialPath(deviceId: string): string {
  return `/dev/ghostfleet/${deviceId}`;
}

export class VirtualSerialBinding
  extends PortBindingBase<SerialPortMock>
  implements VirtualReaderBinding
{
  readonly input = 'virtual-serial';
  readonly source = 'virtual' as const;
  readonly path: string;

  constructor(
    deviceId: string,
    private readonly serial: SerialSettings,
  ) {
    super();
    this.path = virtualSerialPath(deviceId);
  }

  async open(): Promise<void> {
    const mock = SerialPortMock.binding;
    const known = await mock.list();
    if (!known.some((p) => p.path === this.path)) {
      mock.createPort(this.path, { echo: false, record: false });
    }
    const port = new SerialPortMock({ path: this.path, ...this.serial, autoOpen: false });
    try {
      await openPort(port);
    } catch (err) {
      throw new GhostfleetError(
        ErrorCodes.ReaderUnavailable,
        `cannot open virtual serial reader ${this.path}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    this.attach(port);
  }

  readerSide(chunk: Buffer): void {
    const inner = this.port?.port;
    if (!inner?.isOpen) {
      throw new GhostfleetError(
        ErrorCodes.ReaderUnavailable,
        `virtual reader ${this.path} is not open`,
      );
    }
    inner.emitData(chunk);
  }
}
