/**
 * A PN532 reading an NDEF Text record from an NTAG21x tag, as the bytes the module sends its host
 * (NXP UM0701-02): the InListPassiveTarget response for the tag (§7.3.5), then one InDataExchange
 * response `D5 41 00` + 16 bytes (§7.3.8) per Type 2 READ (command 0x30, 4 pages) of pages 4, 8,
 * 12, … until the NDEF Message TLV and the Terminator TLV are covered (NFC Forum Type 2 Tag
 * Operation 1.2 §2.3; the message per NDEF 1.0 and Text RTD 1.0, see `framing/ndef.ts`).
 *
 * A real PN532 only answers host commands: a physical module needs a host-side polling driver
 * (InListPassiveTarget, then InDataExchange READs, each acknowledged) — out of scope here. Like
 * the UID path, the emulator produces the module's answers only: no ACK frames, no command
 * round trips between them (the host's command bytes travel on the other wire of the UART).
 */
import { createHash } from 'node:crypto';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { NdefTag } from '../../firmware-profiles/schema.js';
import { ndefTextMessage } from '../framing/ndef.js';
import { inDataExchangeResponse, inListPassiveTargetResponse } from '../framing/pn532-frame.js';
import { NTAG_USER_BYTES, ndefTlvArea, READ_BYTES } from '../framing/type2-tag.js';

/** ISO/IEC 7816-6 manufacturer code of NXP: UID0 of every NTAG. */
const NXP = '04';

/** The tag's 7-byte UID, derived from the text so the same tag always has the same UID. */
export function ndefTagUid(text: string): string {
  const digest = createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
  return `${NXP}${digest}`.toUpperCase();
}

/** Most UTF-8 bytes of text an NTAG model holds in one Text record with language "en". */
export function ndefTextCapacity(tag: NdefTag): number {
  const user = NTAG_USER_BYTES[tag];
  // Find the longest text whose TLV area (03 L message FE) fits the user memory.
  let n = user;
  while (n > 0 && ndefTlvArea(ndefTextMessage('x'.repeat(n))).length > user) n--;
  return n;
}

export interface NdefTap {
  /** Every frame of the tap, in order: the target, then one READ answer per 16-byte block. */
  frames: Buffer[];
  /** Frames up to the one that completes the NDEF Message TLV (the rest only cover the terminator). */
  messageFrames: number;
}

export function ndefTap(text: string, tag: NdefTag): NdefTap {
  const utf8 = Buffer.from(text, 'utf8');
  if (text.length === 0 || utf8.toString('utf8') !== text) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `an NDEF Text record needs non-empty, well-formed text; got ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  const message = ndefTextMessage(text);
  const area = ndefTlvArea(message);
  if (area.length > NTAG_USER_BYTES[tag]) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `${utf8.length} bytes of text do not fit an ${tag} (${NTAG_USER_BYTES[tag]} bytes of user memory, ` +
        `at most ${ndefTextCapacity(tag)} bytes of text)`,
    );
  }
  const messageEnd = area.length - 1; // the terminator is the last byte
  const blocks = Math.ceil(area.length / READ_BYTES);
  // Memory past the terminator reads as zeros (unwritten user memory; NULL TLVs to a parser).
  const memory = Buffer.alloc(blocks * READ_BYTES);
  area.copy(memory);
  const frames = [inListPassiveTargetResponse(ndefTagUid(text))];
  for (let b = 0; b < blocks; b++) {
    frames.push(
      inDataExchangeResponse(0x00, memory.subarray(b * READ_BYTES, (b + 1) * READ_BYTES)),
    );
  }
  return { frames, messageFrames: 1 + Math.ceil(messageEnd / READ_BYTES) };
}
