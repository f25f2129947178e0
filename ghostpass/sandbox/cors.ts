/**
 * GhostPass's CORS answer (ghost-pass/api/_lib/cors.ts `setCorsHeaders` / `handleCors`): every
 * patron handler but the Stripe webhook answers `OPTIONS` with 200, no body, and these headers.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'access-control-allow-credentials': 'true',
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET,OPTIONS,PATCH,DELETE,POST,PUT',
  'access-control-allow-headers':
    'X-CSRF-Token, X-Requested-With, Accept, Accept-Version, Content-Length, Content-MD5, Content-Type, Date, X-Api-Version, Authorization',
});
