/**
 * Base of every reader decoder: a Transform whose writable side takes raw bytes and whose
 * readable side yields `DecodedFrame` objects (serialport's parsers are the model: input may be
 * split anywhere across chunks; leftovers are flushed at the end).
 *
 * Besides pushing frames, a decoder emits them synchronously as `'frame'` while it handles the
 * chunk that completed them, so a caller can timestamp the bytes exactly (the readable side may
 * deliver later). Bad input is never thrown: it is counted in `malformed` and reported as a
 * `'malformed'` event with a reason, and the decoder resynchronises.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { DecodedFrame } from './frame.js';

export abstract class FrameDecoder extends Transform {
  /** Complete, valid frames decoded so far. */
  frames = 0;
  /** Malformed inputs seen so far (garbage, bad checksums, over-long lines, …). */
  malformed = 0;

  constructor() {
    super({ readableObjectMode: true, writableObjectMode: false });
  }

  /** Bytes held for a frame not yet complete (0 when idle between frames). */
  abstract get buffered(): number;

  /** Handles one chunk; calls `accept`/`reject`; keeps at most a bounded leftover. */
  protected abstract feed(chunk: Buffer): void;
  /** End of input: report a partial frame as malformed and clear state. */
  protected abstract finish(): void;
  /** Forget all partial state (after an internal error). */
  protected abstract reset(): void;

  /**
   * The input went away (unplugged reader): a frame in progress can never complete, so it is
   * counted as malformed, and decoding starts clean — stale partial state (a half line, a key
   * still "down") must not swallow the first frame after the reader comes back.
   */
  interrupt(): void {
    if (this.buffered > 0) this.reject('input lost in the middle of a frame');
    this.guard(() => this.reset());
  }

  /**
   * The input paused in the middle of a frame for longer than any reader pauses inside one: the
   * frame's end will never come (a reader programmed with another suffix), so the partial frame
   * is malformed now — not 512 bytes later — and decoding starts clean (an over-long line's
   * discard mode ends too).
   */
  idle(reason: string): void {
    if (this.buffered > 0) this.reject(reason);
    this.guard(() => this.reset());
  }

  protected accept(frame: DecodedFrame): void {
    this.frames++;
    this.emit('frame', frame);
    this.push(frame);
  }

  /** `bytes`: the input that failed, when the decoder can delimit it (a line decoder's line). */
  protected reject(reason: string, bytes?: Buffer): void {
    this.malformed++;
    this.emit('malformed', reason, bytes);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.guard(() => this.feed(chunk));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.guard(() => this.finish());
    callback();
  }

  /** A decoder must never throw on input: a bug here becomes one malformed count, not a crash. */
  private guard(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.reset();
      this.reject(`decoder error: ${(err as Error).message}`);
    }
  }
}
