/**
 * Decoder for a PN532 reading an NDEF Text record from an NFC Forum Type 2 tag (NTAG21x), for
 * `credential: 'nfc-ndef'` profiles. On the host link (NXP UM0701-02) a tap is:
 * - an InListPassiveTarget response (§7.3.5): a tag entered the field → a tag session starts;
 * - InDataExchange responses (§7.3.8) `D5 41 00` + 16 bytes, answering Type 2 READs (command 0x30,
 *   4 pages each) of pages 4, 8, 12, … in order: appended to the session's copy of user memory;
 * - once the NDEF Message TLV is complete (`type2-tag.ts`), its Text record (`ndef.ts`) is the scan.
 * The decoder sees the PN532's answers only, not the host's commands, so it assumes READs of
 * consecutive blocks from page 4 — what a polling driver issues. Any malformed frame during a
 * session ends it (the host lost its place in tag memory): a later block could otherwise be taken
 * for a lost one and splice a wrong text. Responses after a session ended are ignored until the
 * next target; buffered memory is bounded by the largest NTAG user memory.
 */
import { parseNdefText } from './ndef.js';
import { Pn532Decoder } from './pn532.js';
import { IN_DATA_EXCHANGE_RESPONSE } from './pn532-frame.js';
import { MAX_TAG_USER_BYTES, READ_BYTES, scanTlvs } from './type2-tag.js';

type Session =
  /** No tag seen since the start (or since the input was lost or a session was reset). */
  | { phase: 'idle' }
  | { phase: 'reading'; uid: string; memory: Buffer }
  /** The tag's message was emitted or the read failed: later READ answers are left over. */
  | { phase: 'closed' };

const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

export class Pn532NdefDecoder extends Pn532Decoder {
  private session: Session = { phase: 'idle' };

  override get buffered(): number {
    const s = this.session;
    // A session in progress holds a frame not yet complete, even between PN532 frames.
    return super.buffered + (s.phase === 'reading' ? s.uid.length / 2 + s.memory.length : 0);
  }

  protected override onTargets(uids: readonly string[]): void {
    if (this.session.phase === 'reading') {
      this.reject(
        uids.length > 0
          ? 'a new target before the NDEF message was read'
          : 'the tag left the field before its NDEF message was read',
      );
    }
    const uid = uids[0];
    if (uid !== undefined) this.session = { phase: 'reading', uid, memory: Buffer.alloc(0) };
  }

  protected override onResponse(body: Buffer): void {
    if (body[1] !== IN_DATA_EXCHANGE_RESPONSE) return;
    const s = this.session;
    if (s.phase === 'closed') return;
    if (s.phase === 'idle') {
      // Reported once: the rest of this orphaned read is ignored until the next target.
      this.reject('InDataExchange data with no target in the field');
      this.session = { phase: 'closed' };
      return;
    }
    const status = body[2];
    if (status === undefined) {
      this.reject('InDataExchange response without a status byte');
      return;
    }
    if (status !== 0x00) {
      this.reject(`InDataExchange status ${hex(status)}`);
      return;
    }
    const data = body.subarray(3);
    if (data.length !== READ_BYTES) {
      this.reject(`READ answered ${data.length} bytes, not ${READ_BYTES}`);
      return;
    }
    const memory = Buffer.concat([s.memory, data]);
    const scan = scanTlvs(memory, MAX_TAG_USER_BYTES);
    if (scan.state === 'need-more') {
      if (memory.length >= MAX_TAG_USER_BYTES) {
        this.reject(`no NDEF message within ${MAX_TAG_USER_BYTES} bytes of tag memory`);
      } else {
        this.session = { ...s, memory };
      }
      return;
    }
    if (scan.state === 'bad') {
      this.reject(scan.reason);
      return;
    }
    const text = parseNdefText(scan.message);
    if (typeof text === 'string') {
      this.reject(text);
      return;
    }
    this.session = { phase: 'closed' };
    this.accept({ kind: 'ndef', text: text.text, uid: s.uid });
  }

  /** Any malformed input during a session ends it (see the file comment). */
  protected override reject(reason: string): void {
    if (this.session.phase === 'reading') this.session = { phase: 'closed' };
    super.reject(reason);
  }

  protected override finish(): void {
    if (this.session.phase === 'reading')
      this.reject('input ended before the NDEF message was read');
    super.finish();
  }

  protected override reset(): void {
    super.reset();
    this.session = { phase: 'idle' };
  }
}
