/**
 * Test-only: the sandbox in a process of its own, driven over the fork IPC channel (the webhook
 * secret travels there, as in a run). A run keeps the sandbox apart from the devices; so do the
 * collision tests, or PGlite's synchronous work would stall the devices' and the proxy's clocks.
 */
import { startSandbox } from '../../ghostpass/sandbox/server.js';

type Message =
  | { type: 'start'; wallets: number; openingBalanceCents: number; webhookSecret: string }
  | { type: 'query'; id: number; sql: string; params: unknown[] }
  | { type: 'stop' };

let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
const send = (m: unknown) => process.send?.(m);

process.on('message', async (m: Message) => {
  try {
    if (m.type === 'start') {
      sandbox = await startSandbox(m);
      send({ type: 'ready', url: sandbox.url, ids: sandbox.ids });
    } else if (m.type === 'query') {
      const res = await (sandbox as NonNullable<typeof sandbox>).db.query(m.sql, m.params);
      send({ type: 'rows', id: m.id, rows: res.rows });
    } else if (m.type === 'stop') {
      await sandbox?.close();
      process.exit(0);
    }
  } catch (err) {
    send({ type: 'failed', id: 'id' in m ? m.id : -1, error: String(err) });
  }
});

// The test process went away (a crash, a kill): never outlive it.
process.on('disconnect', () => process.exit(0));
