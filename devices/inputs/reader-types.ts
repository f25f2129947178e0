/** The reader's public shapes (reader.ts implements them; split out to keep that file small). */
import type { EventEmitter } from 'node:events';
import type { FirmwareProfile } from '../../firmware-profiles/schema.js';
import type { Credential } from '../framing/credential.js';
import type { ReaderSource } from './binding.js';
import type { NodeHidLike } from './node-hid-like.js';

export interface ReaderFrame {
  credential: Credential;
  /** When the frame's first byte arrived from the binding (epoch ms). */
  firstByteAt: number;
  /** When its last byte arrived: the frame was complete. */
  completeAt: number;
}

export interface ReaderCounts {
  ok: number;
  malformed: number;
  duplicate: number;
  noread: number;
}

/**
 * Events: 'frame'(ReaderFrame) 'malformed'(reason, bytes: Buffer) 'disconnected'(err) 'reconnected'().
 * A malformed frame's bytes are the decoder's (a line decoder knows the line), else the bytes that
 * arrived since the last frame ended (at most `RECENT_BYTES`): what a person needs to see to fix a
 * reader's prefix/suffix.
 */
export interface Reader extends EventEmitter {
  readonly input: string;
  readonly source: ReaderSource;
  readonly profile: FirmwareProfile;
  readonly counts: Readonly<ReaderCounts>;
  /** Opens the binding; idempotent. */
  start(): Promise<void>;
  /**
   * Virtual inputs only: a patron presents the credential; resolves with the decoded frame (the
   * same one emitted as 'frame'), re-presenting after a no-read or malformed frame.
   */
  present?(credential: Credential): Promise<ReaderFrame>;
  close(): Promise<void>;
}

export interface ReaderOptions {
  rng?: () => number;
  /** Epoch ms; defaults to a sub-millisecond clock. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** How often a lost physical port is retried (default 500 ms). */
  reconnectMs?: number;
  /** How long present() waits for the decoded frame after the last byte (default 250 ms). */
  settleMs?: number;
  /** Presentations present() makes before giving up (default 5). */
  maxPresents?: number;
  /** `hid` input only: the node-hid module or an object shaped like it (default: import it). */
  hid?: NodeHidLike;
}

export type ReaderSpec =
  | { input: 'virtual-serial'; deviceId: string }
  | { input: 'serial'; path: string }
  | { input: 'virtual-hid'; deviceId: string }
  | { input: 'hid'; path: string };
