/**
 * The sandbox's correct mode served over real HTTP (node:http on port 0, the undici client),
 * hit with deliberate same-wallet collisions — both doors at once, two terminals charging one
 * wallet at once, a purchase racing a webhook credit, a webhook delivered twice concurrently and
 * racing verify-session — keeps every invariant, I10 included (the journal is written from what
 * the client saw). On PGlite every transaction is serialized; on PostgreSQL 15 the requests
 * really contend and `SELECT … FOR UPDATE` is what keeps the rows right.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../contract/journal.js';
import type { Operation } from '../contract/operations.js';
import type { EventResult } from '../contract/payloads.js';
import {
  type ApiResult,
  createGhostPassClient,
  type GhostPassClient,
} from '../ghostpass/client.js';
import type { Db } from '../ghostpass/sandbox/db.js';
import { type Sandbox, startSandbox } from '../ghostpass/sandbox/server.js';
import { checkoutCompletedEvent, signStripePayload } from '../ghostpass/stripe-events.js';
import { walletRef } from '../ghostpass/target.js';
import { BACKENDS, type Harness, type TestDatabase } from './testing/backends.js';
import { endRecord, type PlannedRecord, plannedRecord } from './testing/journal-records.js';
import { TEST_WEBHOOK_SECRET } from './testing/run-builder.js';
import { validateRun } from './validate.js';

for (const kind of BACKENDS) {
  describe.skipIf(kind.skip !== null)(`sandbox collisions on ${kind.name}`, () => {
    let harness: Harness;
    let tdb: TestDatabase;
    let sb: Sandbox;
    let client: GhostPassClient;
    beforeAll(async () => {
      harness = await kind.start();
      tdb = await harness.fresh();
      // The sandbox must not close the harness's database: hand it a handle whose close is a no-op.
      const db: Db = { ...tdb.db, close: async () => {} };
      sb = await startSandbox({ db, wallets: 20, webhookSecret: TEST_WEBHOOK_SECRET });
      client = createGhostPassClient({ baseUrl: sb.url });
    }, 60_000);
    afterAll(async () => {
      await client?.close();
      await sb?.close();
      await tdb?.close();
      await harness?.stop();
    });

    it('correct mode keeps every invariant under same-wallet collisions', async () => {
      const t0 = await tdb.now();
      const journal: JournalRecord[] = [];
      let seq = 0;
      const record = async <T>(
        op: Operation,
        w: number,
        extra: Partial<PlannedRecord>,
        call: () => Promise<ApiResult<T>>,
        fields: (body: T) => Partial<EventResult> = () => ({}),
      ) => {
        const id = `ev-${++seq}`;
        const wallet = walletRef(w).binding;
        const at = Date.now();
        journal.push(plannedRecord({ id, op, at, device: op, wallet }, extra));
        const r = await call();
        const outcome = r.kind === 'ok' ? 'ok' : r.kind === 'declined' ? 'declined' : r.kind;
        const result: EventResult = {
          id,
          op,
          outcome,
          source: 'virtual',
          at,
          sent: r.sent,
          responded: r.responded,
          decided: r.responded,
          wallet,
          ...(r.kind === 'ok' ? fields(r.body) : {}),
        };
        journal.push(endRecord(op, result));
        return r;
      };
      const scan = (w: number, door: number) => {
        const ref = walletRef(w);
        return record(
          'entry',
          w,
          {},
          () =>
            client.entryScan({
              walletBindingId: ref.binding,
              fingerprint: ref.fingerprint,
              venueId: sb.ids.venueId,
              gatewayId: sb.ids.entryGateways[door] ?? '',
              method: 'QR',
            }),
          (b) => ({ receiptId: b.receipt_id, entryNumber: b.entry_number }),
        );
      };
      const buy = (w: number, terminal: number) => {
        const ref = walletRef(w);
        const item = sb.ids.items[0]!;
        const cart = {
          itemId: item.id,
          itemName: item.name,
          unitPriceCents: item.priceCents,
          quantity: 1,
          tipCents: 0,
        };
        return record(
          'concession',
          w,
          { cart },
          () =>
            client.purchase({
              walletBindingId: ref.binding,
              fingerprint: ref.fingerprint,
              itemId: item.id,
              gatewayId: sb.ids.concessionGateways[terminal] ?? '',
              quantity: 1,
              tipCents: 0,
              method: 'NFC',
            }),
          (b) => ({ chargedCents: b.transaction.total_charged_cents }),
        );
      };
      const fund = async (w: number, amountCents: number, racingPurchase: boolean) => {
        const ref = walletRef(w);
        const session = await client.createCheckoutSession({
          walletBindingId: ref.binding,
          fingerprint: ref.fingerprint,
          amountCents,
        });
        if (session.kind !== 'ok') throw new Error('no checkout session');
        const sessionId = session.body.session_id;
        const raw = checkoutCompletedEvent({
          sessionId,
          amountCents,
          walletBindingId: ref.binding,
          fingerprint: ref.fingerprint,
        });
        const deliver = () =>
          client.deliverWebhook(raw, signStripePayload(raw, TEST_WEBHOOK_SECRET));
        // Duplicate deliveries at once, racing verify-session (and a purchase on the same wallet).
        await Promise.all([
          record('funding', w, { amountCents }, deliver, () => ({ sessionId })),
          deliver(),
          client.verifySession(sessionId),
          ...(racingPurchase ? [buy(w, 2)] : []),
        ]);
      };

      const work: Promise<unknown>[] = [];
      for (let w = 1; w <= 10; w++) {
        work.push(scan(w, 0), scan(w, 1)); // the same wallet at both doors at once
        work.push(buy(w, 0), buy(w, 1)); // two terminals charging one wallet at once
        work.push(fund(w, 2500, w % 2 === 0));
      }
      await Promise.all(work);

      const v = await validateRun({ db: tdb.backend, t0, venueIds: [sb.ids.venueId], journal });
      const bad = v.results.filter((r) => r.count > 0);
      expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);
      expect(v.ok).toBe(true);
      const rows = await tdb.db.query<{ n: number }>(
        'select count(*)::int as n from transactions where "timestamp" >= $1',
        [t0.toISOString()],
      );
      // 20 entries, 25 purchases, 10 credits (each once, for all its deliveries)
      expect(rows.rows[0]?.n).toBe(55);
      expect(v.results.find((r) => r.id === 'I10')?.note).toMatch(/^55 rows matched; 0 explained/);
    }, 60_000);
  });
}
