/**
 * Shared wiring of a serialport stream (real or mock) to the binding callbacks: data in order,
 * and an unasked-for close (serialport emits 'close' with a DisconnectedError when a read fails,
 * e.g. EIO when a pty's other side goes away) reported once.
 */
import type { SerialPortStream } from '@serialport/stream';

/** A real port and the mock are both a SerialPortStream over a different binding. */
export type AnyPort = SerialPortStream;

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

/**
 * What a real and a virtual serial binding share: the callbacks, the open port, and a close that
 * is never reported as a loss. Subclasses open their kind of port and `attach` it.
 */
export abstract class PortBindingBase<P extends AnyPort> {
  protected port: P | undefined;
  private closing = false;
  private readonly cbs: PortCallbacks = { data: [], closed: [] };

  protected attach(port: P): void {
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
