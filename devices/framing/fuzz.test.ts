import { describe, expect, it } from 'vitest';
import type { FirmwareProfile } from '../../firmware-profiles/schema.js';
import { mulberry32 } from '../emulator/rng.js';
import type { DecodedFrame } from './frame.js';
import { createDecoder } from './index.js';
import { MAX_LINE_BYTES } from './line.js';
import { MAX_PN532_BODY } from './pn532.js';
import { inListPassiveTargetResponse } from './pn532-frame.js';

const base = {
  transport: 'serial',
  description: 'fuzz',
  reference: 'test',
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  timing: { decode: { dist: 'fixed', ms: 0 }, sameCodeDelayMs: 0 },
  errors: { noReadRate: 0, duplicateRate: 0, garbleRate: 0 },
} as const;

const cases: { profile: FirmwareProfile; resync: Buffer; valid: Buffer; expected: DecodedFrame }[] =
  [
    {
      profile: {
        ...base,
        name: 'f-crlf',
        credential: 'qr',
        framing: { kind: 'line', prefix: '', aim: false, suffix: 'CRLF' },
      },
      // A line decoder can only resync at a suffix: the reader's next terminator ends the garbage.
      resync: Buffer.from('\r\n'),
      valid: Buffer.from('GP-OK-1\r\n'),
      expected: { kind: 'text', text: 'GP-OK-1' },
    },
    {
      profile: {
        ...base,
        name: 'f-aim',
        credential: 'qr',
        framing: { kind: 'line', prefix: ']Q1', aim: true, suffix: 'CR' },
      },
      resync: Buffer.from('\r'),
      valid: Buffer.from(']Q1GP-OK-2\r'),
      expected: { kind: 'text', text: 'GP-OK-2', symbology: ']Q1' },
    },
    {
      profile: { ...base, name: 'f-pn532', credential: 'nfc-uid', framing: { kind: 'pn532' } },
      resync: Buffer.alloc(0),
      valid: inListPassiveTargetResponse('04A224B2C35E80'),
      expected: { kind: 'uid', uid: '04A224B2C35E80' },
    },
  ];

describe('every decoder survives 1 MB of random bytes', () => {
  for (const c of cases) {
    it(`${c.profile.name}: no exception, malformed counted, bounded, still decodes afterwards`, () => {
      const rng = mulberry32(0x5eed);
      const decoder = createDecoder(c.profile);
      const frames: DecodedFrame[] = [];
      let malformedEvents = 0;
      decoder.on('frame', (f: DecodedFrame) => frames.push(f));
      decoder.on('malformed', () => malformedEvents++);
      decoder.on('error', (err) => {
        throw err;
      });
      decoder.resume();
      let left = 1 << 20;
      let maxHeld = 0;
      while (left > 0) {
        const n = Math.min(left, 1 + Math.floor(rng() * 4096));
        const chunk = Buffer.alloc(n);
        for (let i = 0; i < n; i++) chunk[i] = Math.floor(rng() * 256);
        expect(() => decoder.write(chunk)).not.toThrow();
        maxHeld = Math.max(maxHeld, decoder.buffered);
        left -= n;
      }
      expect(maxHeld).toBeLessThanOrEqual(Math.max(MAX_LINE_BYTES, MAX_PN532_BODY + 10));
      expect(decoder.malformed).toBeGreaterThan(0);
      expect(malformedEvents).toBe(decoder.malformed);
      decoder.write(Buffer.concat([c.resync, c.valid]));
      expect(frames.at(-1)).toEqual(c.expected);
    });
  }
});
