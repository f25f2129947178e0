/**
 * The HID half of `ghostfleet readers`, behind a small adapter so the command does not depend on
 * how devices/inputs/ enumerates HID devices (node-hid is optional and native: STYLE.md item 2).
 */

export interface HidReaderInfo {
  path: string;
  vendorId: number;
  productId: number;
  manufacturer?: string | undefined;
  product?: string | undefined;
  usagePage?: number | undefined;
  usage?: number | undefined;
  /** Firmware profiles that fit this device (from the HID side's suggestProfiles()). */
  suggested: string[];
}

export interface HidListing {
  devices: HidReaderInfo[];
  /** Set when HID devices could not be listed at all (no node-hid, no libusb, ...). */
  unavailable?: string;
}

/** Placeholder until devices/inputs/hid.ts lands: HID listing is reported as not built yet. */
export async function listHidReaders(): Promise<HidListing> {
  return { devices: [], unavailable: 'HID support is not built into this version yet' };
}
