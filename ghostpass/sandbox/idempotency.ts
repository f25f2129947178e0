/**
 * `Idempotency-Key` for correct mode (GhostPass has none: a terminal that retries after a timeout
 * charges twice, defect 4). Semantics follow Stripe's idempotent requests: the first answer to a
 * key is stored with a hash of the request, a repeat gets that answer back (header
 * `Idempotent-Replayed: true`) and writes nothing, a key reused for a different request is 422.
 * The claim, the operation and the stored answer are one transaction: on PostgreSQL a concurrent
 * repeat blocks on the claimed key until the first commits, then replays it; if the first fails
 * (throws), its claim rolls back with it and the repeat runs as new.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Db } from './db.js';
import type { Reply } from './handlers/types.js';

/** Stripe's limit on key length. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export type KeyHeader = { kind: 'none' } | { kind: 'key'; key: string } | { kind: 'bad' };

export function idempotencyKeyOf(headers: IncomingHttpHeaders): KeyHeader {
  const raw = headers['idempotency-key'];
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined) return { kind: 'none' };
  const key = v.trim();
  if (key === '' || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) return { kind: 'bad' };
  return { kind: 'key', key };
}

/** What makes two requests "the same": path, the patron's fingerprint and the exact body. */
export function requestHash(path: string, fingerprint: string | undefined, rawBody: string) {
  return createHash('sha256')
    .update(`${path}\n${fingerprint ?? ''}\n${rawBody}`)
    .digest('hex');
}

export async function withIdempotency(
  db: Db,
  key: string,
  hash: string,
  run: (tx: Db) => Promise<Reply>,
): Promise<Reply> {
  return db.transaction(async (tx) => {
    const claimed = await tx.query(
      `insert into sandbox_idempotency (key, request_hash, status) values ($1, $2, 0)
       on conflict (key) do nothing returning key`,
      [key, hash],
    );
    if (claimed.rows.length === 0) {
      const prev = await tx.query<{ request_hash: string; status: number; body: unknown }>(
        'select request_hash, status, body from sandbox_idempotency where key = $1',
        [key],
      );
      const row = prev.rows[0];
      if (row === undefined || row.request_hash !== hash) {
        return {
          status: 422,
          body: { error: 'Idempotency-Key was already used for a different request' },
        };
      }
      return {
        status: Number(row.status),
        body: row.body,
        headers: { 'idempotent-replayed': 'true' },
      };
    }
    const reply = await run(tx);
    await tx.query('update sandbox_idempotency set status = $2, body = $3::jsonb where key = $1', [
      key,
      reply.status,
      JSON.stringify(reply.body ?? null),
    ]);
    return reply;
  });
}
