/**
 * Test-only: an object shaped like the node-hid module (`NodeHidLike`), standing in for a
 * physical HID reader — this machine has no OS-level HID (no uhid/uinput). Like node-hid, an
 * open device emits one `'data'` Buffer per report (asynchronously) and `'error'` when the
 * device goes away; opening an absent path rejects like hidapi's "could not open device".
 */
import { EventEmitter } from 'node:events';
import type { HidDeviceInfo, HidDeviceLike, NodeHidLike } from './node-hid-like.js';

class FakeHidDevice extends EventEmitter implements HidDeviceLike {
  closed = false;
  async close(): Promise<void> {
    this.closed = true;
    this.removeAllListeners();
  }
}

interface FakeEntry {
  info: HidDeviceInfo & { path: string };
  present: boolean;
  /** Open refused even while present (a keyboard the OS owns). */
  refuse?: string;
  open: FakeHidDevice[];
}

export class FakeNodeHid implements NodeHidLike {
  private readonly entries = new Map<string, FakeEntry>();
  readonly HIDAsync = {
    open: async (path: string): Promise<HidDeviceLike> => {
      const e = this.entries.get(path);
      if (!e?.present) throw new Error(`could not open device: ${path}`);
      if (e.refuse !== undefined) throw new Error(e.refuse);
      const d = new FakeHidDevice();
      e.open.push(d);
      return d;
    },
  };

  add(info: HidDeviceInfo & { path: string }, refuse?: string): void {
    this.entries.set(info.path, {
      info,
      present: true,
      open: [],
      ...(refuse === undefined ? {} : { refuse }),
    });
  }

  async devicesAsync(): Promise<HidDeviceInfo[]> {
    return [...this.entries.values()].filter((e) => e.present).map((e) => e.info);
  }

  /** Reports from the device, one 'data' event per report, in order. */
  emitReports(path: string, bytes: Buffer, reportSize: number): void {
    const e = this.entries.get(path);
    for (const d of e?.open ?? []) {
      if (d.closed) continue;
      for (let at = 0; at < bytes.length; at += reportSize) {
        const report = Buffer.from(bytes.subarray(at, at + reportSize));
        queueMicrotask(() => {
          if (!d.closed) d.emit('data', report);
        });
      }
    }
  }

  /** Pulls the cable: open handles emit 'error' (as node-hid's failed read does); opens fail. */
  unplug(path: string): void {
    const e = this.entries.get(path);
    if (!e) return;
    e.present = false;
    for (const d of e.open.splice(0)) {
      if (!d.closed) d.emit('error', new Error('could not read from HID device'));
    }
  }

  replug(path: string): void {
    const e = this.entries.get(path);
    if (e) e.present = true;
  }

  openCount(path: string): number {
    return this.entries.get(path)?.open.filter((d) => !d.closed).length ?? 0;
  }
}
