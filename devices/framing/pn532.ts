/**
 * Decoder for the PN532's host link (NXP UM0701-02 §6.2): finds frames by their `00 00 FF`
 * preamble, checks LEN/LCS and DCS, skips ACK/NACK frames, and turns InListPassiveTarget
 * responses (§7.3.5) into UIDs. Anything else that is not a valid frame is malformed; the decoder
 * resynchronises at the next preamble after the one that failed.
 */
import { FrameDecoder } from './decoder.js';
import { IN_LIST_PASSIVE_TARGET_RESPONSE, PREAMBLE, TFI_FROM_PN532 } from './pn532-frame.js';

/** Largest frame body accepted (extended frames may announce up to 65535: never buffer that). */
export const MAX_PN532_BODY = 300;

/** §6.2.1.5: the "syntax error" frame has TFI 7F. */
const TFI_ERROR = 0x7f;
const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

export class Pn532Decoder extends FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);
  /** Already reported the non-frame bytes being skipped (one report per run of garbage). */
  private inGarbage = false;

  get buffered(): number {
    return this.pending.length;
  }

  protected feed(chunk: Buffer): void {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      const at = data.indexOf(PREAMBLE, pos);
      if (at < 0) {
        // Keep a possible split preamble (up to 2 bytes); the rest is garbage.
        const keep = Math.max(pos, data.length - (PREAMBLE.length - 1));
        this.skip(data, pos, keep);
        pos = keep;
        break;
      }
      this.skip(data, pos, at);
      const used = this.frameAt(data, at);
      if (used === 0) {
        pos = at; // incomplete: wait for more bytes
        break;
      }
      if (used < 0) {
        pos = at + 1; // bad frame: resync at the next preamble
        this.inGarbage = true;
        continue;
      }
      pos = at + used;
      this.inGarbage = false;
    }
    this.pending = Buffer.from(data.subarray(pos));
  }

  /** Bytes between frames: zeros are idle line (preamble padding); anything else is garbage. */
  private skip(data: Buffer, from: number, to: number): void {
    if (this.inGarbage) return;
    for (let i = from; i < to; i++) {
      if (data[i] !== 0x00) {
        this.reject(`garbage byte ${hex(data[i]!)} outside a frame`);
        this.inGarbage = true;
        return;
      }
    }
  }

  /** >0: bytes consumed by a valid frame; 0: need more bytes; <0: malformed (reported). */
  private frameAt(data: Buffer, at: number): number {
    const avail = data.length - at;
    if (avail < 5) return 0;
    const len = data[at + 3]!;
    const lcs = data[at + 4]!;
    // ACK (00 FF) and NACK (FF 00) carry no body (§6.2.1.3, §6.2.1.4); the postamble is optional here.
    if ((len === 0x00 && lcs === 0xff) || (len === 0xff && lcs === 0x00)) {
      if (avail < 6) return 0;
      return data[at + 5] === 0x00 ? 6 : 5;
    }
    let bodyStart = at + 5;
    let bodyLen = len;
    if (len === 0xff && lcs === 0xff) {
      // Extended information frame (§6.2.1.2): 00 00 FF FF FF LENm LENl LCS …
      if (avail < 8) return 0;
      const lenM = data[at + 5]!;
      const lenL = data[at + 6]!;
      if (((lenM + lenL + data[at + 7]!) & 0xff) !== 0) {
        this.reject('bad extended length checksum');
        return -1;
      }
      bodyStart = at + 8;
      bodyLen = lenM * 256 + lenL;
    } else if (((len + lcs) & 0xff) !== 0) {
      this.reject(`bad length checksum (LEN ${hex(len)}, LCS ${hex(lcs)})`);
      return -1;
    }
    if (bodyLen === 0 || bodyLen > MAX_PN532_BODY) {
      this.reject(`bad frame length ${bodyLen}`);
      return -1;
    }
    const end = bodyStart + bodyLen + 2; // DCS + postamble
    if (data.length < end) return 0;
    let sum = 0;
    for (let i = bodyStart; i <= bodyStart + bodyLen; i++) sum = (sum + data[i]!) & 0xff;
    if (sum !== 0) {
      this.reject('bad data checksum');
      return -1;
    }
    if (data[end - 1] !== 0x00) {
      this.reject(`bad postamble ${hex(data[end - 1]!)}`);
      return -1;
    }
    this.body(data.subarray(bodyStart, bodyStart + bodyLen));
    return end - at;
  }

  private body(body: Buffer): void {
    const tfi = body[0]!;
    if (tfi === TFI_ERROR) {
      this.reject('PN532 error frame (syntax error)');
      return;
    }
    if (tfi !== TFI_FROM_PN532) {
      this.reject(`unexpected TFI ${hex(tfi)}`);
      return;
    }
    if (body[1] !== IN_LIST_PASSIVE_TARGET_RESPONSE) {
      this.onResponse(body);
      return;
    }
    const targets = body[2] ?? 0;
    const uids: string[] = [];
    let i = 3;
    for (let t = 0; t < targets; t++) {
      // 106 kbps type A target data: Tg SENS_RES(2) SEL_RES NFCIDLength NFCID1 [ATS]
      const selRes = body[i + 3];
      const idLen = body[i + 4];
      if (selRes === undefined || idLen === undefined || i + 5 + idLen > body.length) {
        this.reject('truncated InListPassiveTarget response');
        return;
      }
      if (idLen !== 4 && idLen !== 7 && idLen !== 10) {
        this.reject(`NFCID1 length ${idLen} is not 4, 7 or 10`);
        return;
      }
      uids.push(
        body
          .subarray(i + 5, i + 5 + idLen)
          .toString('hex')
          .toUpperCase(),
      );
      i += 5 + idLen;
      // SEL_RES bit 6 set: ISO/IEC 14443-4 compliant, an ATS follows (its first byte is its length).
      if (selRes & 0x20 && i < body.length) i += Math.max(1, body[i]!);
    }
    this.onTargets(uids);
  }

  /** Targets in the field (an InListPassiveTarget response, NbTg may be 0): each UID is a scan. */
  protected onTargets(uids: readonly string[]): void {
    for (const uid of uids) this.accept({ kind: 'uid', uid });
  }

  /**
   * A valid D5 frame answering any other command (`body` = TFI, response code, data). Responses
   * to SAMConfiguration, GetFirmwareVersion… are not scans: ignored here.
   */
  protected onResponse(_body: Buffer): void {}

  protected finish(): void {
    if (this.pending.indexOf(PREAMBLE) >= 0) this.reject('incomplete frame at end of input');
    this.reset();
  }

  protected reset(): void {
    this.pending = Buffer.alloc(0);
    this.inGarbage = false;
  }
}
