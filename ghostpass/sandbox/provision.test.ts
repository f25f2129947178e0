import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openPglite } from './db.js';
import { provision } from './provision.js';

let db: Db;
beforeAll(async () => {
  db = await openPglite();
});
afterAll(async () => {
  await db.close();
});

describe('provision', () => {
  it('provisions 5,000 wallets with opening FUND rows, the venue, gateways and items', async () => {
    const ids = await provision(db, { wallets: 5000 });
    const one = async (sql: string, params?: unknown[]) =>
      (await db.query<{ n: number }>(sql, params)).rows[0]?.n;

    expect(await one('select count(*)::int as n from wallets')).toBe(5000);
    expect(await one('select count(distinct device_fingerprint)::int as n from wallets')).toBe(
      5000,
    );
    expect(await one('select count(*)::int as n from wallets where balance_cents <> 10000')).toBe(
      0,
    );
    expect(
      await one(
        "select count(*)::int as n from wallets where wallet_binding_id = 'wallet_test_5000' and device_fingerprint = 'device_test_5000'",
      ),
    ).toBe(1);
    expect(
      await one(
        `select count(*)::int as n from transactions t join wallets w on w.id = t.wallet_id
         where t.type = 'FUND' and t.provider_tx_id is null and (t.metadata->>'opening')::boolean
           and t.amount_cents = 10000 and t.balance_before_cents = 0 and t.balance_after_cents = w.balance_cents`,
      ),
    ).toBe(5000);

    expect(ids.entryGateways).toHaveLength(2);
    expect(ids.concessionGateways).toHaveLength(4);
    const gws = await db.query<{ id: string; name: string; type: string; status: string }>(
      'select id::text as id, name, type, status from gateway_points where venue_id = $1',
      [ids.venueId],
    );
    const byId = new Map(gws.rows.map((g) => [g.id, g]));
    expect(ids.entryGateways.map((id) => byId.get(id)?.name)).toEqual(['door-1', 'door-2']);
    expect(ids.concessionGateways.map((id) => byId.get(id)?.name)).toEqual([
      'concession-1',
      'concession-2',
      'concession-3',
      'concession-4',
    ]);
    expect(gws.rows.every((g) => g.status === 'ENABLED')).toBe(true);
    expect(ids.items.map((i) => [i.name, i.priceCents])).toEqual([
      ['Beer', 800],
      ['Cocktail', 1200],
      ['Soda', 400],
      ['Hot Dog', 600],
      ['Nachos', 900],
      ['Burger', 1100],
    ]);
    const cfg = await db.query<Record<string, unknown>>(
      'select * from venue_entry_configs where venue_id = $1',
      [ids.venueId],
    );
    expect(cfg.rows[0]).toMatchObject({
      event_id: ids.eventId,
      re_entry_allowed: true,
      max_reentries: 25,
    });
    expect(Number(cfg.rows[0]?.['initial_entry_fee_cents'])).toBe(2500);
    expect(Number(cfg.rows[0]?.['venue_reentry_fee_cents'])).toBe(1000);
    expect(Number(cfg.rows[0]?.['valid_reentry_scan_fee_cents'])).toBe(25);
  });

  it('a second provision on the same database adds a venue but no duplicate wallets or opening rows', async () => {
    const ids = await provision(db, { wallets: 10 });
    expect(ids.venueId).toMatch(/^venue_/);
    const n = await db.query<{ n: number }>(
      "select count(*)::int as n from transactions where metadata->>'opening' = 'true'",
    );
    expect(n.rows[0]?.n).toBe(5000);
  });

  it('the unique constraints of correct mode hold', async () => {
    await expect(
      db.query(
        "insert into wallets (device_fingerprint, wallet_binding_id) values ('device_test_1', 'other')",
      ),
    ).rejects.toThrow();
    const w = await db.query<{ id: string }>('select id::text as id from wallets limit 1');
    const id = w.rows[0]?.id;
    await db.query(
      "insert into transactions (wallet_id, type, amount_cents, provider_tx_id) values ($1, 'FUND', 1, 'cs_dup')",
      [id],
    );
    await expect(
      db.query(
        "insert into transactions (wallet_id, type, amount_cents, provider_tx_id) values ($1, 'FUND', 1, 'cs_dup')",
        [id],
      ),
    ).rejects.toThrow();
  });
});

describe('provision on the ghostpass schema', () => {
  let gdb: Db;
  beforeAll(async () => {
    gdb = await openPglite();
  });
  afterAll(async () => {
    await gdb.close();
  });

  it('writes the same test data into GhostPass schema (enums, no unique indexes), twice without duplicates', async () => {
    const a = await provision(gdb, { wallets: 50, mode: 'ghostpass' });
    const b = await provision(gdb, { wallets: 50, mode: 'ghostpass' });
    expect(a.venueId).not.toBe(b.venueId);
    const one = async (sql: string) => Number((await gdb.query<{ n: unknown }>(sql)).rows[0]?.n);
    expect(await one('select count(*) as n from wallets')).toBe(50);
    expect(
      await one("select count(*) as n from transactions where metadata->>'opening' = 'true'"),
    ).toBe(50);
    expect(a.entryGateways).toHaveLength(2);
    expect(a.concessionGateways).toHaveLength(4);
    expect(
      await one(
        "select count(*) as n from gateway_points where type = 'ENTRY_POINT'::gateway_type and status = 'ENABLED'::gateway_status",
      ),
    ).toBe(6);
    expect(
      await one("select count(*) as n from pg_type where typname = 'interaction_method'"),
    ).toBe(1);
    // GhostPass's schema has no unique index on provider_tx_id: a second row goes in.
    const w = (await gdb.query<{ id: string }>('select id::text as id from wallets limit 1'))
      .rows[0]?.id;
    for (let i = 0; i < 2; i++) {
      await gdb.query(
        "insert into transactions (wallet_id, type, amount_cents, provider_tx_id) values ($1, 'FUND', 1, 'cs_dup')",
        [w],
      );
    }
    expect(
      await one("select count(*) as n from transactions where provider_tx_id = 'cs_dup'"),
    ).toBe(2);
  });

  it('the free venue has every fee 0 and one ENABLED entry gateway, in both schemas', async () => {
    for (const [mode, d] of [
      ['ghostpass', gdb],
      ['correct', db],
    ] as const) {
      const ids = await provision(d, { wallets: 1, mode });
      const free = ids.zeroFeeVenue!;
      const cfg = await d.query<Record<string, unknown>>(
        'select initial_entry_fee_cents, venue_reentry_fee_cents, valid_reentry_scan_fee_cents from venue_entry_configs where venue_id = $1',
        [free.venueId],
      );
      expect(cfg.rows.map((r) => Object.values(r).map(Number))).toEqual([[0, 0, 0]]);
      const gw = await d.query<{ venue_id: string; type: string; name: string }>(
        'select venue_id, type::text as type, name from gateway_points where id::text = $1',
        [free.entryGateways[0]],
      );
      expect(gw.rows).toEqual([
        { venue_id: free.venueId, type: 'ENTRY_POINT', name: 'zero-fee-door-1' },
      ]);
    }
  });
});
