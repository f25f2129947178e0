/**
 * The virtual reader: turns "a patron presents a credential" into the bytes and timing the
 * profile's hardware produces — decode time drawn from the profile, then the frame paced at wire
 * speed against absolute deadlines from a fixed start (k6's executors tick the same way), so
 * timer lateness never accumulates. Errors follow the profile's model: a no-read costs another
 * decode time; a garbled frame is sent (the decoder must report it) and the patron re-presents;
 * a duplicate sends the good frame twice (the host suppresses it within sameCodeDelayMs).
 */

import { setTimeout as delay } from 'node:timers/promises';
import { epochNow } from '../../contract/clock.js';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { FirmwareProfile } from '../../firmware-profiles/schema.js';
import type { Credential } from '../framing/credential.js';
import { drawDecodeMs } from './decode-time.js';
import { encodeCredential, encodeRead, garble } from './encode.js';
import { wirePlan } from './wire.js';

export type Sink = (chunk: Buffer) => void | Promise<void>;

export interface EmulatorOptions {
  /** Uniform [0, 1) source for every random draw (seed it for reproducible runs). */
  rng?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Epoch milliseconds (fractional allowed). */
  now?: () => number;
  /** Give up after this many presentations (default 20): a patron does not try forever. */
  maxAttempts?: number;
}

export interface PresentResult {
  /**
   * When the good frame's first bit went on the wire (its decode done): every chunk is handed
   * over at an absolute deadline from here, so `lastByteAt − startedAt` is never below the wire
   * time, however late the first timer fired.
   */
  startedAt: number;
  /** When the first byte of the frame that was read correctly was handed to the sink. */
  firstByteAt: number;
  /** When its last byte was handed to the sink. */
  lastByteAt: number;
  /** Presentations made (1 = read first time). */
  attempts: number;
  noReads: number;
  garbled: number;
  /** Extra copies of the good frame sent (0 or 1). */
  duplicates: number;
}

export interface Emulator {
  readonly profile: FirmwareProfile;
  encode(credential: Credential): Buffer;
  present(credential: Credential, sink: Sink): Promise<PresentResult>;
}

export function createEmulator(profile: FirmwareProfile, opts: EmulatorOptions = {}): Emulator {
  const rng = opts.rng ?? Math.random;
  const sleep = opts.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
  const now = opts.now ?? epochNow;
  const maxAttempts = opts.maxAttempts ?? 20;

  /**
   * Never before the deadline: Node's timers may fire up to a millisecond early (they round to
   * whole ms), so a short wait is taken again — a byte never reaches the host before its wire time.
   * Bounded, so an injected sleep that does not move the clock cannot spin.
   */
  async function sleepUntil(deadline: number): Promise<void> {
    for (let tries = 0; tries < 4; tries++) {
      const wait = deadline - now();
      if (wait <= 0) return;
      await sleep(wait);
    }
  }

  async function send(
    bytes: Buffer,
    sink: Sink,
  ): Promise<{ startedAt: number; firstByteAt: number; lastByteAt: number }> {
    const start = now();
    let from = 0;
    let firstByteAt = start;
    let lastByteAt = start;
    for (const chunk of wirePlan(profile, bytes.length)) {
      await sleepUntil(start + chunk.atMs);
      lastByteAt = now();
      if (from === 0) firstByteAt = lastByteAt;
      await sink(bytes.subarray(from, chunk.end));
      from = chunk.end;
    }
    return { startedAt: start, firstByteAt, lastByteAt };
  }

  return {
    profile,
    encode: (credential) => encodeCredential(profile, credential),
    async present(credential, sink) {
      const { bytes: frame, essential } = encodeRead(profile, credential);
      const { noReadRate, garbleRate, duplicateRate } = profile.errors;
      let noReads = 0;
      let garbled = 0;
      for (let attempts = 1; attempts <= maxAttempts; attempts++) {
        await sleepUntil(now() + drawDecodeMs(profile.timing.decode, rng));
        if (rng() < noReadRate) {
          noReads++;
          continue;
        }
        if (rng() < garbleRate) {
          garbled++;
          await send(garble(profile, frame, rng, essential), sink);
          continue;
        }
        const timing = await send(frame, sink);
        let duplicates = 0;
        if (rng() < duplicateRate) {
          duplicates = 1;
          await send(frame, sink);
        }
        return { ...timing, attempts, noReads, garbled, duplicates };
      }
      throw new GhostfleetError(
        ErrorCodes.ReaderMalformed,
        `${profile.name}: no good read after ${maxAttempts} presentations`,
      );
    },
  };
}
