/**
 * NFC Forum Type 2 Tag memory (NFC Forum Type 2 Tag Operation Specification 1.2, and NXP NTAG213/
 * 215/216 datasheet §8.5): 4-byte pages; user memory starts at page 4 (pages 0–2 hold the UID and
 * lock bytes, page 3 the Capability Container); READ (command 0x30) returns 16 bytes = 4 pages.
 * User memory holds TLV blocks (§2.3): NULL 0x00 (no length), Lock Control 0x01, Memory Control
 * 0x02, NDEF Message 0x03, Proprietary 0xFD, Terminator 0xFE (no length). A length is one byte
 * 0x00–0xFE, or 0xFF followed by two big-endian bytes (0x00FF–0xFFFE).
 */

export const PAGE_BYTES = 4;
export const FIRST_USER_PAGE = 4;
/** One READ answers 4 pages. */
export const READ_BYTES = 16;
/** Type 2 READ command code (T2T spec §5.1). */
export const T2T_READ = 0x30;

export const TLV_NULL = 0x00;
export const TLV_LOCK_CONTROL = 0x01;
export const TLV_MEMORY_CONTROL = 0x02;
export const TLV_NDEF_MESSAGE = 0x03;
export const TLV_PROPRIETARY = 0xfd;
export const TLV_TERMINATOR = 0xfe;

/** User memory of the NTAG21x family (NTAG213/215/216 datasheet §8.5: pages 4–39, 4–129, 4–225). */
export const NTAG_USER_BYTES = { ntag213: 144, ntag215: 504, ntag216: 888 } as const;
export type NtagModel = keyof typeof NTAG_USER_BYTES;
/** The largest user memory a decoder accepts (NTAG216): bounds what a tag session buffers. */
export const MAX_TAG_USER_BYTES = NTAG_USER_BYTES.ntag216;

/** `03 L message FE`: the user-memory bytes that carry one NDEF message. */
export function ndefTlvArea(message: Buffer): Buffer {
  if (message.length > 0xfffe) throw new RangeError('an NDEF TLV holds at most 65534 bytes');
  const length =
    message.length < 0xff
      ? Buffer.from([message.length])
      : Buffer.from([0xff, message.length >> 8, message.length & 0xff]);
  return Buffer.concat([
    Buffer.from([TLV_NDEF_MESSAGE]),
    length,
    message,
    Buffer.from([TLV_TERMINATOR]),
  ]);
}

export type TlvScan =
  | { state: 'need-more' }
  /** `end`: user-memory offset just after the NDEF Message TLV. */
  | { state: 'message'; message: Buffer; end: number }
  | { state: 'bad'; reason: string };

/**
 * Walks the TLVs of user memory read so far (from page 4) to the first NDEF Message TLV.
 * `limit` is the most user memory a tag can have: a TLV claiming more is bad, not awaited.
 */
export function scanTlvs(memory: Buffer, limit = MAX_TAG_USER_BYTES): TlvScan {
  let i = 0;
  for (;;) {
    const t = memory[i];
    if (t === undefined) return { state: 'need-more' };
    if (t === TLV_NULL) {
      i += 1;
      continue;
    }
    if (t === TLV_TERMINATOR)
      return { state: 'bad', reason: 'no NDEF message TLV before the terminator' };
    if (
      t !== TLV_NDEF_MESSAGE &&
      t !== TLV_LOCK_CONTROL &&
      t !== TLV_MEMORY_CONTROL &&
      t !== TLV_PROPRIETARY
    ) {
      return { state: 'bad', reason: `unknown TLV type 0x${t.toString(16).padStart(2, '0')}` };
    }
    const l0 = memory[i + 1];
    if (l0 === undefined) return { state: 'need-more' };
    let length = l0;
    let valueAt = i + 2;
    if (l0 === 0xff) {
      if (i + 4 > memory.length) return { state: 'need-more' };
      length = memory.readUInt16BE(i + 2);
      valueAt = i + 4;
      if (length < 0xff || length === 0xffff) {
        return { state: 'bad', reason: `bad 3-byte TLV length ${length}` };
      }
    }
    const end = valueAt + length;
    if (end > limit) {
      return { state: 'bad', reason: `TLV of ${length} bytes overruns a ${limit}-byte tag` };
    }
    if (t === TLV_NDEF_MESSAGE) {
      if (end > memory.length) return { state: 'need-more' };
      return { state: 'message', message: memory.subarray(valueAt, end), end };
    }
    i = end;
  }
}
