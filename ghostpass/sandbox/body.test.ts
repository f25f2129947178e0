import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readBody } from './body.js';

describe('readBody', () => {
  it('a client that hangs up mid-body (a terminal timing out) settles the read', async () => {
    let read!: Promise<unknown>;
    const got = new Promise<void>((ready) => {
      const server = createServer((req) => {
        read = readBody(req).finally(() => server.close());
        ready();
      });
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        const req = request({ port, method: 'POST', headers: { 'content-length': '100' } });
        req.on('error', () => {});
        req.write('{"partial":');
        setTimeout(() => req.destroy(), 50);
      });
    });
    await got;
    // Node reports it as an `aborted` error: the read settles, so close() never waits on it.
    await expect(read).rejects.toThrow(/aborted/);
  });
});
