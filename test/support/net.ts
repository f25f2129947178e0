import { createServer } from 'node:net';

/** A port free on 127.0.0.1 right now, for a tool that cannot bind port 0 and report it. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
