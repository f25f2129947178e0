/**
 * Test-only: a real HTTP proxy in front of a GhostPass target that records what reached it and
 * when (method, path, headers, body; arrival and answer times), and can hold a request before
 * forwarding it (a slow target, so a short client timeout really fires). A request whose client
 * gave up is still forwarded and served, as a real server does: the proxy never tells it.
 */

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { epochNow } from '../../contract/clock.js';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Epoch ms (sub-ms) when the request's headers arrived. */
  receivedAt: number;
  /** When the target's answer was written back (the client may have gone). */
  answeredAt?: number;
  status?: number;
}

export interface RecordingProxy {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

const FORWARDED = ['content-type', 'x-device-fingerprint', 'stripe-signature', 'idempotency-key'];

export async function startRecordingProxy(
  target: string,
  opts: { holdMs?: (r: Recorded) => number } = {},
): Promise<RecordingProxy> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const rec: Recorded = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: '',
      receivedAt: epochNow(),
    };
    requests.push(rec);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      rec.body = Buffer.concat(chunks).toString('utf8');
      const hold = opts.holdMs?.(rec) ?? 0;
      if (hold > 0) await sleep(hold);
      const headers: Record<string, string> = {};
      for (const h of FORWARDED) {
        const v = req.headers[h];
        if (typeof v === 'string') headers[h] = v;
      }
      try {
        const answer = await fetch(new URL(rec.path, target), {
          method: rec.method,
          headers,
          ...(rec.method === 'GET' ? {} : { body: rec.body }),
        });
        const text = await answer.text();
        rec.status = answer.status;
        rec.answeredAt = epochNow();
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
      } catch (err) {
        rec.status = 502;
        rec.answeredAt = epochNow();
        res.writeHead(502).end(JSON.stringify({ error: String(err) }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
