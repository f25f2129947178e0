/**
 * The reader the device runtime uses: a binding's bytes → the profile's decoder → credentials,
 * with byte-accurate timestamps, host-side duplicate suppression ("same code delay"), and — for a
 * physical reader — automatic re-opening after an unplug. Virtual readers add `present()`, which
 * drives the emulator into the very same path a physical reader's bytes take.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { epochNow } from '../../contract/clock.js';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { requireTransport } from '../../firmware-profiles/load.js';
import type { FirmwareProfile } from '../../firmware-profiles/schema.js';
import { createEmulator, type Emulator } from '../emulator/emulator.js';
import {
  type Credential,
  credentialKey,
  frameToCredential,
  readableCredential,
} from '../framing/credential.js';
import type { FrameDecoder } from '../framing/decoder.js';

import type { DecodedFrame } from '../framing/frame.js';
import { createDecoder } from '../framing/index.js';
import { isVirtualBinding, type ReaderBinding, type ReaderSource } from './binding.js';
import { HidBinding } from './hid.js';
import type {
  Reader,
  ReaderCounts,
  ReaderFrame,
  ReaderOptions,
  ReaderSpec,
} from './reader-types.js';
import { SerialBinding } from './serial.js';

import { VirtualHidBinding } from './virtual-hid.js';
import { VirtualSerialBinding } from './virtual-serial.js';

export type * from './reader-types.js';

/** How many bytes of input a reader keeps to show with a malformed frame. */
export const RECENT_BYTES = 64;

/** A partial frame idle this long is malformed (see BindingReader.armIdle). */
export const FRAME_IDLE_MS = 1000;

class BindingReader extends EventEmitter implements Reader {
  readonly counts: ReaderCounts = { ok: 0, malformed: 0, duplicate: 0, noread: 0 };
  readonly present?: (credential: Credential) => Promise<ReaderFrame>;
  private readonly decoder: FrameDecoder;
  private idleTimer: NodeJS.Timeout | undefined;
  private lastChunkAt = 0;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Arrival time of the first byte of the frame in progress. */
  private frameStart: number | undefined;
  /** Bytes since the last frame or malformed input ended (bounded). */
  private recent: Buffer = Buffer.alloc(0);
  private last: { key: string; at: number } | undefined;
  private started: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly binding: ReaderBinding,
    readonly profile: FirmwareProfile,
    private readonly opts: ReaderOptions,
  ) {
    super();
    this.now = opts.now ?? epochNow;
    this.sleep = opts.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
    this.decoder = createDecoder(profile);
    // The readable side is drained so it never back-pressures; frames are taken from the
    // synchronous 'frame' event, while the chunk that completed them is being handled.
    this.decoder.resume();
    this.decoder.on('frame', (f: DecodedFrame) => this.onDecoded(f));
    this.decoder.on('malformed', (reason: string, bytes?: Buffer) =>
      this.onMalformed(reason, bytes),
    );
    binding.onData((chunk) => this.onChunk(chunk));
    binding.onClose((err) => void this.onLost(err));
    if (isVirtualBinding(binding)) {
      const emulator = createEmulator(profile, {
        ...(opts.rng ? { rng: opts.rng } : {}),
        now: this.now,
        sleep: this.sleep,
      });
      this.present = (credential) =>
        this.presentVia(emulator, binding.readerSide.bind(binding), credential);
    }
  }

  get input(): string {
    return this.binding.input;
  }

  get source(): ReaderSource {
    return this.binding.source;
  }

  start(): Promise<void> {
    this.started ??= this.binding.open().catch((err: unknown) => {
      this.started = undefined; // a failed start may be retried
      throw err;
    });
    return this.started;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.binding.close();
    this.decoder.end();
  }

  /**
   * No reader pauses a second inside a frame (USB-CDC sends it at once, 9600 baud is a byte a
   * millisecond, HID reports come every few ms): a partial frame idle that long never ends.
   * Checked after pending input is read (setImmediate), so a stalled event loop is not a pause.
   */
  private armIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      setImmediate(() => {
        if (this.closed || this.now() - this.lastChunkAt < FRAME_IDLE_MS) return;
        this.frameStart = undefined;
        this.decoder.idle(`no end of frame within ${FRAME_IDLE_MS} ms of its last byte`);
      });
    }, FRAME_IDLE_MS);
    this.idleTimer.unref();
  }

  private onChunk(chunk: Buffer): void {
    const t = this.now();
    this.lastChunkAt = t;
    this.armIdle();
    this.frameStart ??= t;
    const kept = Buffer.concat([this.recent, chunk]);
    this.recent = kept.length > RECENT_BYTES ? kept.subarray(kept.length - RECENT_BYTES) : kept;
    this.decoder.write(chunk);
    if (this.decoder.buffered === 0) this.frameStart = undefined;
    else this.frameStart ??= t;
  }

  private onDecoded(decoded: DecodedFrame): void {
    const completeAt = this.now();
    const firstByteAt = this.frameStart ?? completeAt;
    this.frameStart = undefined;
    const mapped = frameToCredential(this.profile, decoded);
    if (!mapped.ok) {
      this.onMalformed(mapped.reason);
      return;
    }
    this.recent = Buffer.alloc(0);
    const key = credentialKey(mapped.credential);
    // Same code within the profile's window after the accepted read: the reader saw it again,
    // the patron did not re-present. The window is fixed (not sliding), so a patron who really
    // presents again after sameCodeDelayMs is served.
    if (
      this.last &&
      this.last.key === key &&
      completeAt - this.last.at < this.profile.timing.sameCodeDelayMs
    ) {
      this.counts.duplicate++;
      return;
    }
    this.last = { key, at: completeAt };
    this.counts.ok++;
    this.emit('frame', {
      credential: mapped.credential,
      firstByteAt,
      completeAt,
    } satisfies ReaderFrame);
  }

  private onMalformed(reason: string, bytes?: Buffer): void {
    this.frameStart = undefined;
    this.counts.malformed++;
    const shown = bytes ?? this.recent;
    this.recent = Buffer.alloc(0);
    this.emit('malformed', reason, Buffer.from(shown));
  }

  /** A physical port went away: report it, then retry opening until it is back. */
  private async onLost(err?: Error): Promise<void> {
    if (this.closed) return;
    this.frameStart = undefined;
    // A frame cut by the unplug can never complete: drop it so it cannot spoil the next one.
    this.decoder.interrupt();
    this.emit('disconnected', err ?? new Error('reader closed'));
    const every = this.opts.reconnectMs ?? 500;
    while (!this.closed) {
      await this.sleep(every);
      if (this.closed) return;
      try {
        await this.binding.open();
      } catch {
        continue;
      }
      if (this.closed) {
        await this.binding.close();
        return;
      }
      this.emit('reconnected');
      return;
    }
  }

  private async presentVia(
    emulator: Emulator,
    sink: (chunk: Buffer) => void,
    credential: Credential,
  ): Promise<ReaderFrame> {
    // What this reader model reports for it (an NFC wedge types only 4 of 7 UID bytes).
    const key = credentialKey(readableCredential(this.profile, credential));
    const maxPresents = this.opts.maxPresents ?? 5;
    for (let i = 0; i < maxPresents; i++) {
      let resolveFrame: (f: ReaderFrame) => void = () => undefined;
      const got = new Promise<ReaderFrame>((resolve) => {
        resolveFrame = resolve;
      });
      const listener = (f: ReaderFrame) => {
        if (credentialKey(f.credential) === key) resolveFrame(f);
      };
      this.on('frame', listener);
      try {
        const result = await emulator.present(credential, sink);
        this.counts.noread += result.noReads;
        const settled = await Promise.race([
          got,
          this.sleep(this.opts.settleMs ?? 250).then(() => undefined),
        ]);
        if (settled) return settled;
      } finally {
        this.off('frame', listener);
      }
      // Not decoded (suppressed as a duplicate of a moment ago, or lost): present again.
    }
    throw new GhostfleetError(
      ErrorCodes.ReaderMalformed,
      `${this.binding.input} reader (${this.profile.name}): no frame after ${maxPresents} presentations`,
    );
  }
}

/** Wraps any binding (used directly by tests and by the HID side later). */
export function createReader(
  binding: ReaderBinding,
  profile: FirmwareProfile,
  opts: ReaderOptions = {},
): Reader {
  return new BindingReader(binding, profile, opts);
}

function bindingFor(
  spec: ReaderSpec,
  profile: FirmwareProfile,
  opts: ReaderOptions,
): ReaderBinding {
  const what = `input ${spec.input}`;
  switch (spec.input) {
    case 'virtual-serial':
      return new VirtualSerialBinding(
        spec.deviceId,
        requireTransport(profile, 'serial', what).serial,
      );
    case 'serial':
      return new SerialBinding(spec.path, requireTransport(profile, 'serial', what).serial);
    case 'virtual-hid':
      return new VirtualHidBinding(
        spec.deviceId,
        requireTransport(profile, 'hid', what).hid.reportSize,
      );
    case 'hid':
      return new HidBinding(
        spec.path,
        requireTransport(profile, 'hid', what),
        opts.hid ? { hid: opts.hid } : {},
      );
  }
}

/** Builds the binding a spec names and opens it; rejects with BadConfig or ReaderUnavailable. */
export async function openReader(
  spec: ReaderSpec,
  profile: FirmwareProfile,
  opts: ReaderOptions = {},
): Promise<Reader> {
  const reader = createReader(bindingFor(spec, profile, opts), profile, opts);
  await reader.start();
  return reader;
}
