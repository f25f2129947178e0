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
import { closePort, openPort, type PortCallbacks, wirePort } from './serial-port-events.js';

export function virtualSerialPath(deviceId: string): string {
  return `/dev/ghostfleet/${deviceId}`;
}

export class VirtualSerialBinding implements VirtualReaderBinding {
  readonly input = 'virtual-serial';
  readonly source = 'virtual' as const;
  readonly path: string;
  private port: SerialPortMock | undefined;
  private closing = false;
  private readonly cbs: PortCallbacks = { data: [], closed: [] };

  constructor(
    deviceId: string,
    private readonly serial: SerialSettings,
  ) {
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
    this.closing = false;
    wirePort(port, this.cbs, () => this.closing);
    this.port = port;
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
