/**
 * Where the QR codes of a printable sheet go: a grid of cells under a header line, in any unit
 * (PDF points or PNG pixels), origin at the top-left corner.
 */
export interface SheetGeometry {
  width: number;
  height: number;
  margin: number;
  header: number;
  cols: number;
  rows: number;
}

export interface Cell {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A4 portrait is 210 × 297 mm (ISO 216) = 595.28 × 841.89 pt (1 pt = 1/72 in). */
export const A4_POINTS: SheetGeometry = {
  width: 595.28,
  height: 841.89,
  margin: 36,
  header: 24,
  cols: 3,
  rows: 4,
};

/** A4 at 150 dpi (210 mm = 1240 px, 297 mm = 1754 px): small files, sharp modules when printed. */
export const A4_PIXELS_150DPI: SheetGeometry = {
  width: 1240,
  height: 1754,
  margin: 60,
  header: 40,
  cols: 3,
  rows: 4,
};

export function perPage(g: SheetGeometry): number {
  return g.cols * g.rows;
}

export function cells(g: SheetGeometry): Cell[] {
  const w = (g.width - 2 * g.margin) / g.cols;
  const h = (g.height - 2 * g.margin - g.header) / g.rows;
  const out: Cell[] = [];
  for (let r = 0; r < g.rows; r++) {
    for (let c = 0; c < g.cols; c++) {
      out.push({ x: g.margin + c * w, y: g.margin + g.header + r * h, w, h });
    }
  }
  return out;
}

export function paginate<T>(items: readonly T[], size: number): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < items.length; i += size) pages.push(items.slice(i, i + size));
  return pages;
}

/** One QR code on a sheet: the text it encodes and the label printed under it. */
export interface SheetItem {
  label: string;
  text: string;
}
