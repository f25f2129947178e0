import { describe, expect, it } from 'vitest';
import { createRng } from '../../contract/rng.js';
import type { DecodedFrame } from './frame.js';
import { ndefTextMessage } from './ndef.js';
import { MAX_PN532_BODY } from './pn532.js';
import {
  ACK_FRAME,
  inDataExchangeResponse,
  informationFrame,
  inListPassiveTargetResponse,
} from './pn532-frame.js';
import { Pn532NdefDecoder } from './pn532-ndef.js';
import { bytewise, decodeAll } from './test-support.js';
import { MAX_TAG_USER_BYTES, ndefTlvArea } from './type2-tag.js';

const UID = '04A224B2C35E80';
const GS = 'ghostsession:wallet_test_42:6f1c8d2e-0000-4000-8000-000000000001:venue:event:1';

/** The READ answers for user memory `area`, zero-padded to whole 16-byte blocks. */
function reads(area: Buffer): Buffer[] {
  const memory = Buffer.alloc(Math.ceil(area.length / 16) * 16);
  area.copy(memory);
  const out: Buffer[] = [];
  for (let i = 0; i < memory.length; i += 16) {
    out.push(inDataExchangeResponse(0x00, memory.subarray(i, i + 16)));
  }
  return out;
}
const textArea = (text: string) => ndefTlvArea(ndefTextMessage(text));
/** A whole tap: target, then the READs of the text's TLV area. */
const tap = (text: string, uid = UID) =>
  Buffer.concat([inListPassiveTargetResponse(uid), ...reads(textArea(text))]);
const ndef = (text: string, uid = UID): DecodedFrame => ({ kind: 'ndef', text, uid });

describe('Pn532NdefDecoder', () => {
  it('decodes a tap the same byte by byte and in one lump, ignoring ACKs', async () => {
    const input = Buffer.concat([ACK_FRAME, tap(GS), ACK_FRAME, tap('second', '04010203040506')]);
    for (const chunks of [[input], [...bytewise(input)]]) {
      const d = new Pn532NdefDecoder();
      const out = await decodeAll(d, chunks);
      expect(out.malformed).toEqual([]);
      expect(out.frames).toEqual([ndef(GS), ndef('second', '04010203040506')]);
      expect(d.buffered).toBe(0);
    }
  });

  it('holds the session as buffered bytes between frames, so a reader times the whole tap', async () => {
    const d = new Pn532NdefDecoder();
    d.resume();
    const [first, ...rest] = reads(textArea(GS));
    d.write(inListPassiveTargetResponse(UID));
    expect(d.buffered).toBe(7);
    d.write(first!);
    expect(d.buffered).toBe(7 + 16);
    for (const r of rest) d.write(r);
    expect(d.buffered).toBe(0);
    expect(d.frames).toBe(1);
  });

  it('emits when the NDEF TLV is complete; a READ covering only the terminator is ignored', async () => {
    // TLV area of 33 bytes: 03 1E + 30-byte message (9 bytes of header/status/"en" + 23 of
    // text) = 32 bytes ending on a block boundary; the terminator is read in a third block.
    const text = 'x'.repeat(23);
    expect(textArea(text)).toHaveLength(33);
    const frames = reads(textArea(text));
    expect(frames).toHaveLength(3);
    const d = new Pn532NdefDecoder();
    const seen: DecodedFrame[] = [];
    d.on('frame', (f: DecodedFrame) => seen.push(f));
    d.resume();
    d.write(Buffer.concat([inListPassiveTargetResponse(UID), frames[0]!, frames[1]!]));
    expect(seen).toEqual([ndef(text)]);
    d.write(frames[2]!);
    expect(d.malformed).toBe(0);
    expect(seen).toHaveLength(1);
  });

  it('a status byte other than 0x00 is malformed; the next tap decodes', async () => {
    const [first] = reads(textArea(GS));
    const failed = inDataExchangeResponse(0x01, []); // 0x01: timeout (UM0701-02 §7.1)
    const out = await decodeAll(new Pn532NdefDecoder(), [
      inListPassiveTargetResponse(UID),
      first!,
      failed,
      tap(GS),
    ]);
    expect(out.malformed).toEqual(['InDataExchange status 0x01']);
    expect(out.frames).toEqual([ndef(GS)]);
  });

  it('a new target before completion: the old session is malformed, the new one decodes', async () => {
    const [first] = reads(textArea(GS));
    const out = await decodeAll(new Pn532NdefDecoder(), [
      inListPassiveTargetResponse('04FFFFFFFFFFFF'),
      first!,
      tap(GS),
    ]);
    expect(out.malformed).toEqual(['a new target before the NDEF message was read']);
    expect(out.frames).toEqual([ndef(GS)]);
  });

  it('an empty target list during a read: the tag left the field', async () => {
    const [first] = reads(textArea(GS));
    const none = informationFrame(0xd5, [0x4b, 0x00]);
    const out = await decodeAll(new Pn532NdefDecoder(), [
      inListPassiveTargetResponse(UID),
      first!,
      none,
    ]);
    expect(out.malformed).toEqual(['the tag left the field before its NDEF message was read']);
    expect(out.frames).toEqual([]);
  });

  it('rejects non-Text records, bad lengths and non-UTF-8 text', async () => {
    const uri = Buffer.from('D1010855046578616d706c65', 'hex'); // URI record "example"
    const utf16 = Buffer.from('D1010554820065006e', 'hex');
    const notUtf8 = Buffer.from('D101055402656eC328', 'hex');
    const overrun = Buffer.from('D1010954', 'hex');
    const out = await decodeAll(
      new Pn532NdefDecoder(),
      [uri, utf16, notUtf8, overrun].flatMap((m) => [
        inListPassiveTargetResponse(UID),
        ...reads(ndefTlvArea(m)),
      ]),
    );
    expect(out.malformed).toEqual([
      'first NDEF record is not a Text record (TNF 1, type "U")',
      'Text record is UTF-16, not UTF-8',
      'Text record text is not valid UTF-8',
      'NDEF record of 13 bytes overruns its 4-byte message',
    ]);
    expect(out.frames).toEqual([]);
  });

  it('a READ answer that is not 16 bytes, or data with no target, is malformed once', async () => {
    const short = inDataExchangeResponse(0x00, Buffer.alloc(4));
    const [a, b] = reads(textArea(GS));
    const out = await decodeAll(new Pn532NdefDecoder(), [
      a!, // no target yet: reported, the rest of this orphaned read ignored
      b!,
      inListPassiveTargetResponse(UID),
      short,
      tap(GS),
    ]);
    expect(out.malformed).toEqual([
      'InDataExchange data with no target in the field',
      'READ answered 4 bytes, not 16',
    ]);
    expect(out.frames).toEqual([ndef(GS)]);
  });

  it('a corrupted READ answer ends the session: no block is spliced into a wrong text', async () => {
    const frames = reads(textArea(GS));
    const second = Buffer.from(frames[1]!);
    second[1] = 0x55; // the preamble is broken: the frame is lost as garbage
    const out = await decodeAll(new Pn532NdefDecoder(), [
      inListPassiveTargetResponse(UID),
      frames[0]!,
      second,
      ...frames.slice(2),
      tap(GS),
    ]);
    expect(out.malformed).toEqual(['garbage byte 0x55 outside a frame']);
    expect(out.frames).toEqual([ndef(GS)]);
  });

  it('a TLV longer than any NTAG is malformed as soon as its length is read', async () => {
    const area = Buffer.concat([Buffer.from([0x03, 0xff, 0x04, 0x00]), Buffer.alloc(12)]);
    const d = new Pn532NdefDecoder();
    const out = await decodeAll(d, [inListPassiveTargetResponse(UID), ...reads(area)]);
    expect(out.malformed).toEqual([`TLV of 1024 bytes overruns a ${MAX_TAG_USER_BYTES}-byte tag`]);
  });

  it('NULL TLVs forever: gives up at the largest NTAG user memory', async () => {
    const d = new Pn532NdefDecoder();
    const out = await decodeAll(d, [
      inListPassiveTargetResponse(UID),
      ...reads(Buffer.alloc(MAX_TAG_USER_BYTES + 64)),
    ]);
    expect(out.malformed).toEqual([
      `no NDEF message within ${MAX_TAG_USER_BYTES} bytes of tag memory`,
    ]);
  });

  it('input ending or lost mid-tap is malformed; the next tap after interrupt() decodes', async () => {
    const [first] = reads(textArea(GS));
    const out = await decodeAll(new Pn532NdefDecoder(), [inListPassiveTargetResponse(UID), first!]);
    expect(out.malformed).toEqual(['input ended before the NDEF message was read']);

    const d = new Pn532NdefDecoder();
    const reasons: string[] = [];
    const seen: DecodedFrame[] = [];
    d.on('malformed', (r: string) => reasons.push(r));
    d.on('frame', (f: DecodedFrame) => seen.push(f));
    d.resume();
    d.write(Buffer.concat([inListPassiveTargetResponse(UID), first!]));
    d.interrupt();
    expect(d.buffered).toBe(0);
    d.write(tap(GS));
    expect(reasons).toEqual(['input lost in the middle of a frame']);
    expect(seen).toEqual([ndef(GS)]);
  });

  it('structured fuzz: shuffled valid and broken frames never throw and stay bounded', () => {
    const rng = createRng(0x4e44).next;
    const pool = [
      inListPassiveTargetResponse(UID),
      ...reads(textArea(GS)),
      ...reads(ndefTlvArea(Buffer.from('D1010855046578616d706c65', 'hex'))),
      inDataExchangeResponse(0x01, []),
      ACK_FRAME,
      informationFrame(0xd5, [0x4b, 0x00]),
    ];
    const d = new Pn532NdefDecoder();
    d.resume();
    let maxHeld = 0;
    for (let i = 0; i < 20_000; i++) {
      const f = Buffer.from(pool[Math.floor(rng() * pool.length)]!);
      if (rng() < 0.05) f[Math.floor(rng() * f.length)] = Math.floor(rng() * 256);
      expect(() => d.write(f)).not.toThrow();
      maxHeld = Math.max(maxHeld, d.buffered);
    }
    expect(maxHeld).toBeLessThanOrEqual(MAX_PN532_BODY + 10 + 10 + MAX_TAG_USER_BYTES);
    const seen: DecodedFrame[] = [];
    d.on('frame', (f: DecodedFrame) => seen.push(f));
    d.write(Buffer.concat([Buffer.from([0x00, 0x00]), tap(GS)]));
    expect(seen.at(-1)).toEqual(ndef(GS));
  });
});
