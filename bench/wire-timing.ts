/**
 * Wire-timing benchmark (not a test): how faithfully the emulator paces a reader's bytes. A pty
 * ignores baud rates, so the emulator must pace its own bytes; here a 45-byte frame of the RS-232
 * profile (9600 8N1: 45 × 10 / 9600 = 46.875 ms) and of the USB-CDC profile (115200 baud, 1 ms USB
 * frames) travel through a real socat pty pair and the serial binding, and the time from the first
 * byte to the complete frame at the reader is compared with the wire time the profile implies.
 *
 *   npx tsx bench/wire-timing.ts [--runs 40]      (needs socat)
 */
import { constants as fsc, mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmulator } from '../devices/emulator/emulator.js';
import { wireMs } from '../devices/emulator/wire.js';
import { openReader, type ReaderFrame } from '../devices/inputs/reader.js';
import { SocatPair } from '../devices/inputs/socat-pair.js';
import { loadProfile } from '../firmware-profiles/load.js';
import type { FirmwareProfile } from '../firmware-profiles/schema.js';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function measure(name: string, runs: number): Promise<void> {
  const loaded = await loadProfile(name);
  // No error model: every presentation is one clean frame.
  const profile = {
    ...loaded,
    errors: { noReadRate: 0, duplicateRate: 0, garbleRate: 0 },
  } as FirmwareProfile;
  const dir = mkdtempSync(join(tmpdir(), 'gf-wire-'));
  const pair = new SocatPair(join(dir, 'a'), join(dir, 'b'));
  await pair.start();
  const measured: number[] = [];
  let theory = 0;
  let frameMs = 0;
  let bytes = 0;
  try {
    const writer = await open(pair.a, fsc.O_RDWR | fsc.O_NOCTTY);
    const reader = await openReader({ input: 'serial', path: pair.b }, profile);
    const emulator = createEmulator(profile, { rng: () => 0 });
    // Framing overhead (prefix + suffix) of this profile, so the whole frame is 45 bytes.
    const overhead = emulator.encode({ kind: 'qr', text: 'x' }).length - 1;
    const text = 'ghostsession:wallet_test_42:g:v:e:1'.padEnd(45 - overhead, 'x');
    bytes = emulator.encode({ kind: 'qr', text }).length;
    // First byte's deadline to the last byte's: what the reader can observe of the wire time.
    theory = wireMs(profile, bytes) - wireMs(profile, 1);
    frameMs = wireMs(profile, bytes);
    for (let i = 0; i < runs; i++) {
      // A different text each time: the reader suppresses the same code within its same-code delay.
      const t = `${text.slice(0, -3)}${String(i).padStart(3, '0')}`;
      const frame = new Promise<ReaderFrame>((resolve) => reader.once('frame', resolve));
      await emulator.present({ kind: 'qr', text: t }, async (chunk) => {
        await writer.write(chunk);
      });
      const f = await frame;
      measured.push(f.completeAt - f.firstByteAt);
    }
    await reader.close();
    await writer.close();
  } finally {
    // A socat left running would hold the pty links: stop it whatever happened.
    await pair.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  measured.sort((a, b) => a - b);
  const median = quantile(measured, 0.5);
  console.log(
    [
      name.padEnd(14),
      `${profile.transport === 'serial' ? profile.serial.baudRate : '-'}`.padStart(7),
      String(bytes).padStart(6),
      frameMs.toFixed(3).padStart(9),
      theory.toFixed(3).padStart(10),
      median.toFixed(3).padStart(10),
      quantile(measured, 0.99).toFixed(3).padStart(10),
      (theory > 0 ? (median / theory).toFixed(3) : '-').padStart(8),
    ].join(' '),
  );
}

const { values } = parseArgs({ options: { runs: { type: 'string', default: '40' } } });
console.log('wire timing: first byte → frame complete at the reader, through a socat pty pair');
console.log('frame = the wire time of the whole frame (bytes × 10 / baud at 8N1, or USB frames);');
console.log(
  'theory = first byte to last byte on the wire (what the reader sees); ratio = median / theory',
);
console.log(
  `${'profile'.padEnd(14)} ${'baud'.padStart(7)} ${'bytes'.padStart(6)} ${'frame ms'.padStart(9)} ${'theory ms'.padStart(10)} ${'median ms'.padStart(10)} ${'p99 ms'.padStart(10)} ${'ratio'.padStart(8)}`,
);
for (const name of ['rs232-aim-qr', 'usb-cdc-qr']) await measure(name, Number(values.runs));
