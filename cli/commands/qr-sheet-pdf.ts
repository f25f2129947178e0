/**
 * Printable A4 sheets of test-wallet QR codes as a PDF: each QR drawn as filled rectangles from
 * its module matrix (one per horizontal run), its wallet id under it in Helvetica, and the
 * encoded text in small print so a misprint can be checked by eye.
 */
import { buildPdf, num, pdfString } from './pdf.js';
import { darkRuns, QUIET_ZONE, qrMatrix } from './qr-matrix.js';
import { A4_POINTS, cells, paginate, perPage, type SheetItem } from './sheet-layout.js';

const LABEL_PT = 10;
const TEXT_PT = 5.5;
/** Room under each QR code for the two label lines, in points. */
const LABEL_ROOM = 26;
/** Helvetica's average advance is about 0.55 em for lowercase and digits (Adobe AFM metrics). */
const HELVETICA_EM = 0.55;

function centredText(text: string, pt: number, cx: number, y: number): string {
  const x = cx - (text.length * pt * HELVETICA_EM) / 2;
  return `BT /F1 ${num(pt)} Tf ${num(x)} ${num(y)} Td ${pdfString(text)} Tj ET\n`;
}

export function qrSheetPdf(items: readonly SheetItem[], title = 'GhostPass test wallets'): Buffer {
  const g = A4_POINTS;
  const grid = cells(g);
  const pages = paginate(items, perPage(g));
  const contents = pages.map((pageItems, p) => {
    // PDF user space has its origin at the bottom-left (§8.3.2.3): flip the layout's y.
    const flip = (y: number) => g.height - y;
    let s = centredText(
      `${title} - page ${p + 1} of ${pages.length}`,
      LABEL_PT,
      g.width / 2,
      flip(g.margin + LABEL_PT),
    );
    for (const [i, item] of pageItems.entries()) {
      const cell = grid[i];
      if (!cell) break;
      const m = qrMatrix(item.text);
      const side = Math.min(cell.w, cell.h - LABEL_ROOM) - 8;
      const unit = side / (m.size + 2 * QUIET_ZONE);
      const left = cell.x + (cell.w - side) / 2 + QUIET_ZONE * unit;
      const top = cell.y + QUIET_ZONE * unit;
      s += '0 g\n';
      for (const run of darkRuns(m)) {
        const x = left + run.col * unit;
        const yBottom = flip(top + (run.row + 1) * unit);
        s += `${num(x)} ${num(yBottom)} ${num(run.length * unit)} ${num(unit)} re\n`;
      }
      s += 'f\n';
      const cx = cell.x + cell.w / 2;
      const below = cell.y + side;
      s += centredText(item.label, LABEL_PT, cx, flip(below + LABEL_PT + 2));
      s += centredText(item.text, TEXT_PT, cx, flip(below + LABEL_PT + TEXT_PT + 6));
    }
    return { content: s };
  });
  return buildPdf(contents, { width: g.width, height: g.height });
}
