import { describe, expect, it } from 'vitest';
import type { HidKeyboardFraming, UidFormat } from '../../firmware-profiles/schema.js';
import { HidKeyboardDecoder } from './hid-keyboard.js';
import { charToKey, KEY_ENTER, keyToChar } from './hid-usage-us.js';
import { decimal10ToUid, uidToDecimal10 } from './nfc-decimal.js';
import { bytewise, decodeAll } from './test-support.js';

const framing: HidKeyboardFraming = { kind: 'hid-keyboard', layout: 'us', suffix: 'ENTER' };
const msb: UidFormat = { kind: 'decimal10', uidByteOrder: 'msb-first' };
const lsb: UidFormat = { kind: 'decimal10', uidByteOrder: 'lsb-first' };

const report = (mod: number, ...keys: number[]) => {
  const r = Buffer.alloc(8);
  r[0] = mod;
  keys.forEach((k, i) => {
    r[2 + i] = k;
  });
  return r;
};
const UP = report(0);

/** Key-down + key-up per character, then Enter, as a wedge types. */
function typed(text: string, suffix = KEY_ENTER): Buffer {
  const out: Buffer[] = [];
  for (const ch of text) {
    const k = charToKey(ch)!;
    out.push(report(k.shift ? 0x02 : 0, k.code), UP);
  }
  out.push(report(0, suffix), UP);
  return Buffer.concat(out);
}

describe('US layout', () => {
  it('maps letters, digits, shifted symbols and back', () => {
    expect(keyToChar(0x04, false)).toBe('a');
    expect(keyToChar(0x04, true)).toBe('A');
    expect(keyToChar(0x1e, true)).toBe('!');
    expect(keyToChar(0x33, true)).toBe(':');
    expect(keyToChar(0x2d, true)).toBe('_');
    expect(keyToChar(0x59, false)).toBe('1'); // keypad 1
    expect(keyToChar(0x3a, false)).toBeUndefined(); // F1
    for (const ch of 'GP:wallet_7f3a9c-{x}/?"~') {
      const k = charToKey(ch)!;
      expect(keyToChar(k.code, k.shift)).toBe(ch);
    }
  });
});

describe('HidKeyboardDecoder', () => {
  it('types a QR text with Shift, the same byte by byte and in one lump', async () => {
    const text = 'GP:Wallet_7f3a-9C?x=1&y="2"';
    const input = Buffer.concat([typed(text), typed('second')]);
    const expected = [
      { kind: 'text', text },
      { kind: 'text', text: 'second' },
    ];
    const lump = await decodeAll(new HidKeyboardDecoder({ framing }), [input]);
    const bytes = await decodeAll(new HidKeyboardDecoder({ framing }), bytewise(input));
    expect(lump.frames).toEqual(expected);
    expect(bytes.frames).toEqual(expected);
    expect(bytes.malformed).toEqual([]);
  });

  it('a held key does not repeat; rollover reports keep the state; right Shift works', async () => {
    const out = await decodeAll(new HidKeyboardDecoder({ framing }), [
      report(0, 0x04), // a
      report(0, 0x04), // still down: no repeat
      report(0, 0x04, 0x05), // b pressed while a held (n-key press)
      report(0, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01), // ErrorRollOver: phantom state
      report(0, 0x05), // a released, b still down
      report(0x20, 0x05, 0x06), // C with right Shift
      UP,
      report(0, KEY_ENTER),
      UP,
    ]);
    expect(out.frames).toEqual([{ kind: 'text', text: 'abC' }]);
    expect(out.malformed).toEqual([]);
  });

  it('a key that types nothing, or Ctrl, spoils its line; the next line decodes', async () => {
    const out = await decodeAll(new HidKeyboardDecoder({ framing }), [
      report(0, 0x04),
      report(0, 0x3a), // F1
      report(0, KEY_ENTER),
      report(0x01, 0x06), // Ctrl+C
      report(0, KEY_ENTER),
      UP,
      typed('ok'),
    ]);
    expect(out.malformed).toEqual(['key 0x3a types no character', 'modifier 0x01 held']);
    expect(out.frames).toEqual([{ kind: 'text', text: 'ok' }]);
  });

  it('skips garbage once per run, spoils the line it cut, and resyncs', async () => {
    const out = await decodeAll(new HidKeyboardDecoder({ framing }), [
      typed('ab').subarray(0, 32), // "ab" typed, no Enter yet
      Buffer.from([0x55, 0x66, 0x77]),
      report(0x02), // Shift alone: a report the stream realigns on
      UP,
      report(0, KEY_ENTER), // ends the spoiled line
      UP,
      typed('cd'),
    ]);
    expect(out.malformed).toEqual([
      'garbage byte 0x55 (reserved byte 0x66)',
      'garbage in the report stream',
    ]);
    expect(out.frames).toEqual([{ kind: 'text', text: 'cd' }]);
  });

  it('ends the line on Tab when that is the suffix; a lone suffix is ignored', async () => {
    const tab: HidKeyboardFraming = { ...framing, suffix: 'TAB' };
    const out = await decodeAll(new HidKeyboardDecoder({ framing: tab }), [
      report(0, 0x2b),
      UP,
      typed('xy', 0x2b),
    ]);
    expect(out.frames).toEqual([{ kind: 'text', text: 'xy' }]);
    expect(out.malformed).toEqual([]);
  });

  it('an NFC wedge line becomes a UID in the configured byte order', async () => {
    // 0x04A224B2 = 77735090
    const m = await decodeAll(new HidKeyboardDecoder({ framing, uidFormat: msb }), [
      typed('0077735090'),
    ]);
    expect(m.frames).toEqual([{ kind: 'uid', uid: '04A224B2' }]);
    const l = await decodeAll(new HidKeyboardDecoder({ framing, uidFormat: lsb }), [
      typed(String(0xb224a204)),
    ]);
    expect(l.frames).toEqual([{ kind: 'uid', uid: '04A224B2' }]);
  });

  it('an NFC line that is not 10 digits or is >= 2^32 is malformed', async () => {
    const out = await decodeAll(new HidKeyboardDecoder({ framing, uidFormat: msb }), [
      typed('4294967296'),
      typed('12345'),
      typed('00000000ab'),
      typed('4294967295'),
    ]);
    expect(out.malformed).toEqual([
      '4294967296 does not fit in 4 bytes (>= 2^32)',
      'not 10 decimal digits: "12345"',
      'not 10 decimal digits: "00000000ab"',
    ]);
    expect(out.frames).toEqual([{ kind: 'uid', uid: 'FFFFFFFF' }]);
  });

  it('a line cut by the end of input is malformed', async () => {
    const out = await decodeAll(new HidKeyboardDecoder({ framing }), [
      typed('abc').subarray(0, 20),
    ]);
    expect(out.malformed).toEqual(['incomplete line at end of input (no suffix key)']);
  });
});

describe('10-digit decimal UIDs', () => {
  it('uses the first 4 bytes of a 7-byte UID, in either byte order', () => {
    expect(uidToDecimal10('04A224B2C35E80', 'msb-first')).toBe('0077735090');
    expect(uidToDecimal10('04a224b2', 'lsb-first')).toBe(String(0xb224a204));
    expect(uidToDecimal10('00000001', 'msb-first')).toBe('0000000001');
    expect(decimal10ToUid('0000000001', 'lsb-first')).toEqual({ uid: '01000000' });
  });
});
