/**
 * Which firmware profile a serial port probably needs, from its USB vendor id or, failing that,
 * from the kind of tty. Only a suggestion: the reader's own configuration (its "USB Serial
 * Emulation" / RS-232 / AIM id settings) decides, and the user names the profile.
 */

/** USB vendor ids (usb.ids) of barcode/QR scanner makers whose readers offer a USB-CDC mode. */
export const SCANNER_VENDORS: Readonly<Record<string, string>> = {
  '0c2e': 'Honeywell (Metrologic)',
  '05e0': 'Zebra (Symbol)',
  '05f9': 'Datalogic',
  '1eab': 'Newland',
};

/**
 * USB-to-UART bridge chips (usb.ids): behind one sits an RS-232 scanner or a PN532 breakout.
 * FTDI 0403, Prolific 067b, Silicon Labs CP210x 10c4, WCH CH340 1a86.
 */
export const UART_BRIDGES: Readonly<Record<string, string>> = {
  '0403': 'FTDI',
  '067b': 'Prolific',
  '10c4': 'Silicon Labs CP210x',
  '1a86': 'WCH CH340',
};

/** What `SerialPort.list()` reports for one port (serialport's PortInfo; ids are hex strings). */
export interface SerialPortInfo {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  pnpId?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

/** `0C2E`, `0x0c2e` → `0c2e`; undefined stays undefined. */
export function normalizeUsbId(id: string | undefined): string | undefined {
  if (id === undefined || id === '') return undefined;
  return id.toLowerCase().replace(/^0x/, '').padStart(4, '0');
}

export interface SerialSuggestion {
  profiles: string[];
  /** Why these profiles (vendor name or tty kind). */
  reason: string;
}

export function suggestSerialProfiles(port: SerialPortInfo): SerialSuggestion {
  const vendor = normalizeUsbId(port.vendorId);
  const scanner = vendor === undefined ? undefined : SCANNER_VENDORS[vendor];
  if (scanner !== undefined) {
    return { profiles: ['usb-cdc-qr'], reason: `${scanner} scanner in USB-CDC mode` };
  }
  const bridge = vendor === undefined ? undefined : UART_BRIDGES[vendor];
  if (bridge !== undefined) {
    return {
      profiles: ['rs232-aim-qr', 'pn532-uart'],
      reason: `${bridge} USB-UART bridge: an RS-232 scanner or a PN532 module`,
    };
  }
  const name = port.path.split('/').at(-1) ?? port.path;
  // Linux names CDC ACM devices ttyACM*, USB-serial adapters ttyUSB*, on-board UARTs ttyS*
  // (drivers/usb/class/cdc-acm.c, drivers/usb/serial, drivers/tty/serial).
  if (/^ttyACM\d+$/.test(name) || /^cu\.usbmodem/.test(name)) {
    return { profiles: ['usb-cdc-qr'], reason: 'USB-CDC (ACM) port' };
  }
  if (/^tty(USB|S|AMA)\d+$/.test(name) || /^cu\.usbserial/.test(name) || /^COM\d+$/.test(name)) {
    return {
      profiles: ['rs232-aim-qr', 'pn532-uart'],
      reason: 'UART port: an RS-232 scanner or a PN532 module',
    };
  }
  return { profiles: [], reason: 'unknown port kind' };
}
