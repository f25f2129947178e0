/**
 * Test-only: one harness per binding, so the contract suite runs the same cases against each.
 * The socat harness is a real pty pair — the stand-in for a physical reader on a cable:
 * the test writes the reader's bytes into end A, the binding reads end B.
 */
import { constants as fsc } from 'node:fs';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTransport } from '../../firmware-profiles/load.js';
import type { FirmwareProfile } from '../../firmware-profiles/schema.js';
import type { ReaderBinding } from './binding.js';
import { FakeNodeHid } from './fake-node-hid.js';
import { HidBinding } from './hid.js';
import { SerialBinding } from './serial.js';
import { hasSocat, SocatPair } from './socat-pair.js';
import { VirtualHidBinding } from './virtual-hid.js';
import { VirtualSerialBinding } from './virtual-serial.js';

export { hasSocat, SocatPair };

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
  /** The transport of the profiles this binding reads. */
  transport: FirmwareProfile['transport'];
  /** Why the harness cannot run here, or undefined when it can. */
  unavailable(): string | undefined;
  rig(id: string, profile: FirmwareProfile): Promise<Rig>;
}

export const virtualSerialHarness: Harness = {
  name: 'virtual-serial',
  transport: 'serial',
  unavailable: () => undefined,
  async rig(id, profile) {
    const { serial } = requireTransport(profile, 'serial');
    const binding = new VirtualSerialBinding(`contract-${process.pid}-${id}`, serial);
    return {
      binding,
      inject: async (chunk) => binding.readerSide(chunk),
      dispose: () => binding.close(),
    };
  },
};

export const socatHarness: Harness = {
  name: 'serial (socat pty)',
  transport: 'serial',
  unavailable: () =>
    hasSocat()
      ? undefined
      : 'socat is not installed (apt-get install -y --no-install-recommends socat)',
  async rig(id, profile) {
    const { serial } = requireTransport(profile, 'serial');
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

export const virtualHidHarness: Harness = {
  name: 'virtual-hid',
  transport: 'hid',
  unavailable: () => undefined,
  async rig(id, profile) {
    const { hid } = requireTransport(profile, 'hid');
    const binding = new VirtualHidBinding(`contract-${id}`, hid.reportSize);
    return {
      binding,
      inject: async (chunk) => binding.readerSide(chunk),
      dispose: () => binding.close(),
    };
  },
};

/** `hid` over a fake node-hid module: the stand-in for a physical HID reader on USB. */
export const fakeHidHarness: Harness = {
  name: 'hid (fake node-hid)',
  transport: 'hid',
  unavailable: () => undefined,
  async rig(id, profile) {
    const p = requireTransport(profile, 'hid');
    const fake = new FakeNodeHid();
    const path = `/dev/hidraw-fake-${id}`;
    fake.add({ path, vendorId: 0x0c2e, productId: 0x0b61, usagePage: p.hid.usagePage });
    const binding = new HidBinding(path, p, { hid: fake });
    return {
      binding,
      inject: async (chunk) => fake.emitReports(path, chunk, p.hid.reportSize),
      unplug: async () => fake.unplug(path),
      replug: async () => fake.replug(path),
      dispose: () => binding.close(),
    };
  },
};
