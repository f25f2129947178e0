/**
 * A TCP proxy that can cut a half-open partition: `partition(label)` stops forwarding bytes, both
 * ways, on every connection whose first bytes contain `label` (an MQTT CONNECT carries the client
 * id in its first packet), while both sockets stay open — what a dead switch port or a NAT that
 * forgot the flow looks like to both ends: no FIN, no RST, just silence. What either side sends
 * meanwhile is held (like segments being retransmitted), and a close by one side is held too: it
 * reaches the other when the partition heals, after the held bytes. A connection opened during the
 * partition is accepted and held, its upstream dialled on `heal`; of those only the newest per
 * label is kept (a client that gave up on an older attempt has moved on).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  readonly url: string;
  partition(label: string): void;
  heal(label: string): void;
  /** Connections whose first bytes carried `label`: ever, open now, held now. */
  stats(label: string): { connections: number; open: number; held: number };
  close(): Promise<void>;
}

type Side = 'up' | 'down';

interface Pair {
  client: Socket;
  upstream: Socket | null;
  first: Buffer;
  held: boolean;
  /** Bytes and ends waiting for the heal, in order, per direction ('up': client → target). */
  queue: Array<{ side: Side; data: Buffer | null }>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  const cut = new Set<string>();
  const firsts: Buffer[] = [];
  const has = (b: Buffer, label: string) => b.includes(label, 0, 'latin1');
  const labelled = (label: string) => [...pairs].filter((p) => has(p.first, label));

  const destroy = (p: Pair) => {
    pairs.delete(p);
    p.client.destroy();
    p.upstream?.destroy();
  };
  /** Deliver (data) or end (null) toward `side`'s peer, or hold it while partitioned. */
  const pass = (p: Pair, side: Side, data: Buffer | null) => {
    if (p.held) {
      p.queue.push({ side, data });
      return;
    }
    const to = side === 'up' ? p.upstream : p.client;
    if (to === null) return;
    if (data === null) to.end();
    else to.write(data);
  };
  const dial = (p: Pair) => {
    const up = connect(target.port, target.host);
    p.upstream = up;
    up.write(p.first);
    up.on('data', (d) => pass(p, 'down', d));
    up.on('end', () => pass(p, 'down', null));
    up.on('error', () => (p.held ? pass(p, 'down', null) : destroy(p)));
  };

  const server: Server = createServer((client) => {
    client.on('error', () => {
      for (const p of pairs) if (p.client === client) destroy(p);
    });
    client.once('data', (first) => {
      firsts.push(first);
      const p: Pair = { client, upstream: null, first, held: false, queue: [] };
      pairs.add(p);
      client.on('data', (d) => pass(p, 'up', d));
      client.on('end', () => pass(p, 'up', null));
      const label = [...cut].find((l) => has(first, l));
      if (label === undefined) {
        dial(p);
        return;
      }
      for (const o of labelled(label)) if (o !== p && o.upstream === null) destroy(o);
      p.held = true;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    partition(label) {
      cut.add(label);
      for (const p of labelled(label)) p.held = true;
    },
    heal(label) {
      cut.delete(label);
      for (const p of labelled(label)) {
        p.held = false;
        if (p.upstream === null) dial(p);
        for (const { side, data } of p.queue.splice(0)) pass(p, side, data);
      }
    },
    stats(label) {
      const mine = labelled(label);
      return {
        connections: firsts.filter((f) => has(f, label)).length,
        open: mine.length,
        held: mine.filter((p) => p.held).length,
      };
    },
    async close() {
      for (const p of [...pairs]) destroy(p);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
