/**
 * A virtual serial reader: serialport's own mock binding, a full implementation of its binding
 * interface, driven from the "reader side" by the emulator. Bytes take the same path through a
 * SerialPortStream as a real port's.
 *
 * No native code loads here (issue 11): the stream comes from `@serialport/stream` and the mock
 * from `@serialport/binding-mock`, not from `serialport`, whose index loads the native
 * `@serialport/bindings-cpp` at import. binding-mock ships an ESM and a CJS build, each with its
 * own port table (ENVIRONMENT.md: mixing them hangs), so it is required as CJS: the very copy
 * serialport's `SerialPortMock.binding` is (and the one whose types resolve; its ESM build has none).
 */
import { createRequire } from 'node:module';
import { SerialPortStream } from '@serialport/stream';
import type { SerialPortMock } from 'serialport';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { SerialSettings } from '../../firmware-profiles/schema.js';
import type { VirtualReaderBinding } from './binding.js';
import { openPort, PortBindingBase } from './serial-port-events.js';

type MockBindingInterface = typeof SerialPortMock.binding;
type MockPort = Awaited<ReturnType<MockBindingInterface['open']>>;

const MockBinding = (
  createRequire(import.meta.url)('@serialport/binding-mock') as {
    MockBinding: MockBindingInterface;
  }
).MockBinding;

export function virtualSerialPath(deviceId: string): string {
  return `/dev/ghostfleet/${deviceId}`;
}

export class VirtualSerialBinding
  extends PortBindingBase<SerialPortStream<MockBindingInterface>>
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
    const known = await MockBinding.list();
    if (!known.some((p) => p.path === this.path)) {
      MockBinding.createPort(this.path, { echo: false, record: false });
    }
    const port = new SerialPortStream({
      binding: MockBinding,
      path: this.path,
      ...this.serial,
      autoOpen: false,
    });
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
    const inner = this.port?.port as MockPort | undefined;
    if (!inner?.isOpen) {
      throw new GhostfleetError(
        ErrorCodes.ReaderUnavailable,
        `virtual reader ${this.path} is not open`,
      );
    }
    inner.emitData(chunk);
  }
}
