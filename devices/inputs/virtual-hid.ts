/**
 * A virtual HID reader: the emulator's bytes are cut into the profile's input reports and each
 * is delivered as one chunk, asynchronously and in order, as node-hid's `'data'` event delivers
 * them from its read thread. There is no OS-level HID here (no uhid), so this is the whole
 * device; unlike the serialport mock there is no global port table: every binding is its own
 * device (no process-wide state, STYLE.md item 8).
 */
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { VirtualReaderBinding } from './binding.js';

export class VirtualHidBinding implements VirtualReaderBinding {
  readonly input = 'virtual-hid';
  readonly source = 'virtual' as const;
  private isOpen = false;
  /** Bumped on every close, so reports queued before it are never delivered after it. */
  private generation = 0;
  private readonly data: ((chunk: Buffer) => void)[] = [];

  constructor(
    readonly deviceId: string,
    private readonly reportSize: number,
  ) {}

  async open(): Promise<void> {
    this.isOpen = true;
  }

  async close(): Promise<void> {
    this.isOpen = false;
    this.generation++;
  }

  readerSide(chunk: Buffer): void {
    if (!this.isOpen) {
      throw new GhostfleetError(
        ErrorCodes.ReaderUnavailable,
        `virtual HID reader ${this.deviceId} is not open`,
      );
    }
    const generation = this.generation;
    for (let at = 0; at < chunk.length; at += this.reportSize) {
      const report = Buffer.from(chunk.subarray(at, at + this.reportSize));
      queueMicrotask(() => {
        if (generation !== this.generation) return;
        for (const cb of this.data) cb(report);
      });
    }
  }

  onData(cb: (chunk: Buffer) => void): void {
    this.data.push(cb);
  }

  /** A virtual device is never unplugged. */
  onClose(_cb: (err?: Error) => void): void {}
}
