/**
 * Escaping for the report's two formats. Wallet ids, reasons, error codes and invariant rows come
 * from devices, from the target's replies and from the database: any of them may hold markup.
 * - HTML text and attribute values: the five characters HTML's serializer escapes (WHATWG HTML
 *   "Serializing HTML fragments", escaping a string), so no value can open a tag or end a quote.
 * - JSON inside `<script type="application/json">`: a script element's content ends at the first
 *   `</script` whatever the type (WHATWG HTML "script data state"), and `<!--` changes how it is
 *   tokenized; escaping every `<`, `>` and `&` as a JSON `\u` escape rules out both, and
 *   `JSON.parse` gives back the exact string. U+2028/2029 are escaped for old JS parsers.
 * - Markdown table cells: `|` splits cells and a newline ends the row; a renderer passes inline
 *   HTML through (CommonMark 0.31 §6.6 "Raw HTML"), so `<`, `>` and `&` become entities, and
 *   the characters that start emphasis, code or links are backslash-escaped (CommonMark §2.4).
 */

const HTML: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c] ?? c);
}

export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** One line of markdown text: safe in a paragraph, a list item or a table cell. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~!])/g, '\\$1')
    .replace(/\r\n|\r|\n/g, ' ');
}

/**
 * Any value of an invariant's sample row as one line of text: strings as they are, objects as
 * JSON, long values cut (a row is evidence to look at, the database has the rest).
 */
export function cellText(value: unknown, max = 160): string {
  let s: string;
  if (value === null || value === undefined) s = value === null ? 'null' : '';
  else if (typeof value === 'string') s = value;
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    s = String(value);
  else if (value instanceof Date) s = value.toISOString();
  else {
    try {
      s = JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? '';
    } catch {
      s = String(value);
    }
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
