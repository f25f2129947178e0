/**
 * Decoder for HID POS scanner reports (layout in `hid-pos-report.ts`): reassembles a scan that
 * spans several reports (bit 0 of byte 63 = more follows), strips the AIM id into `symbology`.
 * node-hid delivers one whole report per 'data' event, but the decoder is a byte stream like the
 * others: reports may arrive split or lumped, and bytes that are not a report are skipped (a
 * report starts with its id 0x02) and counted once per run of garbage.
 */
import { FrameDecoder } from './decoder.js';
import {
  HID_POS_REPORT_ID,
  HID_POS_REPORT_SIZE,
  type HidPosReport,
  parseHidPosReport,
} from './hid-pos-report.js';

/** QR Code holds at most 7089 characters (ISO/IEC 18004:2015 Table 7, version 40-L numeric). */
export const MAX_HID_POS_SCAN = 7089;

const printable = (b: Buffer) => b.every((c) => c >= 0x20 && c <= 0x7e);

export class HidPosDecoder extends FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private inGarbage = false;
  /** The scan being reassembled, or `discard` while skipping the rest of a bad one. */
  private scan: { symbology: string; parts: Buffer[]; size: number } | 'discard' | undefined;

  get buffered(): number {
    const held = this.scan === undefined || this.scan === 'discard' ? 0 : this.scan.size || 1;
    return this.pending.length + held;
  }

  protected feed(chunk: Buffer): void {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      const at = data.indexOf(HID_POS_REPORT_ID, pos);
      if (at < 0) {
        this.garbage(data, pos, data.length, 'no report id');
        pos = data.length;
        break;
      }
      if (at > pos) this.garbage(data, pos, at, 'not a report');
      if (data.length - at < HID_POS_REPORT_SIZE) {
        pos = at; // a report in progress: wait for the rest
        break;
      }
      const parsed = parseHidPosReport(data.subarray(at, at + HID_POS_REPORT_SIZE));
      if (typeof parsed === 'string') {
        this.garbage(data, at, at + 1, parsed);
        pos = at + 1; // resync at the next report id
        continue;
      }
      this.inGarbage = false;
      this.report(parsed);
      pos = at + HID_POS_REPORT_SIZE;
    }
    this.pending = Buffer.from(data.subarray(pos)); // a copy, < 64 bytes
  }

  /** Bytes that are no report: one malformed per run; a scan in progress is lost with them. */
  private garbage(data: Buffer, from: number, to: number, why: string): void {
    if (from >= to || this.inGarbage) return;
    this.inGarbage = true;
    this.scan = undefined;
    this.reject(`garbage byte 0x${data[from]!.toString(16).padStart(2, '0')} (${why})`);
  }

  private report(r: HidPosReport): void {
    let scan = this.scan;
    if (scan === 'discard') {
      if (!r.more) this.scan = undefined;
      return;
    }
    if (scan !== undefined && scan.symbology !== r.symbology) {
      // The last report of the previous scan went missing: that scan cannot be trusted.
      this.reject(`scan interrupted: ${scan.symbology} then ${r.symbology}`);
      scan = undefined;
    }
    scan ??= { symbology: r.symbology, parts: [], size: 0 };
    this.scan = scan;
    if (!printable(r.data)) {
      this.abandon('non-printable byte in the data', r.more);
      return;
    }
    scan.parts.push(Buffer.from(r.data));
    scan.size += r.data.length;
    if (scan.size > MAX_HID_POS_SCAN) {
      this.abandon(`scan longer than ${MAX_HID_POS_SCAN} bytes`, r.more);
      return;
    }
    if (r.more) return;
    this.scan = undefined;
    if (scan.size === 0) {
      this.reject('empty scan');
      return;
    }
    const text = Buffer.concat(scan.parts).toString('latin1');
    this.accept({ kind: 'text', text, symbology: scan.symbology });
  }

  private abandon(reason: string, more: boolean): void {
    this.reject(reason);
    this.scan = more ? 'discard' : undefined;
  }

  protected finish(): void {
    if (this.pending.length > 0 || (this.scan !== undefined && this.scan !== 'discard')) {
      this.reject('incomplete scan at end of input');
    }
    this.reset();
  }

  protected reset(): void {
    this.pending = Buffer.alloc(0);
    this.scan = undefined;
    this.inGarbage = false;
  }
}
