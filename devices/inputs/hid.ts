/**
 * A real HID reader through node-hid (imported lazily in `open()`), opened by its path from
 * `listHidDevices()`. node-hid delivers one report per `'data'` event and signals an unplug with
 * `'error'`; the binding then reports the loss through onClose and the Reader re-opens it every
 * 500 ms, like a serial port.
 *
 * Keyboard-wedge readers: the OS owns keyboard-class devices (Windows opens them exclusively,
 * macOS needs the Input Monitoring permission, Linux hidraw needs read access to /dev/hidrawN and
 * the keystrokes also reach the console). ENVIRONMENT.md: real readers must be switched to their
 * HID-POS mode (profile hid-pos-qr). The keyboard decoder still works here, e.g. with a fake.
 */
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { HidProfile } from '../../firmware-profiles/schema.js';
import type { ReaderBinding } from './binding.js';
import { type HidDeviceLike, loadNodeHid, type NodeHidLike } from './node-hid-like.js';

export interface HidBindingOptions {
  /** The node-hid module, or an object shaped like it (tests); imported lazily when absent. */
  hid?: NodeHidLike;
}

export function keyboardModeHint(profile: HidProfile): string {
  return profile.hid.reportFormat === 'keyboard'
    ? ` — ${profile.name} is a keyboard wedge, and the OS owns keyboard devices (Windows opens ` +
        'them exclusively, macOS needs Input Monitoring, Linux needs read access to /dev/hidraw*): ' +
        'switch the reader to its HID POS mode (see its configuration guide) and use hid-pos-qr'
    : '';
}

export class HidBinding implements ReaderBinding {
  readonly input = 'hid';
  readonly source = 'physical' as const;
  private device: HidDeviceLike | undefined;
  private readonly data: ((chunk: Buffer) => void)[] = [];
  private readonly closed: ((err?: Error) => void)[] = [];

  constructor(
    readonly path: string,
    private readonly profile: HidProfile,
    private readonly opts: HidBindingOptions = {},
  ) {}

  async open(): Promise<void> {
    if (this.device) return;
    const hid = this.opts.hid ?? (await loadNodeHid());
    let device: HidDeviceLike;
    try {
      device = await hid.HIDAsync.open(this.path);
    } catch (err) {
      throw new GhostfleetError(
        ErrorCodes.ReaderUnavailable,
        `cannot open HID reader ${this.path}: ${(err as Error).message}${keyboardModeHint(this.profile)}`,
        { cause: err },
      );
    }
    this.device = device;
    device.on('data', (report: Buffer | Uint8Array | number[]) => {
      if (this.device !== device) return;
      const chunk = Buffer.isBuffer(report) ? report : Buffer.from(report);
      for (const cb of this.data) cb(chunk);
    });
    device.on('error', (err: Error) => {
      if (this.device !== device) return; // closed by us, or already reported
      this.device = undefined;
      void closeQuietly(device);
      for (const cb of this.closed) cb(err);
    });
  }

  async close(): Promise<void> {
    const device = this.device;
    this.device = undefined;
    if (device) await closeQuietly(device);
  }

  onData(cb: (chunk: Buffer) => void): void {
    this.data.push(cb);
  }

  onClose(cb: (err?: Error) => void): void {
    this.closed.push(cb);
  }
}

/** A device that failed may throw on close too: it is gone either way. */
async function closeQuietly(device: HidDeviceLike): Promise<void> {
  try {
    await device.close();
  } catch {
    // already closed by the unplug
  }
}
