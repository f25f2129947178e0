import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes, isGhostfleetError } from '../../contract/errors.js';
import { createRng } from '../../contract/rng.js';
import { loadProfile, requireTransport } from '../../firmware-profiles/load.js';
import type { FirmwareProfile, HidProfile } from '../../firmware-profiles/schema.js';
import { createEmulator } from '../emulator/emulator.js';
import type { Credential } from '../framing/credential.js';
import { FakeNodeHid } from './fake-node-hid.js';
import { HidBinding } from './hid.js';
import { listHidDevices, suggestProfiles } from './hid-devices.js';
import type { NodeHidLike } from './node-hid-like.js';
import { createReader, openReader, type Reader, type ReaderFrame } from './reader.js';

const readers: Reader[] = [];
afterEach(async () => {
  for (const r of readers.splice(0)) await r.close();
});

async function hidProfile(name: string): Promise<HidProfile> {
  const p = requireTransport(await loadProfile(name), 'hid');
  return {
    ...p,
    timing: { ...p.timing, decode: { dist: 'fixed', ms: 0 } },
    errors: { noReadRate: 0, duplicateRate: 0, garbleRate: 0 },
  };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    delay(ms).then(() => {
      throw new Error(`no ${what} within ${ms} ms`);
    }),
  ]);
}

const SCANNER = { vendorId: 0x0c2e, productId: 0x0b61, product: 'Voyager', manufacturer: 'HW' };

describe('HidBinding over a node-hid-shaped module', () => {
  it('an unplug in the middle of a frame: disconnected, reopened every 500 ms, no frame lost', async () => {
    const p = await hidProfile('hid-keyboard-qr');
    const fake = new FakeNodeHid();
    fake.add({ path: '/dev/hidraw7', ...SCANNER, usagePage: 1, usage: 6 });
    const reader = createReader(new HidBinding('/dev/hidraw7', p, { hid: fake }), p);
    readers.push(reader);
    await reader.start();
    const frames: ReaderFrame[] = [];
    const events: string[] = [];
    reader.on('frame', (f: ReaderFrame) => frames.push(f));
    reader.on('malformed', (why: string) => events.push(`malformed: ${why}`));
    reader.on('disconnected', () => events.push('disconnected'));
    reader.on('reconnected', () => events.push('reconnected'));
    const em = createEmulator(p);
    const send = (text: string) =>
      em.present({ kind: 'qr', text }, (c) => fake.emitReports('/dev/hidraw7', c, 8));

    const first = once(reader, 'frame');
    await send('before');
    await within(first, 2000, 'frame');
    // Half a scan ("GP-c", keys still down), then the cable goes.
    const cut = em.encode({ kind: 'qr', text: 'GP-cut' }).subarray(0, 7 * 8);
    fake.emitReports('/dev/hidraw7', cut, 8);
    await delay(20);
    const lost = once(reader, 'disconnected');
    fake.unplug('/dev/hidraw7');
    await within(lost, 1000, 'disconnect');
    await delay(700); // at least one failed re-open while unplugged
    expect(fake.openCount('/dev/hidraw7')).toBe(0);
    const back = once(reader, 'reconnected');
    fake.replug('/dev/hidraw7');
    await within(back, 2000, 'reconnect');
    const after = once(reader, 'frame');
    await send('GP-after'); // starts with G, the key that was "down" when the cable went
    await within(after, 2000, 'frame');
    expect(frames.map((f) => f.credential)).toEqual([
      { kind: 'qr', text: 'before' },
      { kind: 'qr', text: 'GP-after' },
    ]);
    expect(events).toEqual([
      'malformed: input lost in the middle of a frame',
      'disconnected',
      'reconnected',
    ]);
    expect(fake.openCount('/dev/hidraw7')).toBe(1);
  });

  it('a keyboard the OS will not hand over: ReaderUnavailable that says to use HID POS mode', async () => {
    const p = await hidProfile('hid-keyboard-qr');
    const fake = new FakeNodeHid();
    fake.add({ path: 'kbd', ...SCANNER, usagePage: 1, usage: 6 }, 'could not open device');
    const err = await new HidBinding('kbd', p, { hid: fake }).open().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isGhostfleetError(err, ErrorCodes.ReaderUnavailable)).toBe(true);
    expect((err as Error).message).toMatch(/cannot open HID reader kbd: could not open device/);
    expect((err as Error).message).toMatch(/keyboard wedge.*HID POS mode.*hid-pos-qr/);
    const pos = await hidProfile('hid-pos-qr');
    const err2 = await new HidBinding('absent', pos, { hid: fake }).open().catch((e: Error) => e);
    expect((err2 as Error).message).not.toMatch(/keyboard/);
  });

  it('node-hid itself loads lazily here (or says why it cannot): listing never throws', async () => {
    const list = await listHidDevices();
    expect(Array.isArray(list.devices)).toBe(true);
    if (list.reason !== undefined) expect(list.devices).toEqual([]);
  });
});

describe('listHidDevices and suggestProfiles', () => {
  it('lists path, ids, names and usage; suggests profiles by usage page', async () => {
    const fake = new FakeNodeHid();
    fake.add({ path: 'pos', ...SCANNER, usagePage: 0x8c, usage: 0x02 });
    fake.add({ path: 'kbd', vendorId: 1, productId: 2, usagePage: 0x01, usage: 0x06 });
    fake.add({ path: 'mouse', vendorId: 3, productId: 4, usagePage: 0x01, usage: 0x02 });
    const { devices, reason } = await listHidDevices(fake);
    expect(reason).toBeUndefined();
    expect(devices[0]).toEqual({
      path: 'pos',
      vendorId: 0x0c2e,
      productId: 0x0b61,
      product: 'Voyager',
      manufacturer: 'HW',
      usagePage: 0x8c,
      usage: 0x02,
    });
    expect(devices.map((d) => suggestProfiles(d).profiles)).toEqual([
      ['hid-pos-qr'],
      ['hid-keyboard-qr', 'nfc-keyboard-uid'],
      [],
    ]);
    expect(suggestProfiles(devices[1]!).warning).toMatch(/owned by the OS/);
  });

  it('a module that cannot list gives [] and the reason', async () => {
    const broken: NodeHidLike = {
      HIDAsync: { open: () => Promise.reject(new Error('x')) },
      devices: () => {
        throw new Error('libusb-1.0.so.0: cannot open shared object file');
      },
    };
    expect(await listHidDevices(broken)).toEqual({
      devices: [],
      reason: 'libusb-1.0.so.0: cannot open shared object file',
    });
  });
});

describe('openReader (virtual-hid, hid)', () => {
  it('checks the profile transport against the input', async () => {
    const serial = await loadProfile('usb-cdc-qr');
    await expect(openReader({ input: 'virtual-hid', deviceId: 'x' }, serial)).rejects.toMatchObject(
      {
        code: ErrorCodes.BadConfig,
        message: expect.stringContaining('input virtual-hid needs a hid firmware profile'),
      },
    );
    await expect(
      openReader({ input: 'virtual-serial', deviceId: 'x' }, await loadProfile('hid-pos-qr')),
    ).rejects.toMatchObject({ code: ErrorCodes.BadConfig });
  });

  it('hid: opens by path through the injected module; a physical reader has no present()', async () => {
    const p = await hidProfile('hid-pos-qr');
    const fake = new FakeNodeHid();
    fake.add({ path: '/dev/hidraw3', ...SCANNER, usagePage: 0x8c });
    const reader = await openReader({ input: 'hid', path: '/dev/hidraw3' }, p, { hid: fake });
    readers.push(reader);
    expect(reader).toMatchObject({ input: 'hid', source: 'physical' });
    expect(reader.present).toBeUndefined();
    const frame = once(reader, 'frame');
    fake.emitReports('/dev/hidraw3', createEmulator(p).encode({ kind: 'qr', text: 'GP-7' }), 64);
    expect(((await within(frame, 2000, 'frame'))[0] as ReaderFrame).credential).toEqual({
      kind: 'qr',
      text: 'GP-7',
    });
    await expect(
      openReader({ input: 'hid', path: '/dev/nothing' }, p, { hid: fake }),
    ).rejects.toMatchObject({ code: ErrorCodes.ReaderUnavailable });
  });

  it('virtual-hid survives the error model: no-reads, garbles and duplicates counted, every scan served', async () => {
    for (const name of ['hid-pos-qr', 'hid-keyboard-qr', 'nfc-keyboard-uid']) {
      const base = requireTransport(await loadProfile(name), 'hid');
      const p: FirmwareProfile = {
        ...base,
        hid: { ...base.hid, pollIntervalMs: 1 }, // keep the keyboard wedge quick
        timing: { ...base.timing, decode: { dist: 'fixed', ms: 1 }, sameCodeDelayMs: 100 },
        errors: { noReadRate: 0.3, garbleRate: 0.3, duplicateRate: 0.3 },
      };
      const reader = await openReader({ input: 'virtual-hid', deviceId: `err-${name}` }, p, {
        rng: createRng(1).next,
      });
      readers.push(reader);
      expect(reader).toMatchObject({ input: 'virtual-hid', source: 'virtual' });
      for (let i = 0; i < 12; i++) {
        const cred: Credential =
          p.credential === 'qr'
            ? { kind: 'qr', text: `GP:wallet_${i}` }
            : { kind: 'nfc-uid', uid: `${(0x10 + i).toString(16).toUpperCase()}A224B2C35E80` };
        const f = await reader.present!(cred);
        // 7-byte UIDs come back as the 4 bytes the wedge types
        const want: Credential =
          cred.kind === 'qr' ? cred : { kind: 'nfc-uid', uid: cred.uid.slice(0, 8) };
        expect(f.credential).toEqual(want);
      }
      expect(reader.counts.ok, name).toBe(12);
      expect(reader.counts.noread, name).toBeGreaterThan(0);
      expect(reader.counts.malformed, name).toBeGreaterThan(0);
      expect(reader.counts.duplicate, name).toBeGreaterThan(0);
    }
  });
});
