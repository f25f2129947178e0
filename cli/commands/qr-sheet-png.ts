/**
 * Printable A4 sheets of test-wallet QR codes as PNG images (150 dpi greyscale): modules drawn as
 * whole-pixel squares (a QR scanner wants sharp edges, so the module size is an integer), each
 * labelled with its wallet id in a built-in 5×7 dot font.
 */
import { GLYPH_ADVANCE, GLYPH_H, GLYPH_W, glyphPixel, textWidth } from './font5x7.js';
import { encodeGreyPng } from './png.js';
import { QUIET_ZONE, qrMatrix } from './qr-matrix.js';
import {
  A4_PIXELS_150DPI,
  type Cell,
  cells,
  paginate,
  perPage,
  type SheetItem,
} from './sheet-layout.js';

const LABEL_SCALE = 3;
const TEXT_SCALE = 1;
const LABEL_ROOM = 60;

class Raster {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height).fill(255);
  }

  fill(x: number, y: number, w: number, h: number): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++)
      this.pixels.fill(0, yy * this.width + x0, yy * this.width + x1);
  }

  text(s: string, cx: number, y: number, scale: number): void {
    let x = Math.round(cx - (textWidth(s) * scale) / 2);
    for (const ch of s) {
      for (let gy = 0; gy < GLYPH_H; gy++) {
        for (let gx = 0; gx < GLYPH_W; gx++) {
          if (glyphPixel(ch, gx, gy)) this.fill(x + gx * scale, y + gy * scale, scale, scale);
        }
      }
      x += GLYPH_ADVANCE * scale;
    }
  }
}

export interface PlacedQr {
  /** Top-left pixel of the first module (inside the quiet zone). */
  x: number;
  y: number;
  /** Pixels per module. */
  module: number;
  size: number;
}

/** Where a QR code of `size` modules sits in a cell: the integer module size that fits. */
export function placeQr(cell: Cell, size: number): PlacedQr {
  const total = size + 2 * QUIET_ZONE;
  const module = Math.max(1, Math.floor(Math.min(cell.w - 8, cell.h - LABEL_ROOM) / total));
  const side = module * total;
  return {
    x: Math.round(cell.x + (cell.w - side) / 2) + QUIET_ZONE * module,
    y: Math.round(cell.y) + QUIET_ZONE * module,
    module,
    size,
  };
}

/** One PNG per page of `cols × rows` QR codes. */
export function qrSheetPngs(
  items: readonly SheetItem[],
  title = 'GhostPass test wallets',
): Buffer[] {
  const g = A4_PIXELS_150DPI;
  const grid = cells(g);
  const pages = paginate(items, perPage(g));
  return pages.map((pageItems, p) => {
    const r = new Raster(g.width, g.height);
    r.text(`${title} - page ${p + 1} of ${pages.length}`, g.width / 2, g.margin, 2);
    for (const [i, item] of pageItems.entries()) {
      const cell = grid[i];
      if (!cell) break;
      const m = qrMatrix(item.text);
      const at = placeQr(cell, m.size);
      for (let row = 0; row < m.size; row++) {
        for (let col = 0; col < m.size; col++) {
          if (m.dark(row, col)) {
            r.fill(at.x + col * at.module, at.y + row * at.module, at.module, at.module);
          }
        }
      }
      const below = at.y + (m.size + QUIET_ZONE) * at.module;
      r.text(item.label, cell.x + cell.w / 2, below + 4, LABEL_SCALE);
      r.text(item.text, cell.x + cell.w / 2, below + 4 + GLYPH_H * LABEL_SCALE + 8, TEXT_SCALE);
    }
    return encodeGreyPng(g.width, g.height, r.pixels);
  });
}
