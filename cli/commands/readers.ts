/**
 * `ghostfleet readers`: the serial ports and HID devices attached to this machine, each with the
 * firmware profiles that probably fit, so a hardware person can bind one into a mixed run.
 * The listing functions are injected: a test passes fake lists (no hardware on CI machines).
 */
import { ExitCodes } from '../../contract/exit-codes.js';
import { listSerialPorts } from '../../devices/inputs/native-serial.js';
import type { CliIo } from '../io.js';
import { type HidListing, listHidReaders } from './hid-adapter.js';
import { normalizeUsbId, type SerialPortInfo, suggestSerialProfiles } from './reader-suggest.js';
import { formatTable } from './table.js';

export interface ReaderListers {
  listSerial(): Promise<SerialPortInfo[]>;
  listHid(): Promise<HidListing>;
}

export const defaultReaderListers: ReaderListers = {
  listSerial: listSerialPorts,
  listHid: () => listHidReaders(),
};

export interface SerialReaderRow extends SerialPortInfo {
  suggested: string[];
  reason: string;
}

export interface ReadersReport {
  serial: { ports: SerialReaderRow[]; unavailable?: string };
  hid: HidListing;
}

export const BIND_HINT =
  'bind it to a device in a run: --device door-2=serial:/dev/ttyACM0,profile=usb-cdc-qr';

export async function collectReaders(listers: ReaderListers): Promise<ReadersReport> {
  const serial: ReadersReport['serial'] = { ports: [] };
  try {
    const ports = await listers.listSerial();
    serial.ports = ports.map((p) => {
      const s = suggestSerialProfiles(p);
      return { ...p, suggested: s.profiles, reason: s.reason };
    });
  } catch (err) {
    serial.unavailable =
      `cannot list serial ports: ${(err as Error).message} ` +
      '(on Linux SerialPort.list() needs udevadm: apt-get install -y udev)';
  }
  let hid: HidListing;
  try {
    hid = await listers.listHid();
  } catch (err) {
    hid = { devices: [], unavailable: `cannot list HID devices: ${(err as Error).message}` };
  }
  return { serial, hid };
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

function formatHuman(r: ReadersReport): string {
  let text = '';
  if (r.serial.unavailable) text += `serial: ${r.serial.unavailable}\n`;
  if (r.serial.ports.length > 0) {
    text += 'Serial ports\n';
    text += formatTable(
      ['PATH', 'USB ID', 'MANUFACTURER', 'SUGGESTED PROFILES', 'WHY'],
      r.serial.ports.map((p) => {
        const v = normalizeUsbId(p.vendorId);
        const pid = normalizeUsbId(p.productId);
        return [
          p.path,
          v ? `${v}:${pid ?? '????'}` : '-',
          p.manufacturer ?? '-',
          p.suggested.join(', ') || '-',
          p.reason,
        ];
      }),
    );
  }
  if (r.hid.unavailable) text += `hid: ${r.hid.unavailable}\n`;
  if (r.hid.devices.length > 0) {
    text += 'HID devices\n';
    text += formatTable(
      ['PATH', 'USB ID', 'PRODUCT', 'SUGGESTED PROFILES'],
      r.hid.devices.map((d) => [
        d.path,
        `${hex4(d.vendorId)}:${hex4(d.productId)}`,
        [d.manufacturer, d.product].filter(Boolean).join(' ') || '-',
        d.suggested.join(', ') || '-',
      ]),
    );
    for (const w of new Set(r.hid.devices.map((d) => d.warning).filter(Boolean))) {
      text += `note: ${w}\n`;
    }
  }
  if (r.hid.others) text += `(${r.hid.others} other HID devices fit no reader profile)\n`;
  if (r.serial.ports.length === 0 && r.hid.devices.length === 0) {
    text += 'no readers found.\n';
    text += `Plug a QR/NFC reader in (serial, USB-CDC or HID-POS mode), run this again, then ${BIND_HINT}\n`;
  } else {
    text += `\nTo use one, ${BIND_HINT}\n`;
  }
  return text;
}

export async function readersCommand(
  flags: { json?: boolean },
  io: CliIo,
  listers: ReaderListers = defaultReaderListers,
): Promise<number> {
  const report = await collectReaders(listers);
  io.out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatHuman(report));
  return ExitCodes.Ok;
}
