/** Reads a request body with a size cap; over the cap the rest is drained, not buffered. */
import type { IncomingMessage } from 'node:http';

/** Request bodies above this are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type BodyRead = { kind: 'ok'; text: string } | { kind: 'too_large' };

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Keep reading (and dropping) so the client finishes sending and can read our 413.
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(
        over ? { kind: 'too_large' } : { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') },
      ),
    );
    req.on('error', reject);
  });
}
