import { describe, expect, it } from 'vitest';
import { createRng } from '../../contract/rng.js';
import type { FirmwareProfile } from '../../firmware-profiles/schema.js';
import type { DecodedFrame } from './frame.js';
import { MAX_HID_POS_SCAN } from './hid-pos.js';
import { HID_POS_REPORT_SIZE, hidPosReports } from './hid-pos-report.js';
import { charToKey, KEY_ENTER, MOD_LEFT_SHIFT } from './hid-usage-us.js';
import { createDecoder } from './index.js';
import { MAX_LINE_BYTES } from './line.js';
import { ndefTextMessage } from './ndef.js';
import { MAX_PN532_BODY } from './pn532.js';
import { inDataExchangeResponse, inListPassiveTargetResponse } from './pn532-frame.js';
import { MAX_TAG_USER_BYTES, ndefTlvArea } from './type2-tag.js';

const base = {
  transport: 'serial',
  description: 'fuzz',
  reference: 'test',
  serial: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  timing: { decode: { dist: 'fixed', ms: 0 }, sameCodeDelayMs: 0 },
  errors: { noReadRate: 0, duplicateRate: 0, garbleRate: 0 },
} as const;

const hidBase = {
  transport: 'hid',
  description: 'fuzz',
  reference: 'test',
  timing: { decode: { dist: 'fixed', ms: 0 }, sameCodeDelayMs: 0 },
  errors: { noReadRate: 0, duplicateRate: 0, garbleRate: 0 },
} as const;
const keyboard = {
  reportFormat: 'keyboard',
  usagePage: 1,
  reportSize: 8,
  pollIntervalMs: 8,
} as const;
const kbFraming = { kind: 'hid-keyboard', layout: 'us', suffix: 'ENTER' } as const;

const report = (mod: number, key = 0) => Buffer.from([mod, 0, key, 0, 0, 0, 0, 0]);
/** Boot keyboard reports typing `text` then Enter (key-down, key-up per character). */
function typed(text: string): Buffer {
  const out: Buffer[] = [];
  for (const ch of [...text]) {
    const k = charToKey(ch)!;
    out.push(report(k.shift ? MOD_LEFT_SHIFT : 0, k.code), report(0));
  }
  out.push(report(0, KEY_ENTER), report(0));
  return Buffer.concat(out);
}
/**
 * Boot reports have no start marker, so after garbage the decoder may sit at any offset. A
 * Shift-only report realigns it: every misaligned 8-byte window containing its first byte has
 * 0x02 in the reserved byte or next to other keys (an error code mixed with keys), which the
 * decoder rejects byte by byte until it stands on the report. Enter then ends whatever line the
 * garbage left (malformed), as a line decoder's suffix does.
 */
const keyboardResync = Buffer.concat([report(MOD_LEFT_SHIFT), report(0), typed('')]);

/** A PN532 reading an NTAG whose user memory holds `text` as an NDEF Text record. */
function ndefTap(text: string): Buffer {
  const area = ndefTlvArea(ndefTextMessage(text));
  const memory = Buffer.alloc(Math.ceil(area.length / 16) * 16);
  area.copy(memory);
  const frames = [inListPassiveTargetResponse('04A224B2C35E80')];
  for (let i = 0; i < memory.length; i += 16) {
    frames.push(inDataExchangeResponse(0x00, memory.subarray(i, i + 16)));
  }
  return Buffer.concat(frames);
}

const cases: {
  profile: FirmwareProfile;
  resync: Buffer;
  valid: Buffer;
  expected: DecodedFrame;
  maxHeld: number;
}[] = [
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
    maxHeld: MAX_LINE_BYTES,
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
    maxHeld: MAX_LINE_BYTES,
  },
  {
    profile: { ...base, name: 'f-pn532', credential: 'nfc-uid', framing: { kind: 'pn532' } },
    resync: Buffer.alloc(0),
    valid: inListPassiveTargetResponse('04A224B2C35E80'),
    expected: { kind: 'uid', uid: '04A224B2C35E80' },
    maxHeld: MAX_PN532_BODY + 10,
  },
  {
    profile: {
      ...base,
      name: 'f-pn532-ndef',
      credential: 'nfc-ndef',
      serial: { ...base.serial, baudRate: 115200 },
      framing: { kind: 'pn532', tag: 'ntag215' },
    },
    resync: Buffer.alloc(0),
    valid: ndefTap('ghostsession:wallet_test_5:g:v:e:1'),
    expected: { kind: 'ndef', text: 'ghostsession:wallet_test_5:g:v:e:1', uid: '04A224B2C35E80' },
    // a partial frame, plus a tag session's UID and user memory
    maxHeld: MAX_PN532_BODY + 10 + 7 + MAX_TAG_USER_BYTES,
  },
  {
    profile: {
      ...hidBase,
      name: 'f-hid-pos',
      credential: 'qr',
      hid: { reportFormat: 'pos', usagePage: 0x8c, reportSize: 64, pollIntervalMs: 1 },
      framing: { kind: 'hid-pos' },
    },
    // A report starts with its id: the decoder resyncs by itself on the valid report.
    resync: Buffer.alloc(0),
    valid: Buffer.concat(hidPosReports(Buffer.from(`GP-OK-3-${'x'.repeat(100)}`), ']Q1')),
    expected: { kind: 'text', text: `GP-OK-3-${'x'.repeat(100)}`, symbology: ']Q1' },
    maxHeld: HID_POS_REPORT_SIZE - 1 + MAX_HID_POS_SCAN,
  },
  {
    profile: {
      ...hidBase,
      name: 'f-hid-keyboard',
      credential: 'qr',
      hid: keyboard,
      framing: kbFraming,
    },
    resync: keyboardResync,
    valid: typed('GP:OK_4'),
    expected: { kind: 'text', text: 'GP:OK_4' },
    maxHeld: 7 + MAX_LINE_BYTES + 1,
  },
  {
    profile: {
      ...hidBase,
      name: 'f-nfc-keyboard',
      credential: 'nfc-uid',
      hid: keyboard,
      framing: kbFraming,
      uidFormat: { kind: 'decimal10', uidByteOrder: 'lsb-first' },
    },
    resync: keyboardResync,
    valid: typed(String(0xb224a204)),
    expected: { kind: 'uid', uid: '04A224B2' },
    maxHeld: 7 + MAX_LINE_BYTES + 1,
  },
];

describe('every decoder survives 1 MB of random bytes', () => {
  for (const c of cases) {
    it(`${c.profile.name}: no exception, malformed counted, bounded, still decodes afterwards`, () => {
      const rng = createRng(0x5eed).next;
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
      expect(maxHeld).toBeLessThanOrEqual(c.maxHeld);
      expect(decoder.malformed).toBeGreaterThan(0);
      expect(malformedEvents).toBe(decoder.malformed);
      decoder.write(Buffer.concat([c.resync, c.valid]));
      expect(frames.at(-1)).toEqual(c.expected);
    });
  }
});
