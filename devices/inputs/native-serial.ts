/**
 * The only door to serialport's native binding (`@serialport/bindings-cpp`, a compiled addon):
 * imported on first use, never at module load, so a machine without the addon still runs every
 * virtual input (STYLE.md item 2; issue 11). The CLI's `readers` and `serial-sink` come here too.
 */
import type { SerialPortStream } from '@serialport/stream';
import type { SerialPort } from 'serialport';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { SerialSettings } from '../../firmware-profiles/schema.js';
import { hangupAware } from './tty-read.js';

/** One attached serial port as serialport's `list()` reports it (path, USB ids, maker). */
export type SerialPortListing = Awaited<ReturnType<typeof SerialPort.list>>[number];

export type NativeSerialPort = SerialPortStream;

async function nativeBinding() {
  const [{ SerialPortStream }, { SerialPort }] = await Promise.all([
    import('@serialport/stream'),
    import('serialport'),
  ]);
  // `SerialPort.binding` is the platform binding serialport itself detected (bindings-cpp).
  return { SerialPortStream, binding: hangupAware(SerialPort.binding) };
}

/**
 * A port on a tty (a physical reader, or a socat pty), not yet open. Rejects with
 * ReaderUnavailable when the native binding cannot load.
 */
export async function createNativeSerialPort(
  path: string,
  serial: SerialSettings,
): Promise<NativeSerialPort> {
  let loaded: Awaited<ReturnType<typeof nativeBinding>>;
  try {
    loaded = await nativeBinding();
  } catch (err) {
    throw new GhostfleetError(
      ErrorCodes.ReaderUnavailable,
      `cannot open serial port ${path}: serialport's native binding did not load (${(err as Error).message})`,
      { cause: err },
    );
  }
  return new loaded.SerialPortStream({
    binding: loaded.binding,
    path,
    ...serial,
    autoOpen: false,
  }) as NativeSerialPort;
}

/** serialport's own enumeration; on Linux it runs `udevadm` (apt package `udev`). */
export async function listSerialPorts(): Promise<SerialPortListing[]> {
  const { SerialPort } = await import('serialport');
  return SerialPort.list();
}
