/**
 * The part of node-hid 3.4 (`nodehid.d.ts`) the HID binding uses, so tests can pass an object of
 * the same shape: this machine has no HID device at OS level (no uhid/uinput, ENVIRONMENT.md).
 * node-hid is a native module and is imported lazily, only here and only when asked for
 * (STYLE.md item 2): a machine without it or without libusb still runs every virtual input.
 */
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';

/** node-hid's `Device` (what `devices()` lists). */
export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  serialNumber?: string | undefined;
  manufacturer?: string | undefined;
  product?: string | undefined;
  release?: number;
  interface?: number;
  usagePage?: number | undefined;
  usage?: number | undefined;
}

/**
 * An open device (node-hid `HIDAsync`): `'data'` gives one input report per event (a Buffer; for
 * numbered reports the report id is its first byte, as hidapi `hid_read` returns it), `'error'`
 * means reading failed — the device was unplugged.
 */
export interface HidDeviceLike {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  close(): unknown;
}

export interface NodeHidLike {
  HIDAsync: { open(path: string): Promise<HidDeviceLike> };
  devicesAsync?(): Promise<HidDeviceInfo[]>;
  devices?(): HidDeviceInfo[];
}

/** Imports node-hid; a missing module or native library is ReaderUnavailable with the fix. */
export async function loadNodeHid(): Promise<NodeHidLike> {
  try {
    // Typed against node-hid's own declarations: they must fit NodeHidLike (checked by tsc).
    // node-hid is CommonJS; Node exposes its exports as named exports of the namespace.
    const hid: NodeHidLike = await import('node-hid');
    return hid;
  } catch (err) {
    throw new GhostfleetError(
      ErrorCodes.ReaderUnavailable,
      `node-hid cannot be loaded (${(err as Error).message}): install the optional package ` +
        'node-hid 3.4 and the libusb runtime (apt-get install -y libusb-1.0-0)',
      { cause: err },
    );
  }
}
