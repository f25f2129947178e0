/** selectAll against the sandbox's PostgREST subset with Supabase's 1000-row cap, via supabase-js. */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ws from 'ws';
import { type Sandbox, startSandbox } from '../sandbox/server.js';
import { selectAll } from './select-all.js';

const KEY = 'select-all-key';
let sandbox: Sandbox;
let sb: SupabaseClient;

beforeAll(async () => {
  sandbox = await startSandbox({ webhookSecret: 'whsec_x', wallets: 5, serviceKey: KEY });
  await sandbox.db.query(
    `insert into audit_logs (action, resource_type, resource_id, metadata)
     select 'PAGE_TEST', 'row', g::text, '{}'::jsonb from generate_series(1, 2345) g`,
  );
  sb = createClient(sandbox.url, KEY, {
    realtime: { transport: ws as never },
    auth: { persistSession: false },
  });
}, 60_000);
afterAll(async () => {
  await sandbox?.close();
});

describe('selectAll', () => {
  const page = (size: number) => (from: number, to: number) =>
    sb
      .from('audit_logs')
      .select('id, resource_id', { count: 'exact' })
      .eq('action', 'PAGE_TEST')
      .order('id')
      .range(from, from + Math.min(size, to - from + 1) - 1);

  it('a plain read is capped at 1000 rows, as Supabase caps it', async () => {
    const r = await sb.from('audit_logs').select('id').eq('action', 'PAGE_TEST');
    expect(r.data).toHaveLength(1000);
  });

  it('reads every row once, past the cap', async () => {
    const rows = await selectAll('audit_logs', page(1000), 1000);
    expect(rows).toHaveLength(2345);
    expect(new Set(rows.map((r) => r.resource_id)).size).toBe(2345);
  });

  it('a page size above the server cap is an error, not a partial answer', async () => {
    await expect(selectAll('audit_logs', page(5000), 5000)).rejects.toThrow(
      /read 1000 rows but the count said 2345/,
    );
  });
});
