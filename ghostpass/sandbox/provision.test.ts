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
