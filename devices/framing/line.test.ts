import { describe, expect, it } from 'vitest';
import type { LineFraming } from '../../firmware-profiles/schema.js';
import { escapeBytes } from './escape.js';
import { LineDecoder, MAX_LINE_BYTES } from './line.js';
import { bytewise, decodeAll } from './test-support.js';

const plain: LineFraming = { kind: 'line', prefix: '', aim: false, suffix: 'CRLF' };
const aim: LineFraming = { kind: 'line', prefix: ']Q1', aim: true, suffix: 'CR' };

describe('LineDecoder', () => {
  it('decodes CR LF lines the same byte by byte and in one lump', async () => {
    const input = Buffer.from('GP-WALLET-0001\r\nGP-WALLET-0002\r\n');
    const expected = [
      { kind: 'text', text: 'GP-WALLET-0001' },
      { kind: 'text', text: 'GP-WALLET-0002' },
    ];
    const lump = await decodeAll(new LineDecoder(plain), [input]);
    const bytes = await decodeAll(new LineDecoder(plain), bytewise(input));
    expect(lump.frames).toEqual(expected);
    expect(bytes.frames).toEqual(expected);
    expect(bytes.malformed).toEqual([]);
  });

  it('strips an AIM id and reports the symbology', async () => {
    const d = new LineDecoder(aim);
    const out = await decodeAll(d, bytewise(Buffer.from(']Q1abc\r]d2xyz\r')));
    expect(out.frames).toEqual([
      { kind: 'text', text: 'abc', symbology: ']Q1' },
      { kind: 'text', text: 'xyz', symbology: ']d2' },
    ]);
    expect(d.frames).toBe(2);
  });

  it('counts a line without its AIM id or literal prefix as malformed', async () => {
    const a = await decodeAll(new LineDecoder(aim), [Buffer.from('abc\r]Q1ok\r')]);
    expect(a.malformed).toEqual(['missing AIM symbology identifier']);
    expect(a.frames).toEqual([{ kind: 'text', text: 'ok', symbology: ']Q1' }]);
    const pre: LineFraming = { kind: 'line', prefix: 'GP:', aim: false, suffix: 'LF' };
    const b = await decodeAll(new LineDecoder(pre), [Buffer.from('x\nGP:y\nGP:\n')]);
    expect(b.frames).toEqual([{ kind: 'text', text: 'y' }]);
    expect(b.malformed).toEqual(['missing prefix "GP:"', 'empty payload']);
  });

  it('reports non-printable garbage and resyncs at the next suffix', async () => {
    const d = new LineDecoder(plain);
    const out = await decodeAll(d, [Buffer.from('ab\x80cd\r\nok\r\n', 'latin1')]);
    expect(out.malformed).toEqual(['non-printable byte 0x80 at offset 2']);
    expect(out.frames).toEqual([{ kind: 'text', text: 'ok' }]);
    expect(d.malformed).toBe(1);
  });

  it('an over-long line is one malformed, bounded, and the next line decodes', async () => {
    const d = new LineDecoder(plain);
    const malformed: string[] = [];
    d.on('malformed', (r: string) => malformed.push(r));
    d.resume();
    let maxHeld = 0;
    for (let i = 0; i < 3000; i++) {
      d.write(Buffer.from('A'));
      maxHeld = Math.max(maxHeld, d.buffered);
    }
    expect(maxHeld).toBeLessThanOrEqual(MAX_LINE_BYTES);
    const frames: unknown[] = [];
    d.on('frame', (f) => frames.push(f));
    d.write(Buffer.from('A\r\nnext\r\n'));
    expect(malformed).toHaveLength(1);
    expect(malformed[0]).toMatch(/longer than 512/);
    expect(frames).toEqual([{ kind: 'text', text: 'next' }]);
  });

  it('an over-long line in one chunk is malformed too', async () => {
    const out = await decodeAll(new LineDecoder(plain), [
      Buffer.from(`${'B'.repeat(MAX_LINE_BYTES + 1)}\r\nok\r\n`),
    ]);
    expect(out.malformed).toHaveLength(1);
    expect(out.frames).toEqual([{ kind: 'text', text: 'ok' }]);
  });

  it('handles a CR LF suffix split across chunks', async () => {
    const out = await decodeAll(new LineDecoder(plain), [Buffer.from('abc\r'), Buffer.from('\n')]);
    expect(out.frames).toEqual([{ kind: 'text', text: 'abc' }]);
  });

  it('supports every suffix', async () => {
    const cases = [
      ['CR', '\r'],
      ['LF', '\n'],
      ['TAB', '\t'],
      ['ETX', '\x03'],
      ['CRLF', '\r\n'],
    ] as const;
    for (const [suffix, bytes] of cases) {
      const d = new LineDecoder({ kind: 'line', prefix: '', aim: false, suffix });
      const out = await decodeAll(d, bytewise(Buffer.from(`one${bytes}two${bytes}`)));
      expect(out.frames.map((f) => (f.kind === 'text' ? f.text : ''))).toEqual(['one', 'two']);
    }
  });

  it('flushes a partial line at the end as malformed', async () => {
    const out = await decodeAll(new LineDecoder(plain), [Buffer.from('ok\r\npartial')]);
    expect(out.frames).toHaveLength(1);
    expect(out.malformed).toEqual(['incomplete line at end of input (no CRLF)']);
  });

  it('a CR LF reader on a CR profile shows up as malformed lines (misconfiguration is visible)', async () => {
    const out = await decodeAll(new LineDecoder({ ...aim }), [Buffer.from(']Q1a\r\n]Q1b\r\n')]);
    expect(out.frames).toEqual([{ kind: 'text', text: 'a', symbology: ']Q1' }]);
    // the second LF is left over without a CR: the flush reports it too
    expect(out.malformed).toEqual([
      'non-printable byte 0x0a at offset 0',
      'incomplete line at end of input (no CR)',
    ]);
  });

  it('STX … ETX framing (control-byte prefix and suffix): decodes split anywhere; a CR reader is malformed', async () => {
    const stx: LineFraming = { kind: 'line', prefix: '<STX>', aim: false, suffix: '<ETX>' };
    const input = Buffer.from('\x02GP-1\x03\x02GP-2\x03', 'latin1');
    const lump = await decodeAll(new LineDecoder(stx), [input]);
    const bytes = await decodeAll(new LineDecoder(stx), bytewise(input));
    const expected = [
      { kind: 'text', text: 'GP-1' },
      { kind: 'text', text: 'GP-2' },
    ];
    expect(lump.frames).toEqual(expected);
    expect(bytes.frames).toEqual(expected);
    // A reader still sending CR after the code: its line ends at ETX with no STX before the next.
    const d = new LineDecoder(stx);
    const shown: string[] = [];
    d.on('malformed', (_why: string, frame?: Buffer) =>
      shown.push(escapeBytes(frame ?? Buffer.alloc(0))),
    );
    const cr = await decodeAll(d, [Buffer.from('\x02GP-1\x03\rGP-2\x03', 'latin1')]);
    expect(cr.frames).toEqual([{ kind: 'text', text: 'GP-1' }]);
    expect(cr.malformed).toEqual(['missing prefix "\\x02"']);
    expect(shown).toEqual(['\\x0dGP-2\\x03']);
  });

  it('hands the frame bytes of a malformed line to the malformed event', async () => {
    const d = new LineDecoder(aim);
    const frames: string[] = [];
    d.on('malformed', (_why: string, frame?: Buffer) =>
      frames.push(escapeBytes(frame ?? Buffer.alloc(0))),
    );
    await decodeAll(d, [Buffer.from('\x02W1\x03\r', 'latin1')]);
    expect(frames).toEqual(['\\x02W1\\x03\\x0d']);
  });
  it('turns a frame whose end never comes into one malformed frame when the input goes idle', () => {
    const d = new LineDecoder(plain);
    const seen: string[] = [];
    d.on('frame', (f: { text?: string }) => seen.push(`frame ${f.text}`));
    d.on('malformed', (reason: string) => seen.push(`malformed ${reason}`));
    d.resume();
    for (let i = 0; i < 3; i++) {
      d.write(Buffer.from(`\x02wallet_${i}\x03`)); // STX … ETX into a CR LF profile
      d.idle('no end of frame');
    }
    d.write(Buffer.from('ok\r\n'));
    expect(seen).toEqual([
      'malformed no end of frame',
      'malformed no end of frame',
      'malformed no end of frame',
      'frame ok',
    ]);
    d.idle('nothing buffered: no count');
    expect(d.malformed).toBe(3);
  });
});
