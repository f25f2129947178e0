/**
 * How a GhostPass handler sees `req.body`: Vercel's Node runtime (@vercel/node `getBodyParser`)
 * parses JSON only when the request says `Content-Type: application/json` (an empty body is
 * `{}`); without that header the body is a string and every field the handler destructures is
 * undefined (→ 400 missing fields). Malformed JSON throws inside the handler's `try` on first
 * access of `req.body`, which the handlers' catch turns into 500 "Internal server error".
 */
export type JsonBody = { kind: 'ok'; body: unknown } | { kind: 'invalid'; reason: string };

/** The media type alone, lower-cased (`application/json; charset=utf-8` → `application/json`). */
export function mediaType(contentType: string | string[] | undefined): string | undefined {
  const v = Array.isArray(contentType) ? contentType[0] : contentType;
  if (v === undefined) return undefined;
  return v.split(';')[0]?.trim().toLowerCase() || undefined;
}

export function parseJsonBody(contentType: string | string[] | undefined, text: string): JsonBody {
  // Anything but JSON has no fields for a handler that destructures it: read as empty.
  if (mediaType(contentType) !== 'application/json') return { kind: 'ok', body: {} };
  if (text === '') return { kind: 'ok', body: {} };
  try {
    return { kind: 'ok', body: JSON.parse(text) };
  } catch (err) {
    return { kind: 'invalid', reason: (err as Error).message };
  }
}
