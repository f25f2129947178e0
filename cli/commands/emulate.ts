/**
 * `ghostfleet emulate`: drive a real serial port as if a scanner were attached to it. Each scan is
 * the profile's exact bytes with its decode time and wire pacing (devices/emulator), so the device
 * on the other end of the cable — or of a socat pty pair — cannot tell it from the hardware.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { epochNow } from '../../contract/clock.js';
import { parseDuration } from '../../contract/duration.js';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { ExitCodes } from '../../contract/exit-codes.js';
import { createRng } from '../../contract/rng.js';
import { createEmulator } from '../../devices/emulator/index.js';
import type { Credential } from '../../devices/framing/credential.js';
import { uidForWallet } from '../../devices/kinds/nfc-registry.js';
import { loadProfile } from '../../firmware-profiles/load.js';
import type { FirmwareProfile } from '../../firmware-profiles/schema.js';
import type { CliIo } from '../io.js';
import { qrTextFor, wholeNumber } from './qr.js';
import { type OpenSink, openSerialSink } from './serial-sink.js';
import { walletRange } from './wallets.js';

export interface EmulateFlags {
  profile: string;
  port: string;
  wallet: string;
  count: string;
  interval: string;
  nfc?: boolean;
  sequence?: boolean;
  seed?: string;
  errors: boolean;
  venue: string;
  gateway: string;
  event: string;
  tier: string;
}

export interface EmulateDeps {
  openSink?: OpenSink;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const MAX_SCANS = 1_000_000;

function credentialFor(
  profile: FirmwareProfile,
  wallet: string,
  flags: EmulateFlags,
): { credential: Credential; shown: string } {
  if (profile.credential === 'nfc-uid') {
    // The venue's wristband registry (the same one the devices resolve taps with); keyboard
    // wedges type only 4 UID bytes, so their bands carry 4-byte UIDs.
    const uid = uidForWallet(wallet, 'uidFormat' in profile ? 4 : 7);
    if (!uid) {
      throw new GhostfleetError(
        ErrorCodes.BadArgument,
        `${wallet} has no wristband in the venue registry (only wallet_test_N wallets do)`,
      );
    }
    return { credential: { kind: 'nfc-uid', uid }, shown: `NFC UID ${uid}` };
  }
  if (profile.credential === 'nfc-ndef') {
    // A tag (or phone) carrying the wallet's ghostsession string as an NDEF Text record.
    return {
      credential: { kind: 'nfc-ndef', text: qrTextFor(wallet, flags) },
      shown: 'NFC NDEF text',
    };
  }
  return { credential: { kind: 'qr', text: qrTextFor(wallet, flags) }, shown: 'QR' };
}

/** Without an error model every presentation reads first time: for bring-up of a new device. */
function withoutErrors(p: FirmwareProfile): FirmwareProfile {
  return { ...p, errors: { noReadRate: 0, duplicateRate: 0, garbleRate: 0 } };
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;

export async function emulateCommand(
  flags: EmulateFlags,
  io: CliIo,
  deps: EmulateDeps = {},
): Promise<number> {
  const count = wholeNumber(flags.count, '--count', 1, MAX_SCANS);
  const intervalMs = parseDuration(flags.interval);
  const seed =
    flags.seed === undefined ? undefined : wholeNumber(flags.seed, '--seed', 0, 2 ** 32 - 1);
  const loaded = await loadProfile(flags.profile);
  const profile = flags.errors ? loaded : withoutErrors(loaded);
  if (profile.transport !== 'serial') {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `emulate drives a serial port: profile ${profile.name} is ${profile.transport}`,
    );
  }
  if (flags.nfc && profile.credential === 'qr') {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `--nfc needs an NFC reader profile: ${profile.name} reads QR codes (try --profile pn532-uart)`,
    );
  }
  const wallets = flags.sequence
    ? walletRange(flags.wallet, count)
    : Array.from({ length: count }, () => flags.wallet);
  // Build every credential first: a bad id fails before the port is touched.
  const scans = wallets.map((w) => ({ wallet: w, ...credentialFor(profile, w, flags) }));

  const now = deps.now ?? epochNow;
  const sleep = deps.sleep ?? ((t: number) => delay(t).then(() => undefined));
  const emulator = createEmulator(profile, {
    now,
    sleep,
    ...(seed === undefined ? {} : { rng: createRng(seed).next }),
  });

  const s = profile.serial;
  io.out(
    `emulating ${profile.name} on ${flags.port} (${s.baudRate} ${s.dataBits}${s.parity[0]?.toUpperCase()}${s.stopBits}): ` +
      `${count} scan${count === 1 ? '' : 's'} every ${flags.interval}\n`,
  );
  if (!flags.sequence && count > 1 && intervalMs < profile.timing.sameCodeDelayMs) {
    io.out(
      `note: a host suppresses the same code within ${profile.timing.sameCodeDelayMs} ms (${profile.name}); ` +
        'use a longer --interval or --sequence\n',
    );
  }

  const sink = await (deps.openSink ?? openSerialSink)(flags.port, profile.serial);
  try {
    // Scans are timed from a fixed start, so a slow scan never shifts the later ones (STYLE.md 6).
    const start = now();
    for (const [i, scan] of scans.entries()) {
      const wait = start + i * intervalMs - now();
      if (wait > 0) await sleep(wait);
      const presented = now();
      const bytes = emulator.encode(scan.credential).length;
      const r = await emulator.present(scan.credential, (chunk) => sink.write(chunk));
      const extras = [
        r.noReads ? `${r.noReads} no-read` : '',
        r.garbled ? `${r.garbled} garbled` : '',
        r.duplicates ? 'sent twice' : '',
      ].filter(Boolean);
      io.out(
        `scan ${i + 1}/${count} ${scan.wallet} ${scan.shown}: ${bytes} bytes, ` +
          `decode ${ms(r.startedAt - presented)}, wire ${ms(r.lastByteAt - r.startedAt)}, ` +
          `attempts ${r.attempts}${extras.length ? ` (${extras.join(', ')})` : ''}\n`,
      );
    }
  } finally {
    await sink.close();
  }
  return ExitCodes.Ok;
}
