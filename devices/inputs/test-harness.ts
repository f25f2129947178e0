/**
 * Test-only: one harness per binding, so the contract suite runs the same cases against each.
 * The socat harness is a real pty pair — the stand-in for a physical reader on a cable:
 * the test writes the reader's bytes into end A, the binding reads end B.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, constants as fsc } from 'node:fs';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { SerialSettings } from '../../firmware-profiles/schema.js';
import type { ReaderBinding } from './binding.js';
import { SerialBinding } from './serial.js';
import { VirtualSerialBinding } from './virtual-serial.js';

export interface Rig {
  binding: ReaderBinding;
  /** Bytes from the reader's side of the cable. */
  inject(chunk: Buffer): Promise<void>;
  /** Physical only: pull the cable, plug it back. */
  unplug?(): Promise<void>;
  replug?(): Promise<void>;
  dispose(): Promise<void>;
}

export interface Harness {
  name: string;
  /** Why the harness cannot run here, or undefined when it can. */
  unavailable(): string | undefined;
  rig(id: string, serial: SerialSettings): Promise<Rig>;
}

export const virtualSerialHarness: Harness = {
  name: 'virtual-serial',
  unavailable: () => undefined,
  async rig(id, serial) {
    const binding = new VirtualSerialBinding(`contract-${process.pid}-${id}`, serial);
    return {
      binding,
      inject: async (chunk) => binding.readerSide(chunk),
      dispose: () => binding.close(),
    };
  },
};

export function hasSocat(): boolean {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

class SocatPair {
  private child: ChildProcess | undefined;
  constructor(
    readonly a: string,
    readonly b: string,
  ) {}

  async start(): Promise<void> {
    const child = spawn(
      'socat',
      ['-d', '-d', `pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`],
      { stdio: 'ignore' },
    );
    this.child = child;
    await waitFor(() => existsSync(this.a) && existsSync(this.b), 'socat pty links');
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await waitFor(() => !existsSync(this.a) && !existsSync(this.b), 'socat to remove its links');
  }
}

export const socatHarness: Harness = {
  name: 'serial (socat pty)',
  unavailable: () =>
    hasSocat()
      ? undefined
      : 'socat is not installed (apt-get install -y --no-install-recommends socat)',
  async rig(id, serial) {
    const dir = await mkdtemp(join(tmpdir(), `gf-pty-${id}-`));
    const pair = new SocatPair(join(dir, 'a'), join(dir, 'b'));
    await pair.start();
    let writer: FileHandle | undefined;
    const openWriter = async () => {
      writer = await open(pair.a, fsc.O_RDWR | fsc.O_NOCTTY);
    };
    await openWriter();
    const binding = new SerialBinding(pair.b, serial);
    return {
      binding,
      async inject(chunk) {
        await writer?.write(chunk);
      },
      async unplug() {
        await writer?.close();
        writer = undefined;
        await pair.stop();
      },
      async replug() {
        await pair.start();
        await openWriter();
      },
      async dispose() {
        await binding.close();
        await writer?.close();
        await pair.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};
