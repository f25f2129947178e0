/**
 * Shared wiring of a serialport stream (real or mock) to the binding callbacks: data in order,
 * and an unasked-for close (serialport emits 'close' with a DisconnectedError when a read fails,
 * e.g. EIO when a pty's other side goes away) reported once.
 */
import type { SerialPort, SerialPortMock } from 'serialport';

type AnyPort = SerialPort | SerialPortMock;

export interface PortCallbacks {
  data: ((chunk: Buffer) => void)[];
  closed: ((err?: Error) => void)[];
}

export function wirePort(port: AnyPort, cbs: PortCallbacks, isClosing: () => boolean): void {
  port.on('data', (chunk: Buffer) => {
    for (const cb of cbs.data) cb(chunk);
  });
  port.on('close', (err?: Error | null) => {
    if (isClosing()) return;
    const reason = err ?? new Error(`port ${port.path} closed`);
    for (const cb of cbs.closed) cb(reason);
  });
  // Without a listener an 'error' would crash the process; a failing port also closes.
  port.on('error', () => undefined);
}

export function openPort(port: AnyPort): Promise<void> {
  return new Promise((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
}

export function closePort(port: AnyPort): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) {
      resolve();
      return;
    }
    port.close(() => resolve());
  });
}
