import { describe, expect, it } from 'vitest';
import { buildPdf, pdfString } from './pdf.js';
import { crc32, encodeGreyPng } from './png.js';
import { darkRuns, qrMatrix } from './qr-matrix.js';
import { checkPdf, decodePng } from './test-support.js';

describe('png encoder', () => {
  it('computes the PNG CRC-32 (check value of "123456789" is CBF43926)', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips through an independent decoder (pngjs)', () => {
    const w = 7;
    const h = 3;
    const pixels = Uint8Array.from({ length: w * h }, (_, i) => (i * 37) % 256);
    const png = decodePng(encodeGreyPng(w, h, pixels));
    expect([png.width, png.height]).toEqual([w, h]);
    for (let i = 0; i < w * h; i++) {
      expect(png.data[i * 4]).toBe(pixels[i]);
      expect(png.data[i * 4 + 3]).toBe(255);
    }
  });

  it('rejects a wrong pixel count', () => {
    expect(() => encodeGreyPng(2, 2, new Uint8Array(3))).toThrow(RangeError);
  });
});

describe('pdf writer', () => {
  it('writes exact xref offsets and stream lengths', () => {
    const pdf = buildPdf(
      [{ content: 'BT /F1 12 Tf 10 10 Td (a) Tj ET' }, { content: '0 g 1 1 5 5 re f' }],
      { width: 595.28, height: 841.89 },
    );
    const { objects, text } = checkPdf(pdf);
    expect(objects).toBe(3 + 2 * 2);
    expect(text).toContain('/Kids [4 0 R 6 0 R] /Count 2');
  });

  it('escapes string literals', () => {
    expect(pdfString('a(b)\\c')).toBe('(a\\(b\\)\\\\c)');
    expect(pdfString('café')).toBe('(caf?)');
  });
});

describe('qr matrix', () => {
  it('runs cover exactly the dark modules', () => {
    const m = qrMatrix('ghostsession:wallet_test_1:gateway:venue:event:1');
    let dark = 0;
    for (let r = 0; r < m.size; r++) for (let c = 0; c < m.size; c++) dark += m.dark(r, c) ? 1 : 0;
    const runs = darkRuns(m);
    expect(runs.reduce((n, r) => n + r.length, 0)).toBe(dark);
    for (const r of runs) {
      for (let c = r.col; c < r.col + r.length; c++) expect(m.dark(r.row, c)).toBe(true);
      expect(m.dark(r.row, r.col + r.length)).toBe(false); // runs are maximal
    }
  });
});
