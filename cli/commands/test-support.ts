/** Test-only: a CliIo that captures what the program writes; PNG and PDF checkers. */
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import type { CliIo } from '../io.js';

export interface CapturedIo extends CliIo {
  readonly stdout: () => string;
  readonly stderr: () => string;
}

export function captureIo(cwd: string = process.cwd()): CapturedIo {
  let out = '';
  let err = '';
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    cwd,
    env: {},
    stdout: () => out,
    stderr: () => err,
  };
}

/** pngjs ships with qrcode (its dependency) and has no types: only the part used here. */
interface DecodedPng {
  width: number;
  height: number;
  data: Buffer;
}
const { PNG } = createRequire(import.meta.url)('pngjs') as {
  PNG: { sync: { read(buf: Buffer): DecodedPng } };
};
export function decodePng(buf: Buffer): DecodedPng {
  return PNG.sync.read(buf);
}

/** Checks a PDF's structure the way a reader does: startxref → xref → every object's offset. */
export function checkPdf(pdf: Buffer): { objects: number; text: string } {
  const text = pdf.toString('latin1');
  expect(text.startsWith('%PDF-1.4\n')).toBe(true);
  expect(text.endsWith('%%EOF\n')).toBe(true);
  const startxref = /startxref\n(\d+)\n%%EOF\n$/.exec(text);
  expect(startxref).not.toBeNull();
  const xrefAt = Number(startxref?.[1]);
  const head = /^xref\n0 (\d+)\n/.exec(text.slice(xrefAt));
  expect(head).not.toBeNull();
  const size = Number(head?.[1]);
  const entries = xrefAt + (head?.[0].length ?? 0);
  expect(text.slice(entries, entries + 20)).toBe('0000000000 65535 f \n');
  for (let i = 1; i < size; i++) {
    const entry = text.slice(entries + 20 * i, entries + 20 * (i + 1));
    expect(entry).toMatch(/^\d{10} 00000 n \n$/);
    const offset = Number(entry.slice(0, 10));
    expect(text.slice(offset, offset + `${i} 0 obj\n`.length)).toBe(`${i} 0 obj\n`);
  }
  // Every stream's /Length is its exact byte count.
  for (const m of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
    const start = (m.index ?? 0) + m[0].length;
    expect(text.slice(start + Number(m[1]), start + Number(m[1]) + 10)).toBe('\nendstream');
  }
  expect(text).toContain(`trailer\n<< /Size ${size} /Root 1 0 R >>`);
  return { objects: size - 1, text };
}
