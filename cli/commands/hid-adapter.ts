/**
 * The HID half of `ghostfleet readers`: node-hid's device list (devices/inputs/hid-devices.ts),
 * narrowed to the devices a reader profile fits — a bar-code scanner usage page (0x8C) or a
 * keyboard — so mice and headsets do not bury the reader. node-hid is optional and native: when it
 * cannot load, the listing says why instead of failing (STYLE.md item 2).
 */
import { listHidDevices, suggestProfiles } from '../../devices/inputs/hid-devices.js';
import type { NodeHidLike } from '../../devices/inputs/node-hid-like.js';

export interface HidReaderInfo {
  path: string;
  vendorId: number;
  productId: number;
  manufacturer?: string | undefined;
  product?: string | undefined;
  usagePage?: number | undefined;
  usage?: number | undefined;
  /** Firmware profiles that fit this device (devices/inputs suggestProfiles()). */
  suggested: string[];
  /** A caveat about using it (keyboard-mode readers are owned by the OS). */
  warning?: string | undefined;
}

export interface HidListing {
  devices: HidReaderInfo[];
  /** HID devices present that no reader profile fits (mice, headsets, ...). */
  others?: number;
  /** Set when HID devices could not be listed at all (no node-hid, no libusb, ...). */
  unavailable?: string;
}

/** `hidModule` replaces node-hid (tests: an object of node-hid's shape). */
export async function listHidReaders(hidModule?: NodeHidLike): Promise<HidListing> {
  const list = await listHidDevices(hidModule);
  if (list.reason !== undefined) {
    return { devices: [], unavailable: `cannot list HID devices: ${list.reason}` };
  }
  const all = list.devices.map((d): HidReaderInfo => {
    const s = suggestProfiles(d);
    return { ...d, suggested: s.profiles, ...(s.warning ? { warning: s.warning } : {}) };
  });
  const devices = all.filter((d) => d.suggested.length > 0);
  return { devices, others: all.length - devices.length };
}
