/**
 * Test support: a run's rows and its journal built together. Each operation goes through the
 * sandbox's own correct-mode handlers (the same code `startSandbox` serves over HTTP) on any `Db`
 * — PGlite or a real PostgreSQL — and is journaled as a device would journal it (planned + end
 * with the device's result fields), so invariants and reconciliation see a faithful run.
 */

import type { JournalRecord, RunPlan } from '../../contract/journal.js';
import type { DeviceOutcome } from '../../contract/operations.js';
import type { EventResult } from '../../contract/payloads.js';
import type { Db } from '../../ghostpass/sandbox/db.js';
import { createCheckoutSession } from '../../ghostpass/sandbox/handlers/checkout-session.js';
import { entryScan } from '../../ghostpass/sandbox/handlers/entry-scan.js';
import { purchase } from '../../ghostpass/sandbox/handlers/purchase.js';
import type { Reply } from '../../ghostpass/sandbox/handlers/types.js';
import { webhook } from '../../ghostpass/sandbox/handlers/webhook.js';
import { checkoutCompletedEvent, signStripePayload } from '../../ghostpass/stripe-events.js';
import { type TargetIds, walletRef } from '../../ghostpass/target.js';
import { endRecord, type PlannedRecord, plannedRecord } from './journal-records.js';

export const TEST_WEBHOOK_SECRET = 'whsec_validation_test';

type Body = Record<string, unknown>;

export interface RunBuilder {
  readonly journal: JournalRecord[];
  entry(w: number, door?: number): Promise<EventResult>;
  purchase(w: number, item?: number, quantity?: number, tipCents?: number): Promise<EventResult>;
  fund(w: number, amountCents: number): Promise<EventResult>;
}

const outcomeOf = (status: number): DeviceOutcome =>
  status === 200 ? 'ok' : status >= 400 && status < 500 ? 'declined' : 'error';

/** A run plan for hand-made journals (only the report reads it). */
export const TEST_RUN_PLAN: RunPlan = {
  durationMs: 60_000,
  dropDeadlineMs: 10_000,
  perMinute: { entry: 200, concession: 120, funding: 30 },
  thresholds: {
    entryP95Seconds: 0.5,
    concessionP95Seconds: 0.8,
    fundingMeanSeconds: 5,
    failureRate: 0.005,
    latency: 'sojourn',
  },
};

export function runBuilder(db: Db, ids: TargetIds): RunBuilder {
  const journal: JournalRecord[] = [
    {
      t: 'run',
      runId: 'validation-test',
      scenario: 'test',
      seed: 1,
      createdAt: Date.now(),
      plan: TEST_RUN_PLAN,
    },
  ];
  let seq = 0;
  const ctx = (headers: Record<string, string>, body: Body) => ({
    db,
    headers,
    body,
    rawBody: JSON.stringify(body),
    webhookSecret: TEST_WEBHOOK_SECRET,
  });

  async function perform(
    op: 'entry' | 'concession' | 'funding',
    w: number,
    planned: Partial<PlannedRecord>,
    call: () => Promise<{ reply: Reply; extra: Partial<EventResult> }>,
  ): Promise<EventResult> {
    const id = `ev-${++seq}`;
    const device = op === 'entry' ? 'door-1' : op === 'concession' ? 'concession-1' : 'wallets';
    const wallet = walletRef(w).binding;
    const at = Date.now();
    journal.push(plannedRecord({ id, op, at, device, wallet }, planned));
    const sent = Date.now();
    const { reply, extra } = await call();
    const responded = Date.now();
    const result: EventResult = {
      id,
      op,
      outcome: outcomeOf(reply.status),
      source: 'virtual',
      at,
      sent,
      responded,
      decided: responded,
      status: reply.status,
      wallet,
      ...extra,
    };
    journal.push(endRecord(device, result));
    return result;
  }

  return {
    journal,
    entry(w, door = 0) {
      const ref = walletRef(w);
      return perform('entry', w, {}, async () => {
        const reply = await entryScan(
          ctx(
            { 'x-device-fingerprint': ref.fingerprint },
            {
              wallet_binding_id: ref.binding,
              venue_id: ids.venueId,
              gateway_id: ids.entryGateways[door],
              interaction_method: 'QR',
            },
          ),
        );
        const b = reply.body as Body;
        return {
          reply,
          extra:
            reply.status === 200
              ? {
                  receiptId: String(b['receipt_id']),
                  entryNumber: Number(b['entry_number']),
                  chargedCents: Number((b['fees'] as Body)['total_fees_cents']),
                }
              : {},
        };
      });
    },
    purchase(w, item = 0, quantity = 1, tipCents = 0) {
      const ref = walletRef(w);
      const it = ids.items[item];
      if (it === undefined) throw new RangeError(`no item ${item}`);
      const cart = {
        itemId: it.id,
        itemName: it.name,
        unitPriceCents: it.priceCents,
        quantity,
        tipCents,
      };
      return perform('concession', w, { cart }, async () => {
        const reply = await purchase(
          ctx(
            { 'x-device-fingerprint': ref.fingerprint },
            {
              wallet_binding_id: ref.binding,
              item_id: it.id,
              gateway_id: ids.concessionGateways[0],
              quantity,
              tip_amount_cents: tipCents,
              interaction_method: 'NFC',
            },
          ),
        );
        const t = (reply.body as Body)['transaction'] as Body | undefined;
        return {
          reply,
          extra:
            reply.status === 200 && t ? { chargedCents: Number(t['total_charged_cents']) } : {},
        };
      });
    },
    fund(w, amountCents) {
      const ref = walletRef(w);
      return perform('funding', w, { amountCents }, async () => {
        const session = await createCheckoutSession(
          ctx(
            {},
            {
              type: 'wallet_funding',
              amount: amountCents,
              wallet_binding_id: ref.binding,
              device_fingerprint: ref.fingerprint,
              success_url: 'https://example.test/ok?s=1',
              cancel_url: 'https://example.test/cancel',
            },
          ),
        );
        if (session.status !== 200) return { reply: session, extra: {} };
        const sessionId = String((session.body as Body)['session_id']);
        const raw = checkoutCompletedEvent({
          sessionId,
          amountCents,
          walletBindingId: ref.binding,
          fingerprint: ref.fingerprint,
        });
        const reply = await webhook({
          db,
          headers: { 'stripe-signature': signStripePayload(raw, TEST_WEBHOOK_SECRET) },
          body: undefined,
          rawBody: raw,
          webhookSecret: TEST_WEBHOOK_SECRET,
        });
        return { reply, extra: { sessionId, chargedCents: -amountCents } };
      });
    },
  };
}
