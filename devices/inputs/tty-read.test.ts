/**
 * The hang-up race behind the flaky socat unplug test, pinned without timing luck: the read is made
 * *after* the pty's other side hung up, the order that used to lose the disconnect.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, constants as fsc, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { hasSocat } from './test-harness.js';
import { type FsRead, readUntilHangup, type UnixTtyPort } from './tty-read.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A socat pty pair whose far side has already hung up: returns our non-blocking fd on it. */
async function hungUpTty(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'gf-hup-'));
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const child: ChildProcess = spawn(
    'socat',
    [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`],
    {
      stdio: 'ignore',
    },
  );
  cleanups.push(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  while (!(existsSync(a) && existsSync(b))) await delay(5);
  const fd = openSync(b, fsc.O_RDWR | fsc.O_NOCTTY | fsc.O_NONBLOCK);
  cleanups.push(() => closeSync(fd));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM'); // socat closes its pty masters: the kernel hangs our slave up
  await exited;
  return fd;
}

function portOn(fd: number): UnixTtyPort {
  return {
    fd,
    isOpen: true,
    // A poller that says "readable" at once: the wake-up that raced the hang-up.
    poller: { once: (_event, cb) => setImmediate(cb, null) },
    read: () => Promise.reject(new Error('unused')),
  };
}

describe.skipIf(!hasSocat())('tty read after a hang-up', () => {
  it('a 0-byte read is a disconnect (the stream then closes the port)', async () => {
    const fd = await hungUpTty();
    const err = await readUntilHangup(portOn(fd), Buffer.alloc(64), 0, 64).then(
      () => null,
      (e: unknown) => e as Error & { disconnect?: boolean },
    );
    expect(err?.message).toContain('hung up');
    expect(err?.disconnect).toBe(true);
  });

  it("bindings-cpp's own read spins on it and never reports the loss (why this exists)", async () => {
    const fd = await hungUpTty();
    const require = createRequire(import.meta.url);
    const { unixRead } = require('@serialport/bindings-cpp/dist/unix-read.js') as {
      unixRead(args: {
        binding: unknown;
        buffer: Buffer;
        offset: number;
        length: number;
        fsReadAsync: FsRead;
      }): Promise<unknown>;
    };
    const { read } = await import('node:fs');
    const { promisify } = await import('node:util');
    let reads = 0;
    let stop = false;
    const counted: FsRead = async (...args) => {
      reads++;
      if (stop) throw Object.assign(new Error('stopped'), { code: 'EBADF' });
      return promisify(read)(...args);
    };
    const pending = unixRead({
      binding: portOn(fd),
      buffer: Buffer.alloc(64),
      offset: 0,
      length: 64,
      fsReadAsync: counted,
    });
    const outcome = await Promise.race([
      pending.then(
        () => 'settled',
        () => 'settled',
      ),
      delay(300).then(() => 'pending'),
    ]);
    stop = true;
    await pending.catch(() => undefined);
    expect(outcome).toBe('pending');
    expect(reads).toBeGreaterThan(50); // 0, 0, 0, ... re-read at once, for ever
  });

  it('data before the hang-up is delivered, EAGAIN waits for the poller', async () => {
    let calls = 0;
    const script: FsRead = async (_fd, buffer, offset) => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('again'), { code: 'EAGAIN' });
      buffer.write('hi', offset, 'latin1');
      return { bytesRead: 2 };
    };
    let polled = 0;
    const port: UnixTtyPort = {
      ...portOn(0),
      poller: {
        once: (_e, cb) => {
          polled++;
          setImmediate(cb, null);
        },
      },
    };
    const got = await readUntilHangup(port, Buffer.alloc(8), 0, 8, script);
    expect(got.bytesRead).toBe(2);
    expect(polled).toBe(1);
  });
});
