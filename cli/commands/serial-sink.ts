/**
 * The emulator's output side: a real serial port (a tty, or one end of a socat pty pair) opened
 * with the profile's line settings. A pty ignores the baud rate, so pacing stays the emulator's job
 * (ENVIRONMENT.md: ≈1.04 ms per byte at 9600 8N1). The port comes from devices/inputs/, where
 * serialport's native binding is loaded only when a port is opened.
 */
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import {
  createNativeSerialPort,
  type NativeSerialPort,
} from '../../devices/inputs/native-serial.js';
import type { SerialSettings } from '../../firmware-profiles/schema.js';

export interface ByteSink {
  /** Resolves once the bytes were handed to the OS. */
  write(chunk: Buffer): Promise<void>;
  close(): Promise<void>;
}

export type OpenSink = (path: string, serial: SerialSettings) => Promise<ByteSink>;

export const openSerialSink: OpenSink = async (path, serial) => {
  const port: NativeSerialPort = await createNativeSerialPort(path, serial);
  try {
    await new Promise<void>((ok, fail) => port.open((err) => (err ? fail(err) : ok())));
  } catch (err) {
    throw new GhostfleetError(
      ErrorCodes.ReaderUnavailable,
      `cannot open serial port ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  // Without a listener an 'error' event would crash the process; writes report through callbacks.
  port.on('error', () => undefined);
  return {
    write: (chunk) =>
      new Promise<void>((ok, fail) => {
        port.write(chunk, (err) =>
          err
            ? fail(
                new GhostfleetError(
                  ErrorCodes.ReaderUnavailable,
                  `write to ${path} failed: ${err.message}`,
                  { cause: err },
                ),
              )
            : ok(),
        );
      }),
    close: () =>
      new Promise<void>((ok) => {
        if (!port.isOpen) {
          ok();
          return;
        }
        port.drain(() => port.close(() => ok()));
      }),
  };
};
