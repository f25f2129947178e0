/**
 * A minimal PDF 1.4 writer (no dependency): one catalog, one page tree, the standard Helvetica
 * font, and one uncompressed content stream per page. Byte offsets in the cross-reference table
 * are exact, as ISO 32000-1 §7.5.4 requires (each entry exactly 20 bytes: `nnnnnnnnnn ggggg n` + 2-byte EOL).
 */

export interface PdfPage {
  /** The page's content stream: PDF graphics operators (ISO 32000-1 §8, §9). */
  content: string;
}

/** A PDF string literal: backslash and parentheses escaped (§7.3.4.2); ASCII only. */
export function pdfString(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return `(${ascii.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/** A number as PDF writes it: at most 3 decimals (1/1000 pt leaves no visible seam between modules), no exponent. */
export function num(n: number): string {
  return Number(n.toFixed(3)).toString();
}

export function buildPdf(
  pages: readonly PdfPage[],
  size: { width: number; height: number },
): Buffer {
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 4 + 2 * i);
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`,
  );
  // Helvetica is one of the 14 standard fonts every reader has (§9.6.2.2): nothing to embed.
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  for (const [i, page] of pages.entries()) {
    const contentId = 5 + 2 * i;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(size.width)} ${num(size.height)}] ` +
        `/Resources << /Font << /F1 3 0 R >> >> /Contents ${contentId} 0 R >>`,
    );
    const stream = Buffer.from(page.content, 'latin1');
    objects.push(`<< /Length ${stream.length} >>\nstream\n${page.content}\nendstream`);
  }

  // A binary comment after the header marks the file as binary to transfer tools (§7.5.2).
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = chunks[0]?.length ?? 0;
  const offsets: number[] = [];
  for (const [i, body] of objects.entries()) {
    offsets.push(offset);
    const chunk = Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`, 'latin1');
    chunks.push(chunk);
    offset += chunk.length;
  }
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
  chunks.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(chunks);
}
