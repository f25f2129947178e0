import { describe, expect, it } from 'vitest';
import { createRng } from '../../contract/rng.js';
import { loadProfile } from '../../firmware-profiles/load.js';
import type { FirmwareProfile } from '../../firmware-profiles/schema.js';
import type { DecodedFrame } from '../framing/frame.js';
import { createDecoder } from '../framing/index.js';
import { createEmulator } from './emulator.js';
import { wireMs, wirePlan } from './wire.js';

/** A virtual clock: sleep advances it exactly. */
function virtualClock() {
  let t = 1_000_000;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
}

function decode(p: FirmwareProfile, bytes: Buffer): { frames: DecodedFrame[]; malformed: number } {
  const d = createDecoder(p);
  const frames: DecodedFrame[] = [];
  d.on('frame', (f: DecodedFrame) => frames.push(f));
  d.resume();
  d.write(bytes);
  return { frames, malformed: d.malformed };
}

const wallet = 'GP:v1|wallet_7f3a9c|venue-1|evt_2025-06-01|gw=door-1';

describe('HID encoding', () => {
  it('HID POS: 64-byte reports, 56 data bytes each, AIM ]Q1, round trip', async () => {
    const p = await loadProfile('hid-pos-qr');
    const text = `${wallet}-${'x'.repeat(50)}`; // 103 bytes → 2 reports
    const bytes = createEmulator(p).encode({ kind: 'qr', text });
    expect(bytes).toHaveLength(2 * 64);
    expect([...bytes.subarray(0, 5)]).toEqual([0x02, 56, 0x5d, 0x51, 0x31]);
    expect(bytes[63]).toBe(1);
    expect(bytes[64 + 63]).toBe(0);
    expect(decode(p, bytes).frames).toEqual([{ kind: 'text', text, symbology: ']Q1' }]);
  });

  it('keyboard wedge: key-down + key-up per character (Shift for : _ and capitals), Enter', async () => {
    const p = await loadProfile('hid-keyboard-qr');
    const bytes = createEmulator(p).encode({ kind: 'qr', text: 'G:a' });
    expect(bytes.toString('hex').match(/.{16}/g)).toEqual([
      '02000a0000000000', // Shift + g
      '0000000000000000',
      '0200330000000000', // Shift + ;
      '0000000000000000',
      '0000040000000000', // a
      '0000000000000000',
      '0000280000000000', // Enter
      '0000000000000000',
    ]);
    expect(decode(p, createEmulator(p).encode({ kind: 'qr', text: wallet })).frames).toEqual([
      { kind: 'text', text: wallet },
    ]);
  });

  it('NFC wedge: the first 4 UID bytes typed as 10 decimal digits, in the configured byte order', async () => {
    const p = await loadProfile('nfc-keyboard-uid');
    const em = createEmulator(p);
    const seven = { kind: 'nfc-uid', uid: '04A224B2C35E80' } as const;
    expect(em.encode(seven)).toHaveLength(11 * 16); // 10 digits + Enter
    expect(decode(p, em.encode(seven)).frames).toEqual([{ kind: 'uid', uid: '04A224B2' }]);
    if (p.transport !== 'hid') throw new Error('hid profile expected');
    const lsb: FirmwareProfile = {
      ...p,
      uidFormat: { kind: 'decimal10', uidByteOrder: 'lsb-first' },
    };
    const bytes = createEmulator(lsb).encode({ kind: 'nfc-uid', uid: 'deadbeef' });
    expect(decode(lsb, bytes).frames).toEqual([{ kind: 'uid', uid: 'DEADBEEF' }]);
    expect(bytes).not.toEqual(em.encode({ kind: 'nfc-uid', uid: 'deadbeef' }));
  });

  it('refuses what the reader cannot send', async () => {
    const kb = createEmulator(await loadProfile('hid-keyboard-qr'));
    expect(() => kb.encode({ kind: 'qr', text: 'tab\there' })).toThrow(/printable ASCII/);
    expect(() => kb.encode({ kind: 'nfc-uid', uid: 'DEADBEEF' })).toThrow(/cannot be presented/);
    const nfc = createEmulator(await loadProfile('nfc-keyboard-uid'));
    expect(() => nfc.encode({ kind: 'nfc-uid', uid: 'xyz' })).toThrow(/UID/);
  });
});

describe('HID wire time = reports × poll interval', () => {
  it('one report per poll, on absolute deadlines', async () => {
    const kb = await loadProfile('hid-keyboard-qr');
    expect(wirePlan(kb, 32)).toEqual([
      { end: 8, atMs: 8 },
      { end: 16, atMs: 16 },
      { end: 24, atMs: 24 },
      { end: 32, atMs: 32 },
    ]);
    const pos = await loadProfile('hid-pos-qr');
    expect(wireMs(pos, 3 * 64)).toBe(3);
  });

  it('present() hands over one report per chunk, paced from a fixed start', async () => {
    const p = await loadProfile('nfc-keyboard-uid');
    const clock = virtualClock();
    const fixed: FirmwareProfile = {
      ...p,
      timing: { ...p.timing, decode: { dist: 'fixed', ms: 20 } },
      errors: { noReadRate: 0, garbleRate: 0, duplicateRate: 0 },
    };
    const em = createEmulator(fixed, clock);
    const start = clock.now();
    const chunks: Buffer[] = [];
    const r = await em.present({ kind: 'nfc-uid', uid: 'DEADBEEF' }, (c) => {
      chunks.push(c);
    });
    expect(chunks).toHaveLength(22);
    expect(chunks.every((c) => c.length === 8)).toBe(true);
    expect(r.firstByteAt - start).toBe(20 + 8);
    expect(r.lastByteAt - start).toBe(20 + 22 * 8);
  });
});

describe('HID garbling is always noticed by the decoder', () => {
  for (const name of ['hid-pos-qr', 'hid-keyboard-qr', 'nfc-keyboard-uid']) {
    it(`${name}: every garbled attempt is malformed, and the next good frame decodes`, async () => {
      const base = await loadProfile(name);
      const p: FirmwareProfile = {
        ...base,
        timing: { ...base.timing, decode: { dist: 'fixed', ms: 0 } },
        errors: { noReadRate: 0, garbleRate: 0.5, duplicateRate: 0 },
      };
      const cred =
        p.credential === 'qr'
          ? ({ kind: 'qr', text: `${wallet}${'y'.repeat(70)}` } as const)
          : ({ kind: 'nfc-uid', uid: '04A224B2' } as const);
      const rng = createRng(3).next;
      let garbled = 0;
      for (let i = 0; i < 40; i++) {
        const chunks: Buffer[] = [];
        const r = await createEmulator(p, { ...virtualClock(), rng }).present(cred, (c) => {
          chunks.push(c);
        });
        garbled += r.garbled;
        const out = decode(p, Buffer.concat(chunks));
        expect(out.malformed).toBe(r.garbled);
        expect(out.frames).toHaveLength(1);
      }
      expect(garbled).toBeGreaterThan(10);
    });
  }
});
