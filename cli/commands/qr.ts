/**
 * `ghostfleet qr WALLET`: the GhostPass QR text a wallet presents at a door
 * (`ghostsession:{wallet_binding_id}:{gateway_id}:{venue_id}:{event_id}:{verification_tier}`,
 * GHOSTPASS.md "Identity and auth"), shown in the terminal, written as a PNG, or as printable
 * A4 sheets (PDF or PNG) of N consecutive test wallets to scan with a physical reader.
 */
import { writeFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import QRCode from 'qrcode';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { ExitCodes } from '../../contract/exit-codes.js';
import { ghostSessionText } from '../../devices/kinds/credential.js';
import type { CliIo } from '../io.js';
import { QR_ERROR_CORRECTION, QUIET_ZONE } from './qr-matrix.js';
import { qrSheetPdf } from './qr-sheet-pdf.js';
import { qrSheetPngs } from './qr-sheet-png.js';
import type { SheetItem } from './sheet-layout.js';
import { walletRange } from './wallets.js';

export interface QrFlags {
  png?: string;
  pdf?: string;
  sheet?: string;
  venue: string;
  gateway: string;
  event: string;
  tier: string;
}

/** A sheet is for printing: a few hundred wallets is plenty, more is a typo. */
export const MAX_SHEET = 1000;

export function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** Ids become `:`-separated fields of the QR text: a `:` or a space would shift every field. */
export function checkId(value: string, what: string): string {
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(value)) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `${what} must be 1-128 letters, digits, '_', '.' or '-', got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function qrTextFor(wallet: string, flags: Omit<QrFlags, 'png' | 'pdf' | 'sheet'>): string {
  return ghostSessionText({
    walletBindingId: checkId(wallet, 'the wallet id'),
    gatewayId: checkId(flags.gateway, '--gateway'),
    venueId: checkId(flags.venue, '--venue'),
    eventId: checkId(flags.event, '--event'),
    tier: wholeNumber(flags.tier, '--tier', 0, 9),
  });
}

/** `sheet.png` page 2 → `sheet-2.png` (page 1 keeps the name given). */
export function pagePath(path: string, page: number): string {
  if (page === 1) return path;
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}-${page}${ext}`;
}

async function writeOut(path: string, data: Buffer): Promise<void> {
  try {
    await writeFile(path, data);
  } catch (err) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `cannot write ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

async function writeSheets(wallet: string, flags: QrFlags, io: CliIo): Promise<void> {
  const count = wholeNumber(flags.sheet ?? '', '--sheet', 1, MAX_SHEET);
  if (flags.pdf === undefined && flags.png === undefined) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      '--sheet N writes printable sheets: add --pdf FILE or --png FILE',
    );
  }
  const items: SheetItem[] = walletRange(wallet, count).map((w) => ({
    label: w,
    text: qrTextFor(w, flags),
  }));
  const range = `${items[0]?.label}..${items.at(-1)?.label}`;
  if (flags.pdf !== undefined) {
    const path = resolve(io.cwd, flags.pdf);
    const pdf = qrSheetPdf(items);
    await writeOut(path, pdf);
    io.out(`wrote ${flags.pdf}: ${count} wallets (${range}), 12 per A4 page\n`);
  }
  if (flags.png !== undefined) {
    const pages = qrSheetPngs(items);
    const written: string[] = [];
    for (const [i, png] of pages.entries()) {
      const file = pagePath(flags.png, i + 1);
      await writeOut(resolve(io.cwd, file), png);
      written.push(file);
    }
    io.out(`wrote ${written.join(', ')}: ${count} wallets (${range}), 12 per A4 page\n`);
  }
}

export async function qrCommand(wallet: string, flags: QrFlags, io: CliIo): Promise<number> {
  if (flags.sheet !== undefined) {
    await writeSheets(wallet, flags, io);
    return ExitCodes.Ok;
  }
  if (flags.pdf !== undefined) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      '--pdf needs --sheet N (the number of wallets)',
    );
  }
  const text = qrTextFor(wallet, flags);
  const options = { errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QUIET_ZONE };
  io.out(`${text}\n`);
  io.out(await QRCode.toString(text, { ...options, type: 'terminal', small: true }));
  if (flags.png !== undefined) {
    const path = resolve(io.cwd, flags.png);
    try {
      await QRCode.toFile(path, text, { ...options, type: 'png', scale: 8 });
    } catch (err) {
      throw new GhostfleetError(
        ErrorCodes.BadArgument,
        `cannot write ${flags.png}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    io.out(`wrote ${flags.png}\n`);
  }
  return ExitCodes.Ok;
}
