/** What every sandbox handler receives and returns; the server owns HTTP, handlers own rules. */
import type { IncomingHttpHeaders } from 'node:http';
import type { Db } from '../db.js';

export interface HandlerContext {
  db: Db;
  headers: IncomingHttpHeaders;
  /** The request body as received (the webhook verifies its signature over these exact bytes). */
  rawBody: string;
  /** The parsed JSON body for JSON routes (still unchecked); undefined for raw routes and GET. */
  body: unknown;
  webhookSecret: string;
}

export interface Reply {
  status: number;
  /** Sent as JSON; undefined sends no body (an OPTIONS answer). */
  body: unknown;
  /** Extra response headers (CORS, Idempotent-Replayed). */
  headers?: Readonly<Record<string, string>>;
}

export type Handler = (ctx: HandlerContext) => Promise<Reply>;

/** GhostPass's fingerprint header (Node lower-cases header names). */
export function fingerprintOf(headers: IncomingHttpHeaders): string | undefined {
  const v = headers['x-device-fingerprint'];
  const s = Array.isArray(v) ? v[0] : v;
  return s !== undefined && s.trim() !== '' ? s : undefined;
}

/** The body as a plain object (GhostPass destructures `req.body`; anything else has no fields). */
export function fields(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

export function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

export const isMethod = (v: unknown): v is 'QR' | 'NFC' => v === 'QR' || v === 'NFC';
