/**
 * Suffix-terminated lines as serial barcode scanners send them: `[prefix]data suffix`, where the
 * prefix may be an AIM symbology identifier (`]` + code char + modifier, ISO/IEC 15424:2008 §4)
 * and the suffix is one of the terminators scanner configuration guides offer (CR, CR LF, LF,
 * TAB, ETX). Only printable ASCII is a valid payload: anything else is line noise or a reader
 * configured for another code page.
 */
import type { LineFraming, LineSuffix } from '../../firmware-profiles/schema.js';
import { FrameDecoder } from './decoder.js';

export const SUFFIX_BYTES: Readonly<Record<LineSuffix, Buffer>> = {
  CRLF: Buffer.from([0x0d, 0x0a]),
  CR: Buffer.from([0x0d]),
  LF: Buffer.from([0x0a]),
  TAB: Buffer.from([0x09]),
  ETX: Buffer.from([0x03]),
};

/** Longest line accepted; longer input is malformed and skipped up to the next suffix. */
export const MAX_LINE_BYTES = 512;

const AIM_AT_START = /^\][A-Za-z][0-9A-Za-z]/;

export class LineDecoder extends FrameDecoder {
  private readonly suffix: Buffer;
  private pending: Buffer = Buffer.alloc(0);
  /** Skipping the rest of an over-long line until its suffix. */
  private discarding = false;

  constructor(private readonly framing: LineFraming) {
    super();
    this.suffix = SUFFIX_BYTES[framing.suffix];
  }

  get buffered(): number {
    return this.discarding ? 0 : this.pending.length;
  }

  protected feed(chunk: Buffer): void {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const end = data.indexOf(this.suffix, start);
      if (end < 0) break;
      const line = data.subarray(start, end);
      start = end + this.suffix.length;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      this.line(line);
    }
    let rest = data.subarray(start);
    if (!this.discarding && rest.length > MAX_LINE_BYTES) {
      this.reject(`line longer than ${MAX_LINE_BYTES} bytes without a ${this.framing.suffix}`);
      this.discarding = true;
    }
    if (this.discarding) {
      // Keep only what could be the start of a split suffix: the buffer stays bounded.
      rest = rest.subarray(Math.max(0, rest.length - (this.suffix.length - 1)));
    }
    this.pending = Buffer.from(rest); // a copy: never pin a large chunk in memory
  }

  private line(bytes: Buffer): void {
    if (bytes.length === 0) return; // an empty line carries nothing (e.g. a lone terminator)
    if (bytes.length > MAX_LINE_BYTES) {
      this.reject(`line longer than ${MAX_LINE_BYTES} bytes`);
      return;
    }
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b < 0x20 || b > 0x7e) {
        this.reject(`non-printable byte 0x${b.toString(16).padStart(2, '0')} at offset ${i}`);
        return;
      }
    }
    let text = bytes.toString('latin1');
    let symbology: string | undefined;
    if (this.framing.aim) {
      if (!AIM_AT_START.test(text)) {
        this.reject('missing AIM symbology identifier');
        return;
      }
      symbology = text.slice(0, 3);
      text = text.slice(3);
    } else if (this.framing.prefix !== '') {
      if (!text.startsWith(this.framing.prefix)) {
        this.reject(`missing prefix ${JSON.stringify(this.framing.prefix)}`);
        return;
      }
      text = text.slice(this.framing.prefix.length);
    }
    if (text.length === 0) {
      this.reject('empty payload');
      return;
    }
    this.accept(
      symbology === undefined ? { kind: 'text', text } : { kind: 'text', text, symbology },
    );
  }

  protected finish(): void {
    if (!this.discarding && this.pending.length > 0) {
      this.reject(`incomplete line at end of input (no ${this.framing.suffix})`);
    }
    this.reset();
  }

  protected reset(): void {
    this.pending = Buffer.alloc(0);
    this.discarding = false;
  }
}
