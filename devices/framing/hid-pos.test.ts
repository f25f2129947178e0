import { describe, expect, it } from 'vitest';
import { HidPosDecoder, MAX_HID_POS_SCAN } from './hid-pos.js';
import { HID_POS_REPORT_SIZE, hidPosReports, parseHidPosReport } from './hid-pos-report.js';
import { bytewise, decodeAll } from './test-support.js';

const reports = (text: string, aim = ']Q1') => Buffer.concat(hidPosReports(Buffer.from(text), aim));

describe('HID POS reports', () => {
  it('lays a scan out as documented: id 2, length, AIM id, data, more-data flag', () => {
    const text = 'M'.repeat(60); // the Access-IS manual's example: 60 bytes → 56 + 4
    const [first, second, ...rest] = hidPosReports(Buffer.from(text), ']Q0');
    expect(rest).toEqual([]);
    expect([...first!.subarray(0, 5)]).toEqual([0x02, 56, 0x5d, 0x51, 0x30]);
    expect(first![63]).toBe(1);
    expect(second![1]).toBe(4);
    expect(second![63]).toBe(0);
    expect(second!.subarray(9, 61).every((b) => b === 0)).toBe(true);
    expect(parseHidPosReport(first!)).toMatchObject({ symbology: ']Q0', more: true });
    expect(parseHidPosReport(Buffer.alloc(64))).toBe('report id 0x0');
  });
});

describe('HidPosDecoder', () => {
  it('reassembles a multi-report scan the same byte by byte and in one lump', async () => {
    const long = `GP-${'x'.repeat(150)}-END`; // 157 bytes → 3 reports
    const input = Buffer.concat([reports(long), reports('short')]);
    expect(input.length).toBe(4 * HID_POS_REPORT_SIZE);
    const expected = [
      { kind: 'text', text: long, symbology: ']Q1' },
      { kind: 'text', text: 'short', symbology: ']Q1' },
    ];
    const lump = await decodeAll(new HidPosDecoder(), [input]);
    const bytes = await decodeAll(new HidPosDecoder(), bytewise(input));
    expect(lump.frames).toEqual(expected);
    expect(bytes.frames).toEqual(expected);
    expect(bytes.malformed).toEqual([]);
  });

  it('holds a scan in progress (buffered > 0) until its last report', () => {
    const d = new HidPosDecoder();
    d.resume();
    const all = reports('y'.repeat(100));
    d.write(all.subarray(0, 64));
    expect(d.buffered).toBe(56);
    d.write(all.subarray(64, 100));
    expect(d.buffered).toBe(56 + 36);
    d.write(all.subarray(100));
    expect(d.buffered).toBe(0);
    expect(d.frames).toBe(1);
  });

  it('skips garbage once per run and resyncs at the next report', async () => {
    const input = Buffer.concat([
      Buffer.from([0x13, 0x37, 0x02, 0xff]), // a false report id too
      reports('ok-1'),
    ]);
    const out = await decodeAll(new HidPosDecoder(), bytewise(input));
    expect(out.frames).toEqual([{ kind: 'text', text: 'ok-1', symbology: ']Q1' }]);
    expect(out.malformed).toHaveLength(1);
    expect(out.malformed[0]).toMatch(/^garbage byte 0x13 /);
  });

  it('rejects non-printable data, an interrupted scan and an over-long scan, then decodes on', async () => {
    const bad = reports('abcd');
    bad[6] = 0x81;
    const cut = hidPosReports(Buffer.from('z'.repeat(80)), ']Q1')[0]!; // more=1, never finished
    const huge = reports('h'.repeat(MAX_HID_POS_SCAN + 1));
    const out = await decodeAll(new HidPosDecoder(), [
      bad,
      cut,
      reports('next', ']d2'),
      huge,
      reports('last'),
    ]);
    expect(out.malformed).toEqual([
      'non-printable byte in the data',
      'scan interrupted: ]Q1 then ]d2',
      `scan longer than ${MAX_HID_POS_SCAN} bytes`,
    ]);
    expect(out.frames).toEqual([
      { kind: 'text', text: 'next', symbology: ']d2' },
      { kind: 'text', text: 'last', symbology: ']Q1' },
    ]);
  });

  it('reports a partial report or scan at the end of input, and an empty scan', async () => {
    const a = await decodeAll(new HidPosDecoder(), [reports('abc').subarray(0, 30)]);
    expect(a.malformed).toEqual(['incomplete scan at end of input']);
    const b = await decodeAll(new HidPosDecoder(), [hidPosReports(Buffer.alloc(0), ']Q1')[0]!]);
    expect(b.malformed).toEqual(['empty scan']);
  });

  it('interrupt() drops a scan in progress as malformed', () => {
    const d = new HidPosDecoder();
    const reasons: string[] = [];
    d.on('malformed', (r: string) => reasons.push(r));
    d.resume();
    d.write(reports('q'.repeat(70)).subarray(0, 64));
    d.interrupt();
    expect(d.buffered).toBe(0);
    d.write(reports('fresh'));
    expect(reasons).toEqual(['input lost in the middle of a frame']);
    expect(d.frames).toBe(1);
  });
});
