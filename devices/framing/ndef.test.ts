import { describe, expect, it } from 'vitest';
import { ndefTextMessage, parseNdefText } from './ndef.js';
import { ndefTlvArea, scanTlvs } from './type2-tag.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('NDEF Text records (NDEF 1.0 §3.2, Text RTD 1.0 §3.2.1)', () => {
  it('builds a lone short Text record byte for byte: D1 01 len "T" 02 "en" text', () => {
    // MB|ME|SR|TNF=1, type length 1, payload 5 = status + "en" + "hi", type "T", status 0x02.
    expect(ndefTextMessage('hi')).toEqual(hex('D1 01 05 54 02 656E 6869'));
    expect(parseNdefText(hex('D1 01 05 54 02 656E 6869'))).toEqual({ text: 'hi', language: 'en' });
  });

  it('a payload over 255 bytes uses a normal record with a 4-byte length', () => {
    const text = `ghostsession:${'é'.repeat(150)}`; // 313 UTF-8 bytes
    const m = ndefTextMessage(text);
    expect(m[0]).toBe(0xc1); // MB|ME|TNF=1, SR clear
    expect(m.readUInt32BE(2)).toBe(3 + Buffer.byteLength(text));
    expect(parseNdefText(m)).toEqual({ text, language: 'en' });
  });

  it('skips an ID field and ignores records after a first Text record', () => {
    // IL set, ID "x"; then a second (URI) record carrying ME.
    const text = hex('99 01 03 01 54 78 02 656E'); // MB|SR|IL|TNF1, type T, id "x", payload 02 "en"
    const uri = hex('51 01 01 55 00'); // ME|SR|TNF1, type U, payload 00
    expect(parseNdefText(Buffer.concat([text, uri]))).toEqual({ text: '', language: 'en' });
  });

  it('rejects what is not one well-formed UTF-8 Text record', () => {
    const cases: Array<[string, string]> = [
      ['', 'empty NDEF message (a blank tag)'],
      ['D1 01 05 55 02 656E 6869', 'first NDEF record is not a Text record (TNF 1, type "U")'],
      ['D2 01 05 54 02 656E 6869', 'first NDEF record is not a Text record (TNF 2, type "T")'],
      ['D1 01 05 54 82 656E 6869', 'Text record is UTF-16, not UTF-8'],
      ['D1 01 05 54 42 656E 6869', 'Text record status byte has its reserved bit set'],
      ['D1 01 05 54 02 656E FFFE', 'Text record text is not valid UTF-8'],
      ['D1 01 05 54 00 656E 6869', 'Text record without a language code'],
      ['D1 01 03 54 05 656E', 'Text record language code overruns it'],
      ['D1 01 09 54 02 656E 6869', 'NDEF record of 13 bytes overruns its 9-byte message'],
      ['D1 01 05 54 02 656E 6869 00', '1 bytes after the NDEF record flagged ME'],
      ['91 01 05 54 02 656E 6869', 'NDEF message ends before its last record (no ME flag)'],
      ['51 01 05 54 02 656E 6869', 'first NDEF record lacks the MB flag'],
      ['F1 01 05 54 02 656E 6869', 'chunked NDEF records are not supported'],
      ['D1 01', 'NDEF record header truncated'],
      ['C1 01 00 00', 'NDEF record header truncated'],
    ];
    for (const [bytes, reason] of cases) expect(parseNdefText(hex(bytes)), bytes).toBe(reason);
  });
});

describe('Type 2 tag TLVs (T2T Operation 1.2 §2.3)', () => {
  it('wraps a message as 03 L … FE, with a 3-byte length from 255 bytes', () => {
    expect(ndefTlvArea(hex('AABB'))).toEqual(hex('03 02 AABB FE'));
    const long = ndefTlvArea(Buffer.alloc(300, 1));
    expect(long.subarray(0, 4)).toEqual(hex('03 FF 012C'));
    expect(long).toHaveLength(1 + 3 + 300 + 1);
  });

  it('finds the NDEF message past NULL, Lock and Memory Control TLVs, or waits for more', () => {
    const memory = hex('00 00 01 03 A00344 02 03 000000 03 02 AABB FE');
    expect(scanTlvs(memory)).toEqual({ state: 'message', message: hex('AABB'), end: 16 });
    for (let n = 0; n < 16; n++) {
      expect(scanTlvs(memory.subarray(0, n)), `first ${n} bytes`).toEqual({ state: 'need-more' });
    }
    const long = ndefTlvArea(Buffer.alloc(300, 1));
    expect(scanTlvs(long.subarray(0, 3))).toEqual({ state: 'need-more' });
    expect(scanTlvs(long)).toMatchObject({ state: 'message', end: 304 });
  });

  it('rejects a terminator first, unknown TLV types, bad 3-byte lengths and oversized TLVs', () => {
    expect(scanTlvs(hex('00 FE 03 00'))).toEqual({
      state: 'bad',
      reason: 'no NDEF message TLV before the terminator',
    });
    expect(scanTlvs(hex('D1 01'))).toEqual({ state: 'bad', reason: 'unknown TLV type 0xd1' });
    expect(scanTlvs(hex('03 FF 0010'))).toEqual({
      state: 'bad',
      reason: 'bad 3-byte TLV length 16',
    });
    // Known to be too big as soon as the length is read: never buffered waiting for it.
    expect(scanTlvs(hex('03 FF 0400'), 888)).toEqual({
      state: 'bad',
      reason: 'TLV of 1024 bytes overruns a 888-byte tag',
    });
  });
});
