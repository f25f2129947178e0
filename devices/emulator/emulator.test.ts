import { describe, expect, it } from 'vitest';
import { epochNow } from '../../contract/clock.js';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { createRng } from '../../contract/rng.js';
import { loadProfile, requireTransport } from '../../firmware-profiles/load.js';
import type { FirmwareProfile } from '../../firmware-profiles/schema.js';
import type { DecodedFrame } from '../framing/frame.js';
import { createDecoder } from '../framing/index.js';
import { inDataExchangeResponse, inListPassiveTargetResponse } from '../framing/pn532-frame.js';
import { drawDecodeMs } from './decode-time.js';
import { createEmulator } from './emulator.js';
import { encodeRead, garble } from './encode.js';
import { ndefTagUid, ndefTextCapacity } from './encode-ndef.js';
import { wireMs, wirePlan } from './wire.js';

/** A virtual clock: sleep advances it (plus an optional oversleep, like a late timer). */
function virtualClock(oversleepMs = 0) {
  let t = 1_000_000;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms + oversleepMs;
    },
  };
}

/** Returns the given values in turn, then 0.99 (no error) forever. */
const scripted =
  (...values: number[]) =>
  () =>
    values.shift() ?? 0.99;

function withErrors(
  p: FirmwareProfile,
  errors: Partial<FirmwareProfile['errors']>,
): FirmwareProfile {
  return { ...p, errors: { ...p.errors, ...errors } };
}

/** 41 characters: with `]Q1` and CR, a 45-byte frame. */
const qr45 = { kind: 'qr', text: `GP-${'0'.repeat(37)}1` } as const;

describe('encode', () => {
  it('produces the exact bytes of each reader model', async () => {
    const aim = createEmulator(await loadProfile('rs232-aim-qr'));
    expect(aim.encode({ kind: 'qr', text: 'abc' })).toEqual(Buffer.from(']Q1abc\r'));
    const usb = createEmulator(await loadProfile('usb-cdc-qr'));
    expect(usb.encode({ kind: 'qr', text: 'abc' })).toEqual(Buffer.from('abc\r\n'));
    const nfc = createEmulator(await loadProfile('pn532-uart'));
    expect(nfc.encode({ kind: 'nfc-uid', uid: 'deadbeef' }).toString('hex')).toBe(
      '0000ff0cf4d54b01010004080' + '4deadbeef9600',
    );
    expect(aim.encode(qr45)).toHaveLength(45);
  });

  it('refuses a credential the reader cannot read', async () => {
    const nfc = createEmulator(await loadProfile('pn532-uart'));
    expect(() => nfc.encode({ kind: 'qr', text: 'x' })).toThrow(GhostfleetError);
    expect(() => nfc.encode({ kind: 'nfc-uid', uid: 'abc' })).toThrow(/UID/);
    const qr = createEmulator(await loadProfile('usb-cdc-qr'));
    expect(() => qr.encode({ kind: 'qr', text: 'bad\r\n' })).toThrow(/printable ASCII/);
  });
});

/** A ghostsession string as the sandbox makes them: uuid gateway, venue_<uuid>, event_<uuid>. */
const UUID = '6f1c8d2e-0000-4000-8000-000000000001';
const GS = `ghostsession:wallet_test_4999:${UUID}:venue_${UUID}:event_${UUID}:1`;

describe('encode: a PN532 reading an NDEF Text record from an NTAG', () => {
  it('is the target frame, then D5 41 00 + 16 bytes per READ of pages 4, 8, … to the terminator', async () => {
    const em = createEmulator(await loadProfile('pn532-ndef'));
    const bytes = em.encode({ kind: 'nfc-ndef', text: 'hi' });
    // 03 09 | D1 01 05 54 02 "en" "hi" | FE, zero-padded to one 16-byte block.
    const block = Buffer.from('0309D101055402656E6869FE00000000', 'hex');
    expect(bytes).toEqual(
      Buffer.concat([
        inListPassiveTargetResponse(ndefTagUid('hi')),
        inDataExchangeResponse(0, block),
      ]),
    );
    expect(inDataExchangeResponse(0, block).subarray(0, 8).toString('hex')).toBe(
      '0000ff13edd54100',
    );

    // 154 characters: TLV area 03 A1 + 161-byte message + FE = 164 bytes → 11 READs.
    expect(GS).toHaveLength(154);
    const long = em.encode({ kind: 'nfc-ndef', text: GS });
    // Frames: 00 00 FF LEN LCS, body, DCS 00 — target body 15 bytes, each READ answer 19.
    expect(long).toHaveLength(5 + 15 + 2 + 11 * (5 + 19 + 2));
  });

  it('derives a 7-byte NXP UID from the text, the same every time', () => {
    expect(ndefTagUid(GS)).toMatch(/^04[0-9A-F]{12}$/);
    expect(ndefTagUid(GS)).toBe(ndefTagUid(GS));
    expect(ndefTagUid(GS)).not.toBe(ndefTagUid(`${GS}x`));
  });

  it('refuses text the tag cannot hold, empty or ill-formed text, and other credentials', async () => {
    expect([
      ndefTextCapacity('ntag213'),
      ndefTextCapacity('ntag215'),
      ndefTextCapacity('ntag216'),
    ]).toEqual([134, 489, 873]);
    const p = requireTransport(await loadProfile('pn532-ndef'), 'serial');
    const ntag213: FirmwareProfile = { ...p, framing: { kind: 'pn532', tag: 'ntag213' } };
    const em = createEmulator(ntag213);
    expect(() => em.encode({ kind: 'nfc-ndef', text: 'x'.repeat(134) })).not.toThrow();
    expect(() => em.encode({ kind: 'nfc-ndef', text: 'x'.repeat(135) })).toThrow(
      /135 bytes of text do not fit an ntag213 \(144 bytes of user memory, at most 134/,
    );
    expect(() => em.encode({ kind: 'nfc-ndef', text: GS })).toThrow(GhostfleetError);
    expect(() => createEmulator(p).encode({ kind: 'nfc-ndef', text: GS })).not.toThrow();
    expect(() => em.encode({ kind: 'nfc-ndef', text: '' })).toThrow(/non-empty, well-formed/);
    expect(() => em.encode({ kind: 'nfc-ndef', text: 'a\ud800b' })).toThrow(/well-formed/);
    expect(() => em.encode({ kind: 'nfc-uid', uid: 'DEADBEEF' })).toThrow(/reads nfc-ndef/);
    const uidReader = createEmulator(await loadProfile('pn532-uart'));
    expect(() => uidReader.encode({ kind: 'nfc-ndef', text: 'hi' })).toThrow(/reads nfc-uid/);
  });

  it('decodes back through the profile decoder, long texts included', async () => {
    const p = await loadProfile('pn532-ndef');
    for (const text of [GS, 'é'.repeat(200), 'x'.repeat(ndefTextCapacity('ntag215'))]) {
      const d = createDecoder(p);
      const frames: DecodedFrame[] = [];
      d.on('frame', (f: DecodedFrame) => frames.push(f));
      d.resume();
      d.write(createEmulator(p).encode({ kind: 'nfc-ndef', text }));
      expect(frames).toEqual([{ kind: 'ndef', text, uid: ndefTagUid(text) }]);
      expect(d.malformed).toBe(0);
    }
  });

  it('every garbled byte of a tap is noticed: malformed, no text at all, the next tap decodes', async () => {
    const p = await loadProfile('pn532-ndef');
    const cred = { kind: 'nfc-ndef', text: GS } as const;
    const { bytes: good, essential } = encodeRead(p, cred);
    expect(essential).toBe(good.length); // GS's terminator shares the last block with its message
    // A message ending on a block boundary: the READ of the terminator alone is not essential.
    const boundary = encodeRead(p, { kind: 'nfc-ndef', text: 'x'.repeat(23) });
    expect(boundary.bytes.length - boundary.essential).toBe(5 + 19 + 2);
    // garble() picks i = 3 + floor(u · (essential − 3)): walk every i with three corruptions.
    for (let i = 3; i < essential; i++) {
      for (const x of [0x01, 0x80, 0xff]) {
        const u = (i - 3 + 0.5) / (essential - 3);
        const bad = garble(p, good, scripted(u, (x - 1 + 0.5) / 255), essential);
        expect(bad[i]).toBe(good[i]! ^ x);
        const d = createDecoder(p);
        const frames: DecodedFrame[] = [];
        d.on('frame', (f: DecodedFrame) => frames.push(f));
        d.resume();
        d.write(bad);
        expect(frames, `byte ${i} ^ ${x}`).toEqual([]);
        d.write(good);
        expect(d.malformed, `byte ${i} ^ ${x}`).toBeGreaterThanOrEqual(1);
        expect(frames).toEqual([{ kind: 'ndef', text: GS, uid: ndefTagUid(GS) }]);
      }
    }
  });

  it('a tap takes the tap time, then its bytes at 115200 8N1 against a fixed start', async () => {
    const p = await loadProfile('pn532-ndef');
    const clock = virtualClock();
    const fixed = { ...p, timing: { ...p.timing, decode: { dist: 'fixed', ms: 60 } as const } };
    const em = createEmulator(
      withErrors(fixed, { noReadRate: 0, garbleRate: 0, duplicateRate: 0 }),
      clock,
    );
    const start = clock.now();
    const cred = { kind: 'nfc-ndef', text: GS } as const;
    const r = await em.present(cred, () => undefined);
    const n = em.encode(cred).length;
    expect(r.lastByteAt - start).toBeCloseTo(60 + (n * 10_000) / 115200, 6);
    expect(r.firstByteAt - start).toBe(61); // the first 1 ms tick after the tap time
  });
});

describe('wire timing', () => {
  it('45 bytes at 9600 8N1 take 46.875 ms, one byte per 1.04 ms', async () => {
    const p = await loadProfile('rs232-aim-qr');
    const plan = wirePlan(p, 45);
    expect(plan.at(-1)).toEqual({ end: 45, atMs: 46.875 });
    expect(plan[0]).toEqual({ end: 1, atMs: 10_000 / 9600 });
    expect(plan.length).toBe(45);
    expect(wireMs(p, 45)).toBeCloseTo((45 * 10 * 1000) / 9600, 6);
  });

  it('counts parity and stop bits: 7E2 is 11 bits a character', async () => {
    const p = requireTransport(await loadProfile('rs232-aim-qr'), 'serial');
    const p7e2: FirmwareProfile = {
      ...p,
      serial: { ...p.serial, dataBits: 7, parity: 'even', stopBits: 2 },
    };
    expect(wireMs(p7e2, 96)).toBeCloseTo((96 * 11 * 1000) / 9600, 6);
  });

  it('at 115200 baud bytes are grouped per 1 ms timer tick', async () => {
    const p = await loadProfile('pn532-uart');
    expect(wirePlan(p, 20)).toEqual([
      { end: 11, atMs: 1 },
      { end: 20, atMs: (20 * 10_000) / 115200 },
    ]);
  });

  it('USB-CDC delivers one 64-byte packet per 1 ms frame', async () => {
    const p = await loadProfile('usb-cdc-qr');
    expect(wirePlan(p, 100)).toEqual([
      { end: 64, atMs: 1 },
      { end: 100, atMs: 2 },
    ]);
  });
});

describe('decode time', () => {
  it('draws fixed, uniform and lognormal (median, cap) from the injected rng', () => {
    expect(drawDecodeMs({ dist: 'fixed', ms: 42 }, Math.random)).toBe(42);
    const rng = createRng(7).next;
    for (let i = 0; i < 1000; i++) {
      const u = drawDecodeMs({ dist: 'uniform', minMs: 40, maxMs: 150 }, rng);
      expect(u).toBeGreaterThanOrEqual(40);
      expect(u).toBeLessThanOrEqual(150);
    }
    const draws = Array.from({ length: 4001 }, () =>
      drawDecodeMs({ dist: 'lognormal', medianMs: 60, sigma: 0.35, maxMs: 200 }, rng),
    ).sort((a, b) => a - b);
    expect(draws[2000]).toBeGreaterThan(55);
    expect(draws[2000]).toBeLessThan(65);
    expect(draws.at(-1)).toBeLessThanOrEqual(200);
    // same seed, same draws
    const a = createRng(99).next;
    const b = createRng(99).next;
    const d = { dist: 'lognormal', medianMs: 60, sigma: 0.35 } as const;
    expect(drawDecodeMs(d, a)).toBe(drawDecodeMs(d, b));
    // and another seed, other draws: the rng is really consulted
    const c = createRng(100).next;
    expect(drawDecodeMs(d, c)).not.toBe(drawDecodeMs(d, createRng(99).next));
  });
});

describe('present', () => {
  it('waits the decode time, then paces bytes against a fixed start', async () => {
    const p = await loadProfile('rs232-aim-qr');
    const clock = virtualClock();
    const fixed = { ...p, timing: { ...p.timing, decode: { dist: 'fixed', ms: 50 } as const } };
    const em = createEmulator(
      withErrors(fixed, { noReadRate: 0, garbleRate: 0, duplicateRate: 0 }),
      clock,
    );
    const start = clock.now();
    const got: Buffer[] = [];
    const r = await em.present(qr45, (c) => {
      got.push(c);
    });
    expect(Buffer.concat(got)).toEqual(em.encode(qr45));
    expect(got).toHaveLength(45);
    expect(r.firstByteAt - start).toBeCloseTo(50 + 10_000 / 9600, 6);
    expect(r.lastByteAt - start).toBeCloseTo(50 + 46.875, 6);
    expect(r.startedAt - start).toBeCloseTo(50, 6);
    expect(r.lastByteAt - r.startedAt).toBeCloseTo(46.875, 6);
    expect(r).toMatchObject({ attempts: 1, noReads: 0, garbled: 0, duplicates: 0 });
  });

  it('late timers do not accumulate: the frame ends one lateness after its deadline, not 47', async () => {
    const p = await loadProfile('rs232-aim-qr');
    const clock = virtualClock(0.3);
    const fixed = { ...p, timing: { ...p.timing, decode: { dist: 'fixed', ms: 0 } as const } };
    const em = createEmulator(
      withErrors(fixed, { noReadRate: 0, garbleRate: 0, duplicateRate: 0 }),
      clock,
    );
    const start = clock.now();
    const r = await em.present(qr45, () => undefined);
    expect(r.lastByteAt - start).toBeLessThan(46.875 + 1);
    // …and never early: from the frame's start to its last byte is at least the wire time.
    expect(r.lastByteAt - r.startedAt).toBeGreaterThanOrEqual(46.875);
  });

  it('a no-read costs another decode time', async () => {
    const p = await loadProfile('rs232-aim-qr');
    const clock = virtualClock();
    const fixed = { ...p, timing: { ...p.timing, decode: { dist: 'fixed', ms: 100 } as const } };
    const em = createEmulator(fixed, { ...clock, rng: scripted(0) });
    const start = clock.now();
    const r = await em.present({ kind: 'qr', text: 'x' }, () => undefined);
    expect(r).toMatchObject({ attempts: 2, noReads: 1 });
    expect(r.firstByteAt - start).toBeGreaterThanOrEqual(200);
  });

  it('a garbled frame is reported malformed by the decoder, then the re-presentation decodes', async () => {
    for (const name of ['rs232-aim-qr', 'usb-cdc-qr', 'pn532-uart', 'pn532-ndef']) {
      const loaded = await loadProfile(name);
      // fixed decode time: the scripted rng then only feeds the error draws
      const p = {
        ...loaded,
        timing: { ...loaded.timing, decode: { dist: 'fixed', ms: 5 } as const },
      };
      const cred =
        p.credential === 'qr'
          ? ({ kind: 'qr', text: 'GP-123' } as const)
          : p.credential === 'nfc-ndef'
            ? ({ kind: 'nfc-ndef', text: GS } as const)
            : ({ kind: 'nfc-uid', uid: '04A224B2C35E80' } as const);
      const rng = createRng(3).next;
      for (let trial = 0; trial < 20; trial++) {
        const decoder = createDecoder(p);
        const frames: DecodedFrame[] = [];
        decoder.on('frame', (f: DecodedFrame) => frames.push(f));
        decoder.resume();
        const garbleOnce = scripted(0.99, 0, rng());
        const em = createEmulator(withErrors(p, { garbleRate: 0.5 }), {
          ...virtualClock(),
          rng: garbleOnce,
        });
        const r = await em.present(cred, (c) => {
          decoder.write(c);
        });
        expect(r).toMatchObject({ attempts: 2, garbled: 1 });
        expect(decoder.malformed, `${name} trial ${trial}`).toBeGreaterThanOrEqual(1);
        expect(frames).toHaveLength(1);
      }
    }
  });

  it('a duplicate sends the good frame twice', async () => {
    const p = await loadProfile('pn532-uart');
    const got: Buffer[] = [];
    const em = createEmulator(withErrors(p, { duplicateRate: 0.5 }), {
      ...virtualClock(),
      rng: scripted(0.5, 0.99, 0.99, 0),
    });
    const r = await em.present({ kind: 'nfc-uid', uid: 'DEADBEEF' }, (c) => {
      got.push(c);
    });
    expect(r.duplicates).toBe(1);
    const frame = em.encode({ kind: 'nfc-uid', uid: 'DEADBEEF' });
    expect(Buffer.concat(got)).toEqual(Buffer.concat([frame, frame]));
  });

  it('gives up after maxAttempts with a stable code', async () => {
    const p = withErrors(await loadProfile('usb-cdc-qr'), { noReadRate: 1 });
    const em = createEmulator(p, { ...virtualClock(), maxAttempts: 3 });
    await expect(em.present({ kind: 'qr', text: 'x' }, () => undefined)).rejects.toMatchObject({
      code: ErrorCodes.ReaderMalformed,
    });
  });

  it('on the real clock, a 45-byte frame at 9600 baud takes ≈47 ms', async () => {
    const p = await loadProfile('rs232-aim-qr');
    const fixed = { ...p, timing: { ...p.timing, decode: { dist: 'fixed', ms: 0 } as const } };
    const em = createEmulator(
      withErrors(fixed, { noReadRate: 0, garbleRate: 0, duplicateRate: 0 }),
    );
    const t0 = epochNow();
    const r = await em.present(qr45, () => undefined);
    const took = r.lastByteAt - t0;
    expect(took).toBeGreaterThan(35);
    expect(took).toBeLessThan(150);
  });
});
