/**
 * Finding a physical HID reader: node-hid's `devices()` list, trimmed to what a person needs to
 * name it in a fleet file, and which shipped profiles fit it by its top-level usage
 * (HID Usage Tables 1.4: page 0x8C Bar Code Scanner; page 0x01 usage 0x06 Keyboard).
 */
import type { HidDeviceInfo, NodeHidLike } from './node-hid-like.js';
import { loadNodeHid } from './node-hid-like.js';

export interface HidDeviceSummary {
  path: string;
  vendorId: number;
  productId: number;
  product: string;
  manufacturer: string;
  usagePage: number | undefined;
  usage: number | undefined;
}

export interface HidDeviceList {
  devices: HidDeviceSummary[];
  /** Why the list is empty because node-hid could not be used (undefined when it could). */
  reason?: string;
}

export async function listHidDevices(hidModule?: NodeHidLike): Promise<HidDeviceList> {
  let infos: HidDeviceInfo[];
  try {
    const hid = hidModule ?? (await loadNodeHid());
    if (hid.devicesAsync) infos = await hid.devicesAsync();
    else if (hid.devices) infos = hid.devices();
    else return { devices: [], reason: 'the HID module has no devices() function' };
  } catch (err) {
    return { devices: [], reason: (err as Error).message };
  }
  const devices: HidDeviceSummary[] = [];
  for (const d of infos) {
    if (d.path === undefined) continue; // cannot be opened by path
    devices.push({
      path: d.path,
      vendorId: d.vendorId,
      productId: d.productId,
      product: d.product ?? '',
      manufacturer: d.manufacturer ?? '',
      usagePage: d.usagePage,
      usage: d.usage,
    });
  }
  return { devices };
}

export interface ProfileSuggestion {
  profiles: string[];
  warning?: string;
}

export function suggestProfiles(
  device: Pick<HidDeviceSummary, 'usagePage' | 'usage'>,
): ProfileSuggestion {
  if (device.usagePage === 0x8c) return { profiles: ['hid-pos-qr'] };
  if (device.usagePage === 0x01 && device.usage === 0x06) {
    return {
      profiles: ['hid-keyboard-qr', 'nfc-keyboard-uid'],
      warning:
        'a keyboard-mode reader is owned by the OS and usually cannot be read through node-hid: ' +
        'switch it to HID POS mode (hid-pos-qr) if it has one',
    };
  }
  return { profiles: [] };
}
