import { describe, expect, it } from 'vitest';
import { ExitCodes } from '../../contract/exit-codes.js';
import type { HidDeviceInfo, NodeHidLike } from '../../devices/inputs/node-hid-like.js';
import { main } from '../program.js';
import { type HidListing, listHidReaders } from './hid-adapter.js';
import { normalizeUsbId, type SerialPortInfo, suggestSerialProfiles } from './reader-suggest.js';
import type { ReaderListers, ReadersReport } from './readers.js';
import { captureIo } from './test-support.js';

const fake = (serial: SerialPortInfo[] | Error, hid: HidListing | Error): ReaderListers => ({
  listSerial: async () => {
    if (serial instanceof Error) throw serial;
    return serial;
  },
  listHid: async () => {
    if (hid instanceof Error) throw hid;
    return hid;
  },
});

describe('suggestSerialProfiles', () => {
  it('knows the scanner vendors by USB id, in any spelling', () => {
    for (const vendorId of ['0c2e', '0C2E', '0x0c2e', '5e0', '05f9', '1eab']) {
      expect(suggestSerialProfiles({ path: '/dev/ttyUSB3', vendorId }).profiles).toEqual([
        'usb-cdc-qr',
      ]);
    }
    expect(suggestSerialProfiles({ path: '/dev/ttyACM0', vendorId: '0c2e' }).reason).toContain(
      'Honeywell',
    );
  });

  it('falls back to the kind of port', () => {
    expect(suggestSerialProfiles({ path: '/dev/ttyACM1' }).profiles).toEqual(['usb-cdc-qr']);
    for (const path of ['/dev/ttyUSB0', '/dev/ttyS0']) {
      expect(suggestSerialProfiles({ path }).profiles).toEqual(['rs232-aim-qr', 'pn532-uart']);
    }
    expect(suggestSerialProfiles({ path: '/dev/ttyUSB0', vendorId: '0403' }).reason).toContain(
      'FTDI',
    );
    expect(suggestSerialProfiles({ path: '/dev/weird' }).profiles).toEqual([]);
  });

  it('normalizes USB ids', () => {
    expect(normalizeUsbId('0X1EAB')).toBe('1eab');
    expect(normalizeUsbId('')).toBeUndefined();
    expect(normalizeUsbId(undefined)).toBeUndefined();
  });
});

describe('ghostfleet readers', () => {
  const ports: SerialPortInfo[] = [
    { path: '/dev/ttyACM0', vendorId: '0c2e', productId: '0b61', manufacturer: 'Honeywell' },
    { path: '/dev/ttyUSB0', vendorId: '1a86', productId: '7523' },
  ];
  const hid: HidListing = {
    devices: [
      {
        path: '/dev/hidraw2',
        vendorId: 0x0c2e,
        productId: 0x0b87,
        manufacturer: 'Honeywell',
        product: 'Voyager 1450g',
        suggested: ['hid-pos-qr'],
      },
    ],
  };

  it('lists serial ports and HID devices with suggested profiles', async () => {
    const io = captureIo();
    expect(await main(['readers'], io, { readers: fake(ports, hid) })).toBe(ExitCodes.Ok);
    const out = io.stdout();
    expect(out).toMatch(/\/dev\/ttyACM0\s+0c2e:0b61\s+Honeywell\s+usb-cdc-qr\s/);
    expect(out).toMatch(/\/dev\/ttyUSB0\s+1a86:7523\s+-\s+rs232-aim-qr, pn532-uart\s+WCH CH340/);
    expect(out).toMatch(/\/dev\/hidraw2\s+0c2e:0b87\s+Honeywell Voyager 1450g\s+hid-pos-qr/);
    expect(out).toContain('--device door-2=serial:/dev/ttyACM0,profile=usb-cdc-qr');
    expect(out).not.toContain('no readers found');
  });

  it('--json gives the same facts to machines', async () => {
    const io = captureIo();
    await main(['readers', '--json'], io, { readers: fake(ports, hid) });
    const r = JSON.parse(io.stdout()) as ReadersReport;
    expect(r.serial.ports.map((p) => [p.path, p.suggested])).toEqual([
      ['/dev/ttyACM0', ['usb-cdc-qr']],
      ['/dev/ttyUSB0', ['rs232-aim-qr', 'pn532-uart']],
    ]);
    expect(r.hid.devices[0]?.suggested).toEqual(['hid-pos-qr']);
    expect(r.serial.unavailable).toBeUndefined();
  });

  it('nothing attached: says so and how to bind one', async () => {
    const io = captureIo();
    expect(await main(['readers'], io, { readers: fake([], { devices: [] }) })).toBe(ExitCodes.Ok);
    expect(io.stdout()).toContain('no readers found');
    expect(io.stdout()).toContain('--device door-2=serial:/dev/ttyACM0,profile=usb-cdc-qr');
  });

  it('a failing serial listing (no udevadm) is reported and HID still listed', async () => {
    const io = captureIo();
    const err = new Error('spawn udevadm ENOENT');
    expect(await main(['readers'], io, { readers: fake(err, hid) })).toBe(ExitCodes.Ok);
    expect(io.stdout()).toContain('cannot list serial ports: spawn udevadm ENOENT');
    expect(io.stdout()).toContain('apt-get install -y udev');
    expect(io.stdout()).toContain('/dev/hidraw2');
  });

  it('a failing HID listing is reported and serial still listed', async () => {
    const io = captureIo();
    await main(['readers', '--json'], io, {
      readers: fake(ports, new Error('libusb-1.0.so.0: cannot open shared object file')),
    });
    const r = JSON.parse(io.stdout()) as ReadersReport;
    expect(r.hid.unavailable).toContain('libusb');
    expect(r.serial.ports).toHaveLength(2);
  });

  it('runs against the real machine without failing', async () => {
    const io = captureIo();
    expect(await main(['readers', '--json'], io)).toBe(ExitCodes.Ok);
    const r = JSON.parse(io.stdout()) as ReadersReport;
    expect(Array.isArray(r.serial.ports)).toBe(true);
    expect(Array.isArray(r.hid.devices)).toBe(true);
  });

  it('--help explains with an example', async () => {
    const io = captureIo();
    expect(await main(['readers', '--help'], io)).toBe(ExitCodes.Ok);
    expect(io.stdout()).toContain('Example');
    expect(io.stdout()).toContain('--device door-2=serial:');
  });
});

/** An object of node-hid's shape: this machine has no HID device at OS level (ENVIRONMENT.md). */
function fakeNodeHid(devices: HidDeviceInfo[]): NodeHidLike {
  return {
    HIDAsync: {
      open: async () => {
        throw new Error('not used');
      },
    },
    devicesAsync: async () => devices,
  };
}

describe('listHidReaders (node-hid adapter)', () => {
  const devices: HidDeviceInfo[] = [
    {
      path: '/dev/hidraw0',
      vendorId: 0x046d,
      productId: 0xc077,
      product: 'USB Mouse',
      usagePage: 1,
      usage: 2,
    },
    {
      path: '/dev/hidraw1',
      vendorId: 0x05e0,
      productId: 0x1300,
      product: 'DS2208',
      usagePage: 0x8c,
      usage: 2,
    },
    {
      path: '/dev/hidraw2',
      vendorId: 0x1eab,
      productId: 0x0d10,
      product: 'NLS',
      usagePage: 1,
      usage: 6,
    },
  ];

  it("keeps the devices a reader profile fits, with the HID side's suggestions", async () => {
    const r = await listHidReaders(fakeNodeHid(devices));
    expect(r.devices.map((d) => [d.path, d.suggested])).toEqual([
      ['/dev/hidraw1', ['hid-pos-qr']],
      ['/dev/hidraw2', ['hid-keyboard-qr', 'nfc-keyboard-uid']],
    ]);
    expect(r.devices[1]?.warning).toContain('keyboard');
    expect(r.others).toBe(1);
  });

  it('shows them in `ghostfleet readers`, with the keyboard caveat once', async () => {
    const io = captureIo();
    await main(['readers'], io, {
      readers: { listSerial: async () => [], listHid: () => listHidReaders(fakeNodeHid(devices)) },
    });
    expect(io.stdout()).toMatch(/\/dev\/hidraw1\s+05e0:1300\s+DS2208\s+hid-pos-qr/);
    expect(io.stdout().match(/note: .*keyboard/g)).toHaveLength(1);
    expect(io.stdout()).toContain('1 other HID devices fit no reader profile');
    expect(io.stdout()).not.toContain('no readers found');
  });

  it('says why when node-hid cannot list', async () => {
    const broken: NodeHidLike = {
      HIDAsync: fakeNodeHid([]).HIDAsync,
      devicesAsync: async () => {
        throw new Error('libusb-1.0.so.0: cannot open shared object file');
      },
    };
    const r = await listHidReaders(broken);
    expect(r.devices).toEqual([]);
    expect(r.unavailable).toContain('libusb');
  });
});
