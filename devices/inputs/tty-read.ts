/**
 * A tty read that notices a hang-up. serialport's unix binding (`@serialport/bindings-cpp`
 * `unixRead`) treats a read of 0 bytes as "try again" and re-reads at once, for ever. But the port
 * is opened non-blocking with VMIN=1 (bindings-cpp's default, see `LinuxOpenOptions.vmin`), so "no
 * data yet" is EAGAIN, and 0 bytes means end of file: the tty was hung up (termios(3): a read on a
 * hung-up terminal returns 0). That happens when a pty's other side closes or a USB-serial reader is
 * unplugged (Linux `pty_close` → `tty_vhangup`; `usb_serial` disconnect → `tty_port_tty_hangup`).
 *
 * Whether the binding ever saw the loss was a race (the flaky "serial (socat pty) unplug" contract
 * test, issue 6): the kernel wakes the reader's poll *before* it finishes the hang-up. If the event
 * loop collected the wake-up after the hang-up, libuv reported POLLERR as EBADF and the port closed
 * with a DisconnectedError; if it collected it in between (likelier on a loaded machine), it was
 * "readable", the read ran after the hang-up, returned 0, and the binding spun on 0-byte reads with
 * the port never reported lost. Here a 0-byte read is a disconnect, so both orders end the same way.
 */
import { read } from 'node:fs';
import { promisify } from 'node:util';

const readAsync = promisify(read);

/** The parts of bindings-cpp's LinuxPortBinding / DarwinPortBinding this read needs. */
export interface UnixTtyPort {
  readonly fd: number | null;
  readonly isOpen: boolean;
  readonly poller: { once(event: 'readable', cb: (err: Error | null) => void): unknown };
  read(
    buffer: Buffer,
    offset: number,
    length: number,
  ): Promise<{ buffer: Buffer; bytesRead: number }>;
}

export type FsRead = (
  fd: number,
  buffer: Buffer,
  offset: number,
  length: number,
  position: null,
) => Promise<{ bytesRead: number }>;

/** An error @serialport/stream does not treat as a disconnect (its `canceled` flag). */
function canceled(message: string): Error {
  return Object.assign(new Error(message), { canceled: true });
}

function readable(port: UnixTtyPort): Promise<void> {
  return new Promise((resolve, reject) => {
    port.poller.once('readable', (err) => (err ? reject(err) : resolve()));
  });
}

const RETRY_CODES = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

/** Read at least one byte; rejects with `disconnect: true` when the tty was hung up. */
export async function readUntilHangup(
  port: UnixTtyPort,
  buffer: Buffer,
  offset: number,
  length: number,
  fsRead: FsRead = readAsync,
): Promise<{ buffer: Buffer; bytesRead: number }> {
  for (;;) {
    if (!port.isOpen || port.fd === null) throw canceled('Port is not open');
    let bytesRead: number;
    try {
      ({ bytesRead } = await fsRead(port.fd, buffer, offset, length, null));
    } catch (err) {
      if (!RETRY_CODES.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      if (!port.isOpen) throw canceled('Port is not open');
      await readable(port);
      continue;
    }
    if (bytesRead > 0) return { buffer, bytesRead };
    throw Object.assign(new Error('end of file: the tty was hung up'), { disconnect: true });
  }
}

function isUnixTtyPort(port: unknown): port is UnixTtyPort {
  const p = port as Partial<UnixTtyPort> | null;
  return typeof p?.fd === 'number' && typeof p.poller?.once === 'function';
}

/** serialport's binding shape (`@serialport/bindings-interface` BindingInterface), loosely. */
export interface OpenableBinding<O, P> {
  open(options: O): Promise<P>;
  list(): Promise<unknown[]>;
}

/**
 * The platform binding with its ports' `read` replaced by `readUntilHangup` (unix ports only; a
 * Windows port reports unplugs through its own errors and is left as it is).
 */
export function hangupAware<O, P, B extends OpenableBinding<O, P>>(binding: B): B {
  return {
    ...binding,
    list: () => binding.list(),
    async open(options: O): Promise<P> {
      const port = await binding.open(options);
      if (isUnixTtyPort(port)) {
        const tty = port;
        // An own property shadows the prototype's read; the binding's other methods are untouched.
        Object.defineProperty(tty, 'read', {
          value: (buffer: Buffer, offset: number, length: number) =>
            readUntilHangup(tty, buffer, offset, length),
        });
      }
      return port;
    },
  };
}
