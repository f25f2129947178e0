import { describe, expect, it } from 'vitest';
import { Pn532Decoder } from './pn532.js';
import {
  ACK_FRAME,
  IN_LIST_PASSIVE_TARGET,
  informationFrame,
  inListPassiveTargetResponse,
  TFI_TO_PN532,
} from './pn532-frame.js';
import { bytewise, decodeAll } from './test-support.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('PN532 frames (UM0701-02 §6.2)', () => {
  it('builds the well-known command frames byte for byte', () => {
    // GetFirmwareVersion and InListPassiveTarget(1 target, 106 kbps type A), as in UM0701-02 examples.
    expect(informationFrame(TFI_TO_PN532, [0x02])).toEqual(hex('0000FF02FED4022A00'));
    expect(informationFrame(TFI_TO_PN532, [IN_LIST_PASSIVE_TARGET, 0x01, 0x00])).toEqual(
      hex('0000FF04FCD44A0100E100'),
    );
  });

  it('builds InListPassiveTarget responses for 4- and 7-byte UIDs', () => {
    // LEN 0C, LCS F4, TFI+PD sum 0x46A → DCS 0x96 (computed by hand)
    expect(inListPassiveTargetResponse('DEADBEEF')).toEqual(
      hex('0000FF 0CF4 D54B 01 01 0004 08 04 DEADBEEF 96 00'),
    );
    const seven = inListPassiveTargetResponse('04a224b2c35e80');
    expect(seven.subarray(3, 5)).toEqual(Buffer.from([0x0f, 0xf1])); // LEN 15, LCS
    expect(seven.subarray(5, 13)).toEqual(hex('D54B010100440007'));
  });
});

describe('Pn532Decoder', () => {
  const four = inListPassiveTargetResponse('DEADBEEF');
  const seven = inListPassiveTargetResponse('04A224B2C35E80');

  it('decodes UIDs the same byte by byte and in one lump, ignoring ACKs', async () => {
    const input = Buffer.concat([ACK_FRAME, four, ACK_FRAME, seven]);
    const expected = [
      { kind: 'uid', uid: 'DEADBEEF' },
      { kind: 'uid', uid: '04A224B2C35E80' },
    ];
    const lump = await decodeAll(new Pn532Decoder(), [input]);
    const bytes = await decodeAll(new Pn532Decoder(), bytewise(input));
    expect(lump.frames).toEqual(expected);
    expect(bytes.frames).toEqual(expected);
    expect(lump.malformed).toEqual([]);
    expect(bytes.malformed).toEqual([]);
  });

  it('a bad data checksum is malformed and the next frame decodes', async () => {
    const bad = Buffer.from(four);
    bad[10] = (bad[10]! ^ 0x01) & 0xff;
    const d = new Pn532Decoder();
    const out = await decodeAll(d, bytewise(Buffer.concat([bad, seven])));
    expect(out.malformed).toEqual(['bad data checksum']);
    expect(out.frames).toEqual([{ kind: 'uid', uid: '04A224B2C35E80' }]);
    expect(d.malformed).toBe(1);
    expect(d.frames).toBe(1);
  });

  it('a bad length checksum resyncs at the next preamble, even inside the bad frame', async () => {
    const bad = Buffer.from(four);
    bad[3] = 0xf0; // LEN garbled: would swallow the next frame if trusted
    const out = await decodeAll(new Pn532Decoder(), [Buffer.concat([bad, seven])]);
    expect(out.malformed).toEqual(['bad length checksum (LEN 0xf0, LCS 0xf4)']);
    expect(out.frames).toEqual([{ kind: 'uid', uid: '04A224B2C35E80' }]);
  });

  it('garbage between frames is reported once per run', async () => {
    const out = await decodeAll(new Pn532Decoder(), [
      Buffer.from([0x12, 0x34, 0x56]),
      Buffer.from([0x78]),
      four,
      Buffer.from([0x00, 0x00]),
      seven,
    ]);
    expect(out.malformed).toEqual(['garbage byte 0x12 outside a frame']);
    expect(out.frames).toHaveLength(2);
  });

  it('reports the PN532 error frame, ignores other responses and empty target lists', async () => {
    const errorFrame = hex('0000FF01FF7F8100'); // UM0701-02 §6.2.1.5
    const firmware = informationFrame(0xd5, [0x03, 0x32, 0x01, 0x06, 0x07]);
    const none = informationFrame(0xd5, [0x4b, 0x00]);
    const out = await decodeAll(new Pn532Decoder(), [errorFrame, firmware, none, four]);
    expect(out.malformed).toEqual(['PN532 error frame (syntax error)']);
    expect(out.frames).toEqual([{ kind: 'uid', uid: 'DEADBEEF' }]);
  });

  it('rejects a truncated target and a huge extended frame without buffering it', async () => {
    const truncated = informationFrame(0xd5, [0x4b, 0x01, 0x01, 0x00, 0x04, 0x08, 0x07, 0xaa]);
    const extended = hex('0000FFFFFF FFF0 11'); // announces 65520 bytes (LENm+LENl+LCS ≡ 0)
    const d = new Pn532Decoder();
    const out = await decodeAll(d, [truncated, extended, four]);
    expect(out.malformed).toEqual([
      'truncated InListPassiveTarget response',
      'bad frame length 65520',
    ]);
    expect(out.frames).toHaveLength(1);
  });

  it('flushes a partial frame at the end as malformed', async () => {
    const out = await decodeAll(new Pn532Decoder(), [four.subarray(0, 9)]);
    expect(out.malformed).toEqual(['incomplete frame at end of input']);
  });
});
