/**
 * supabase-js 2.109 itself against the sandbox's `/rest/v1/` (PGlite): one describe per form
 * of the subset (README "PostgREST subset").
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ws from 'ws';
import { type Sandbox, startSandbox } from '../server.js';

const SERVICE_KEY = 'sandbox-service-key-for-tests';
const ANON_KEY = 'sandbox-anon-key-for-tests';
let sandbox: Sandbox;
let sb: SupabaseClient;

beforeAll(async () => {
  sandbox = await startSandbox({
    webhookSecret: 'whsec_test',
    wallets: 30,
    serviceKey: SERVICE_KEY,
    anonKey: ANON_KEY,
  });
  await sandbox.db.query(
    'create function add_cents(a integer, b integer) returns integer language sql as $$ select a + b $$',
  );
  await sandbox.db.query(
    `create function rich_wallets(min_cents bigint) returns setof wallets language sql
       as $$ select * from wallets where balance_cents >= min_cents order by wallet_binding_id $$`,
  );
  sb = createClient(sandbox.url, SERVICE_KEY, {
    realtime: { transport: ws as never },
    auth: { persistSession: false },
  });
}, 60_000);

afterAll(async () => {
  await sandbox?.close();
});

describe('select', () => {
  it('reads a column list with eq and order', async () => {
    const { data, error } = await sb
      .from('wallets')
      .select('wallet_binding_id, balance_cents')
      .in('wallet_binding_id', ['wallet_test_2', 'wallet_test_1'])
      .order('wallet_binding_id', { ascending: false });
    expect(error).toBeNull();
    expect(data).toEqual([
      { wallet_binding_id: 'wallet_test_2', balance_cents: expect.any(Number) },
      { wallet_binding_id: 'wallet_test_1', balance_cents: expect.any(Number) },
    ]);
  });

  it('filters gt/gte/lt/lte/neq/like/ilike/is/not', async () => {
    const count = async (
      f: (q: ReturnType<ReturnType<SupabaseClient['from']>['select']>) => unknown,
    ) => {
      const { data, error } = (await f(sb.from('wallets').select('wallet_binding_id'))) as {
        data: unknown[] | null;
        error: unknown;
      };
      expect(error).toBeNull();
      return data?.length;
    };
    expect(await count((q) => q.like('wallet_binding_id', 'wallet_test_1%'))).toBe(11);
    expect(await count((q) => q.ilike('wallet_binding_id', 'WALLET_TEST_3*'))).toBe(2);
    expect(await count((q) => q.neq('wallet_binding_id', 'wallet_test_1'))).toBe(29);
    expect(await count((q) => q.gte('entry_count', 0).lt('entry_count', 1))).toBe(30);
    expect(await count((q) => q.gt('entry_count', 0))).toBe(0);
    expect(await count((q) => q.lte('entry_count', 0).is('last_entry_at', null))).toBe(30);
    expect(
      await count((q) => q.not('wallet_binding_id', 'in', '(wallet_test_1,wallet_test_2)')),
    ).toBe(28);
  });

  it('an unknown column or operator is a PostgREST error, not an empty answer', async () => {
    const bad = await sb.from('wallets').select('nope');
    expect(bad.status).toBe(400);
    expect(bad.error?.code).toBe('42703');
    const op = await sb.from('wallets').select('*').filter('balance_cents', 'cs', '{1}');
    expect(op.error?.code).toBe('PGRST100');
    const table = await sb.from('no_such_table').select('*');
    expect(table.status).toBe(404);
    expect(table.error?.code).toBe('PGRST205');
  });
});

describe('pagination: limit, offset, range, Range header', () => {
  it('range() pages in order and Content-Range carries the count', async () => {
    const seen: string[] = [];
    for (let from = 0; from < 30; from += 7) {
      const { data, error, count } = await sb
        .from('wallets')
        .select('wallet_binding_id', { count: 'exact' })
        .order('wallet_binding_id')
        .range(from, from + 6);
      expect(error).toBeNull();
      expect(count).toBe(30);
      seen.push(...(data ?? []).map((r) => r.wallet_binding_id as string));
    }
    expect(new Set(seen).size).toBe(30);
    expect(seen).toEqual([...seen].sort());
  });

  it('a Range header pages and answers Content-Range', async () => {
    const res = await fetch(`${sandbox.url}/rest/v1/wallets?select=id&order=wallet_binding_id`, {
      headers: { apikey: SERVICE_KEY, Range: '5-9', 'Range-Unit': 'items', Prefer: 'count=exact' },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('5-9/30');
    expect(((await res.json()) as unknown[]).length).toBe(5);
  });
});

describe('single() and maybeSingle()', () => {
  it('single() gets one object, and 406 PGRST116 on none or many', async () => {
    const one = await sb
      .from('wallets')
      .select('wallet_binding_id')
      .eq('wallet_binding_id', 'wallet_test_3')
      .single();
    expect(one.data).toEqual({ wallet_binding_id: 'wallet_test_3' });
    const none = await sb
      .from('wallets')
      .select('*')
      .eq('wallet_binding_id', 'wallet_nobody')
      .single();
    expect(none.status).toBe(406);
    expect(none.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 0 rows' });
    const many = await sb.from('wallets').select('*').single();
    expect(many.error?.code).toBe('PGRST116');
  });

  it('maybeSingle() gets null for none and PGRST116 for many', async () => {
    const none = await sb
      .from('wallets')
      .select('*')
      .eq('wallet_binding_id', 'wallet_nobody')
      .maybeSingle();
    expect(none.error).toBeNull();
    expect(none.data).toBeNull();
    const many = await sb
      .from('wallets')
      .select('*')
      .like('wallet_binding_id', 'wallet_test_2*')
      .maybeSingle();
    expect(many.error?.code).toBe('PGRST116');
  });
});

describe("count: select('*', {count:'exact', head:true})", () => {
  it('HEAD answers the count alone', async () => {
    const { count, data, error, status } = await sb
      .from('wallets')
      .select('*', { count: 'exact', head: true })
      .like('wallet_binding_id', 'wallet_test_1*');
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(data).toBeNull();
    expect(count).toBe(11);
  });
});

describe('insert, update, delete', () => {
  it('inserts one and many, returning or not', async () => {
    const one = await sb
      .from('vendor_items')
      .insert({ venue_id: 'rest-venue', name: 'Water', price_cents: 300 })
      .select('name, price_cents')
      .single();
    expect(one.status).toBe(201);
    expect(one.data).toEqual({ name: 'Water', price_cents: 300 });
    const many = await sb.from('vendor_items').insert([
      { venue_id: 'rest-venue', name: 'Chips', price_cents: 250 },
      { venue_id: 'rest-venue', name: 'Juice', price_cents: 450, category: 'drinks' },
    ]);
    expect(many.error).toBeNull();
    expect(many.status).toBe(201);
    expect(many.data).toBeNull();
    const { rows } = await sandbox.db.query<{ n: number }>(
      "select count(*)::int as n from vendor_items where venue_id = 'rest-venue'",
    );
    expect(rows[0]?.n).toBe(3);
  });

  it('an unknown column in an insert or update is 400 PGRST204 and writes nothing', async () => {
    const ins = await sb
      .from('transactions')
      .insert({ wallet_binding_id: 'wallet_test_1', type: 'FUND', amount_cents: 1 });
    expect(ins.status).toBe(400);
    expect(ins.error?.code).toBe('PGRST204');
    expect(ins.error?.message).toContain("'wallet_binding_id' column of 'transactions'");
    const upd = await sb
      .from('wallets')
      .update({ balance: 5 })
      .eq('wallet_binding_id', 'wallet_test_1');
    expect(upd.error?.code).toBe('PGRST204');
  });

  it('a non-uuid against a uuid column is 400 with SQLSTATE 22P02', async () => {
    const r = await sb.from('wallets').select('*').eq('id', 'not-a-uuid');
    expect(r.status).toBe(400);
    expect(r.error?.code).toBe('22P02');
    expect(r.error?.message).toContain('uuid');
  });

  it('updates and deletes by filter', async () => {
    const upd = await sb
      .from('vendor_items')
      .update({ price_cents: 350 })
      .eq('venue_id', 'rest-venue')
      .eq('name', 'Water')
      .select('name, price_cents');
    expect(upd.status).toBe(200);
    expect(upd.data).toEqual([{ name: 'Water', price_cents: 350 }]);
    const del = await sb
      .from('vendor_items')
      .delete({ count: 'exact' })
      .eq('venue_id', 'rest-venue');
    expect(del.error).toBeNull();
    expect(del.status).toBe(204);
    expect(del.count).toBe(3);
  });
});

describe('upsert (on_conflict, merge-duplicates)', () => {
  it('merges on the conflict column', async () => {
    const r = await sb
      .from('wallets')
      .upsert(
        [
          {
            wallet_binding_id: 'wallet_test_1',
            device_fingerprint: 'device_test_1',
            balance_cents: 777,
          },
          {
            wallet_binding_id: 'wallet_rest_new',
            device_fingerprint: 'device_rest_new',
            balance_cents: 5,
          },
        ],
        { onConflict: 'wallet_binding_id' },
      )
      .select('wallet_binding_id, balance_cents')
      .order('wallet_binding_id');
    expect(r.error).toBeNull();
    expect(r.data).toEqual([
      { wallet_binding_id: 'wallet_rest_new', balance_cents: 5 },
      { wallet_binding_id: 'wallet_test_1', balance_cents: 777 },
    ]);
    const ignored = await sb.from('wallets').upsert(
      {
        wallet_binding_id: 'wallet_test_1',
        device_fingerprint: 'device_test_1',
        balance_cents: 1,
      },
      { onConflict: 'wallet_binding_id', ignoreDuplicates: true },
    );
    expect(ignored.error).toBeNull();
    const { rows } = await sandbox.db.query<{ b: number }>(
      "select balance_cents::int as b from wallets where wallet_binding_id = 'wallet_test_1'",
    );
    expect(rows[0]?.b).toBe(777);
  });
});

describe('rpc', () => {
  it('calls a scalar and a set-returning function with named args', async () => {
    const sum = await sb.rpc('add_cents', { a: 2, b: 40 });
    expect(sum.error).toBeNull();
    expect(sum.data).toBe(42);
    const set = await sb.rpc('rich_wallets', { min_cents: 700 }).select('wallet_binding_id');
    expect(set.error).toBeNull();
    expect((set.data as unknown[]).length).toBeGreaterThan(0);
    const viaGet = await sb.rpc('add_cents', { a: 1, b: 2 }, { get: true });
    expect(viaGet.data).toBe(3);
    const badArg = await sb.rpc('add_cents', { a: 1, c: 2 });
    expect(badArg.error?.code).toBe('PGRST202');
    const missing = await sb.rpc('no_such_fn', {});
    expect(missing.error?.code).toBe('PGRST202');
  });
});

describe('auth', () => {
  it('a wrong or missing key is 401 PGRST301', async () => {
    const wrong = createClient(sandbox.url, 'not-the-key', {
      realtime: { transport: ws as never },
      auth: { persistSession: false },
    });
    const r = await wrong.from('wallets').select('*');
    expect(r.status).toBe(401);
    expect(r.error?.code).toBe('PGRST301');
    const none = await fetch(`${sandbox.url}/rest/v1/wallets`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 'PGRST301' });
    const mixed = await fetch(`${sandbox.url}/rest/v1/wallets`, {
      headers: { apikey: SERVICE_KEY, Authorization: 'Bearer forged' },
    });
    expect(mixed.status).toBe(401);
    const anon = createClient(sandbox.url, ANON_KEY, {
      realtime: { transport: ws as never },
      auth: { persistSession: false },
    });
    const read = await anon.from('wallets').select('id').limit(1);
    expect(read.error).toBeNull();
    expect(read.data).toHaveLength(1);
  });
});
