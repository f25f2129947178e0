/**
 * When each byte of a frame reaches the host. A pty (and the serialport mock) deliver bytes
 * instantly, so pacing is the emulator's job:
 * - UART: one character takes (start + data + parity + stop) bits / baud; 8N1 = 10 bits
 *   (≈1.04 ms per byte at 9600 baud). Bytes are handed over per 1 ms timer tick (what a
 *   timer can resolve), each tick carrying the bytes fully on the wire by then.
 * - USB-CDC: the device's bulk IN packets (at most 64 bytes at full speed, USB 2.0 §5.8.3) are
 *   polled once per frame (`usbFrameMs`, 1 ms at full speed): one packet per frame.
 * - USB HID: the interrupt IN endpoint is polled once per bInterval (`hid.pollIntervalMs`, USB
 *   2.0 §9.6.6) and hands over one report per poll, so a frame of n reports takes n intervals.
 */
import type { FirmwareProfile, SerialSettings } from '../../firmware-profiles/schema.js';

export const TIMER_TICK_MS = 1;
export const USB_FULL_SPEED_PACKET = 64;

export interface WireChunk {
  /** Bytes [previous end, end) are handed over at start + atMs. */
  end: number;
  atMs: number;
}

export function bitsPerCharacter(s: SerialSettings): number {
  return 1 + s.dataBits + (s.parity === 'none' ? 0 : 1) + s.stopBits;
}

export function wirePlan(profile: FirmwareProfile, length: number): WireChunk[] {
  const plan: WireChunk[] = [];
  if (profile.transport === 'hid') {
    const { reportSize, pollIntervalMs } = profile.hid;
    for (let k = 0; k * reportSize < length; k++) {
      plan.push({ end: Math.min(length, (k + 1) * reportSize), atMs: (k + 1) * pollIntervalMs });
    }
    return plan;
  }
  const usbFrameMs = profile.timing.usbFrameMs;
  if (usbFrameMs !== undefined) {
    for (let k = 0; k * USB_FULL_SPEED_PACKET < length; k++) {
      plan.push({
        end: Math.min(length, (k + 1) * USB_FULL_SPEED_PACKET),
        atMs: (k + 1) * usbFrameMs,
      });
    }
    return plan;
  }
  const byteMs = (bitsPerCharacter(profile.serial) * 1000) / profile.serial.baudRate;
  const total = length * byteMs;
  for (let i = 0; i < length; i++) {
    const done = (i + 1) * byteMs;
    const at =
      byteMs >= TIMER_TICK_MS
        ? done
        : Math.min(total, Math.ceil(done / TIMER_TICK_MS - 1e-9) * TIMER_TICK_MS);
    const last = plan.at(-1);
    if (last !== undefined && last.atMs === at) last.end = i + 1;
    else plan.push({ end: i + 1, atMs: at });
  }
  return plan;
}

/** Total time on the wire for `length` bytes (the last chunk's time). */
export function wireMs(profile: FirmwareProfile, length: number): number {
  return wirePlan(profile, length).at(-1)?.atMs ?? 0;
}
