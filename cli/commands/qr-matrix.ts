/**
 * The module matrix of a GhostPass QR code, shared by the terminal, PNG and PDF renderers so each
 * draws the same symbol. Error correction M (15 %, ISO/IEC 18004 §6.5.1) survives a creased
 * printout; the 4-module quiet zone is the minimum the standard asks for (§6.3.8).
 */
import QRCode from 'qrcode';

export const QR_ERROR_CORRECTION = 'M' as const;
export const QUIET_ZONE = 4;

export interface QrMatrix {
  /** Modules per side, without the quiet zone. */
  size: number;
  dark(row: number, col: number): boolean;
}

export function qrMatrix(text: string): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: QR_ERROR_CORRECTION });
  const size = modules.size;
  // BitMatrix.get does not bound-check (col = size reads the next row): outside is light.
  const inside = (i: number) => i >= 0 && i < size;
  return { size, dark: (row, col) => inside(row) && inside(col) && modules.get(row, col) === 1 };
}

export interface DarkRun {
  row: number;
  col: number;
  length: number;
}

/** Horizontal runs of dark modules: one filled rectangle per run keeps a PDF small. */
export function darkRuns(m: QrMatrix): DarkRun[] {
  const runs: DarkRun[] = [];
  for (let row = 0; row < m.size; row++) {
    let col = 0;
    while (col < m.size) {
      if (!m.dark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < m.size && m.dark(row, col)) col++;
      runs.push({ row, col: start, length: col - start });
    }
  }
  return runs;
}
