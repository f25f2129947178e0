/**
 * GhostPass defects 3, 8 and 9 (GHOSTPASS.md "Known defects"), each triggered over real HTTP on
 * a real PGlite and shown in the rows by direct SQL; the same trigger in correct mode leaves the
 * rows right. Races are made certain by the wallet-write barrier (testing/db-barrier.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { walletRef } from '../../target.js';
import { ENTRY_COUNT, type Rig, racing, useBothModes } from '../testing/test-harness.js';

const rigs = useBothModes();
let gp: Rig;
let ok: Rig;
beforeAll(() => {
  gp = rigs.gp();
  ok = rigs.ok();
});

const entries = (r: Rig, w: number) =>
  r.sb.db.query<{ entry_number: number; entry_type: string }>(
    'select entry_number, entry_type from entry_events where wallet_binding_id = $1 order by entry_number',
    [walletRef(w).binding],
  );
const spent = (r: Rig, w: number) =>
  r.n(
    `select coalesce(sum(t.amount_cents), 0) as n from transactions t join wallets w on w.id = t.wallet_id
     where w.wallet_binding_id = $1 and t.type = 'SPEND'`,
    [walletRef(w).binding],
  );

describe('the modes report themselves', () => {
  it('Sandbox.mode is the mode that runs', () => {
    expect(gp.sb.mode).toBe('ghostpass');
    expect(ok.sb.mode).toBe('correct');
  });
});

describe('defect 3: two doors scanning one wallet at once', () => {
  const trigger = (r: Rig) =>
    racing(r, 2, () => Promise.all([r.scan(1, { door: 0 }), r.scan(1, { door: 1 })]), ENTRY_COUNT);

  it('ghostpass: both are entry 1 and initial; one charge is lost', async () => {
    const res = await trigger(gp);
    expect(res.map((x) => x.status)).toEqual([200, 200]);
    expect(gp.barrier.arrivals).toBe(2);
    const rows = (await entries(gp, 1)).rows;
    expect(rows.map((e) => `${e.entry_type}:${e.entry_number}`)).toEqual([
      'initial:1',
      'initial:1',
    ]);
    // Two SPEND rows of 2500, one balance write survived (defect 1 along with it).
    expect(await spent(gp, 1)).toBe(5000);
    expect(await gp.balance(1)).toBe(7500);
  });

  it('correct: entries 1 and 2, one initial, both charged', async () => {
    const res = await trigger(ok);
    expect(res.map((x) => x.status)).toEqual([200, 200]);
    const rows = (await entries(ok, 1)).rows;
    expect(rows.map((e) => `${e.entry_type}:${e.entry_number}`)).toEqual([
      'initial:1',
      're_entry:2',
    ]);
    expect(await spent(ok, 1)).toBe(3525);
    expect(await ok.balance(1)).toBe(10000 - 3525);
  });
});

describe('defect 8: a fee configured as 0 becomes the default (||)', () => {
  const trigger = async (r: Rig) => [
    await r.scan(2, { venue: 'free' }),
    await r.scan(2, { venue: 'free' }),
  ];

  it('both modes provision the free venue with every fee 0', async () => {
    for (const r of [gp, ok]) {
      const free = r.sb.ids.zeroFeeVenue!;
      expect(free.entryGateways).toHaveLength(1);
      expect(
        await r.n(
          `select count(*) as n from venue_entry_configs where venue_id = $1 and initial_entry_fee_cents = 0
             and venue_reentry_fee_cents = 0 and valid_reentry_scan_fee_cents = 0`,
          [free.venueId],
        ),
      ).toBe(1);
    }
  });

  it('ghostpass: the free venue charges 2500, then 25', async () => {
    const [a, b] = await trigger(gp);
    expect(a?.body['fees']).toMatchObject({
      initial_entry_fee_cents: 2500,
      total_fees_cents: 2500,
    });
    expect(b?.body['fees']).toMatchObject({
      valid_reentry_scan_fee_cents: 25,
      total_fees_cents: 25,
    });
    expect(await gp.balance(2)).toBe(10000 - 2525);
    expect(
      await gp.n(
        `select count(*) as n from entry_events e join venue_entry_configs c on c.venue_id = e.venue_id
         where e.wallet_binding_id = 'wallet_test_2' and e.total_fees_cents <> 0
           and c.initial_entry_fee_cents = 0 and c.valid_reentry_scan_fee_cents = 0`,
      ),
    ).toBe(2);
  });

  it('correct: the free venue charges nothing', async () => {
    const [a, b] = await trigger(ok);
    expect(a?.body['fees']).toMatchObject({ total_fees_cents: 0 });
    expect(b?.body['fees']).toMatchObject({ total_fees_cents: 0 });
    expect(await ok.balance(2)).toBe(10000);
  });
});

describe('defect 9: a failed ledger insert leaves a charged wallet with no SPEND row', () => {
  const trigger = (r: Rig) => r.scan(3, { method: 'BLE' });

  it('ghostpass: 200, the wallet is charged, the entry exists, its debit does not', async () => {
    const res = await trigger(gp);
    expect(res.status).toBe(200);
    const receipt = String(res.body['receipt_id']);
    expect(await gp.balance(3)).toBe(7500);
    expect(
      await gp.n(
        "select count(*) as n from entry_events where receipt_id = $1 and interaction_method = 'BLE'",
        [receipt],
      ),
    ).toBe(1);
    expect(
      await gp.n("select count(*) as n from transactions where metadata->>'receipt_id' = $1", [
        receipt,
      ]),
    ).toBe(0);
    expect(await spent(gp, 3)).toBe(0);
  });

  it('correct: 400 and nothing written', async () => {
    const res = await trigger(ok);
    expect(res.status).toBe(400);
    expect(await ok.balance(3)).toBe(10000);
    expect((await entries(ok, 3)).rows).toHaveLength(0);
  });
});
