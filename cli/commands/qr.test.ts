import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCodes } from '../../contract/exit-codes.js';
import { walletFromQrText } from '../../devices/kinds/credential.js';
import { main } from '../program.js';
import { type QrMatrix, QUIET_ZONE, qrMatrix } from './qr-matrix.js';
import { placeQr } from './qr-sheet-png.js';
import { A4_PIXELS_150DPI, cells } from './sheet-layout.js';
import { captureIo, checkPdf, decodePng } from './test-support.js';
import { walletRange } from './wallets.js';

const text = (w: string, ids = 'gateway:venue:event:1') => `ghostsession:${w}:${ids}`;

/** Reads the module grid back out of the pixels at each module's centre (no QR decoder here). */
function expectModules(
  png: { width: number; data: Buffer },
  m: QrMatrix,
  at: { x: number; y: number; module: number },
): void {
  const grey = (x: number, y: number) => png.data[(y * png.width + x) * 4] ?? -1;
  const half = Math.floor(at.module / 2);
  let mismatches = 0;
  // The quiet zone counts too: a QR code needs it light to be found.
  for (let row = -QUIET_ZONE; row < m.size + QUIET_ZONE; row++) {
    for (let col = -QUIET_ZONE; col < m.size + QUIET_ZONE; col++) {
      const px = grey(at.x + col * at.module + half, at.y + row * at.module + half);
      if ((px === 0) !== m.dark(row, col)) mismatches++;
    }
  }
  expect(mismatches).toBe(0);
}

describe('ghostfleet qr', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gf-qr-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the ghostsession text and a terminal QR code', async () => {
    const io = captureIo(dir);
    expect(await main(['qr', 'wallet_test_42'], io)).toBe(ExitCodes.Ok);
    const [first, ...rest] = io.stdout().split('\n');
    expect(first).toBe(text('wallet_test_42'));
    expect(walletFromQrText(first ?? '')).toBe('wallet_test_42');
    // Half-block characters: two module rows per terminal line.
    expect(rest.join('\n')).toMatch(/[▀▄█]/);
    expect(rest.length).toBeGreaterThan(10);
  });

  it('uses --venue, --gateway, --event and --tier', async () => {
    const io = captureIo(dir);
    const args = ['qr', 'wallet_test_7', '--venue', 'v-1', '--gateway', 'g-2', '--event', 'e3'];
    expect(await main([...args, '--tier', '2'], io)).toBe(ExitCodes.Ok);
    expect(io.stdout().split('\n')[0]).toBe('ghostsession:wallet_test_7:g-2:v-1:e3:2');
  });

  it('--png writes one PNG holding exactly the QR modules of the text', async () => {
    const io = captureIo(dir);
    expect(await main(['qr', 'wallet_test_42', '--png', 'one.png'], io)).toBe(ExitCodes.Ok);
    expect(io.stdout()).toContain('wrote one.png');
    const png = decodePng(await readFile(join(dir, 'one.png')));
    const m = qrMatrix(text('wallet_test_42'));
    const scale = 8;
    expect(png.width).toBe((m.size + 2 * QUIET_ZONE) * scale);
    expect(png.height).toBe(png.width);
    expectModules(png, m, { x: QUIET_ZONE * scale, y: QUIET_ZONE * scale, module: scale });
  });

  it('--sheet N --pdf writes A4 pages of N wallets with exact xref offsets', async () => {
    const io = captureIo(dir);
    const args = ['qr', 'wallet_test_42', '--sheet', '14', '--pdf', 'sheet.pdf'];
    expect(await main(args, io)).toBe(ExitCodes.Ok);
    expect(io.stdout()).toContain('wallet_test_42..wallet_test_55');
    const { text: pdf } = checkPdf(await readFile(join(dir, 'sheet.pdf')));
    expect(pdf).toContain('/Count 2');
    expect(pdf.match(/\/MediaBox \[0 0 595.28 841.89\]/g)).toHaveLength(2);
    expect(pdf).toContain('/BaseFont /Helvetica');
    for (let n = 42; n <= 55; n++) expect(pdf).toContain(`(wallet_test_${n}) Tj`);
    expect(pdf).not.toContain('(wallet_test_56) Tj');
    // Page 2 holds wallets 54 and 55: one rectangle per horizontal run of dark modules.
    const page2 = pdf.slice(pdf.lastIndexOf('>>\nstream\n'));
    let runs = 0;
    for (const w of ['wallet_test_54', 'wallet_test_55']) {
      const m = qrMatrix(text(w));
      for (let r = 0; r < m.size; r++) {
        for (let c = 0; c < m.size; c++) if (m.dark(r, c) && !m.dark(r, c - 1)) runs++;
      }
    }
    expect(page2.match(/ re\n/g)).toHaveLength(runs);
  });

  it('--sheet N --png writes one PNG per A4 page, each QR code matching its wallet', async () => {
    const io = captureIo(dir);
    const args = ['qr', 'wallet_test_1', '--sheet', '13', '--png', 'sheet.png'];
    expect(await main(args, io)).toBe(ExitCodes.Ok);
    expect(io.stdout()).toContain('wrote sheet.png, sheet-2.png: 13 wallets');
    const g = A4_PIXELS_150DPI;
    const pages = [
      decodePng(await readFile(join(dir, 'sheet.png'))),
      decodePng(await readFile(join(dir, 'sheet-2.png'))),
    ];
    for (const p of pages) expect([p.width, p.height]).toEqual([g.width, g.height]);
    const grid = cells(g);
    const wallets = walletRange('wallet_test_1', 13);
    for (const [i, w] of wallets.entries()) {
      const page = pages[Math.floor(i / 12)];
      const cell = grid[i % 12];
      if (!page || !cell) throw new Error('layout');
      const m = qrMatrix(text(w));
      expectModules(page, m, placeQr(cell, m.size));
    }
    // The label under the first code has ink (the wallet id in the dot font).
    const first = grid[0];
    const m = qrMatrix(text('wallet_test_1'));
    const at = placeQr(first ?? { x: 0, y: 0, w: 0, h: 0 }, m.size);
    const labelTop = at.y + (m.size + QUIET_ZONE) * at.module + 4;
    let ink = 0;
    const p0 = pages[0];
    for (let y = labelTop; y < labelTop + 21; y++) {
      for (let x = at.x; x < at.x + m.size * at.module; x++) {
        if (p0 && p0.data[(y * p0.width + x) * 4] === 0) ink++;
      }
    }
    expect(ink).toBeGreaterThan(100);
  });

  it('--sheet needs a file, a number and a numbered wallet (exit 2)', async () => {
    for (const args of [
      ['qr', 'wallet_test_1', '--sheet', '3'],
      ['qr', 'wallet_test_1', '--sheet', '0', '--pdf', 'x.pdf'],
      ['qr', 'wallet_test_1', '--sheet', 'ten', '--pdf', 'x.pdf'],
      ['qr', 'alice', '--sheet', '3', '--pdf', 'x.pdf'],
      ['qr', 'wallet_test_1', '--pdf', 'x.pdf'],
      ['qr', 'wallet:test', '--venue', 'v'],
      ['qr', 'wallet_test_1', '--venue', 'a:b'],
    ]) {
      const io = captureIo(dir);
      expect(await main(args, io), args.join(' ')).toBe(ExitCodes.Usage);
      expect(io.stderr()).toMatch(/^ghostfleet: /);
    }
  });

  it('--help explains with an example', async () => {
    const io = captureIo(dir);
    expect(await main(['qr', '--help'], io)).toBe(ExitCodes.Ok);
    expect(io.stdout()).toContain('--sheet 48 --pdf wallets.pdf');
  });
});
