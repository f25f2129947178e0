/**
 * Defect 4 end to end on PGlite: a terminal's purchase retried after a timeout
 * (`withTimeoutRetry`, the device's own policy: a 1-ms first attempt, then one retry with the same
 * Idempotency-Key) against the sandbox served over HTTP, journaled as the device reports it, then
 * validated. GhostPass (no key) charges twice and I10 names the second row a double charge;
 * correct mode answers the retry from the first charge and every invariant holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../contract/journal.js';
import type { EventResult } from '../contract/payloads.js';
import { withTimeoutRetry } from '../devices/kinds/collision.js';
import { createGhostPassClient } from '../ghostpass/client.js';
import type { SandboxMode } from '../ghostpass/sandbox/mode.js';
import { type Sandbox, startSandbox } from '../ghostpass/sandbox/server.js';
import { walletRef } from '../ghostpass/target.js';
import { sandboxBackend } from './db/pglite.js';
import { endRecord, plannedRecord } from './testing/journal-records.js';
import { TEST_WEBHOOK_SECRET } from './testing/run-builder.js';
import { validateRun } from './validate.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function retriedPurchase(mode: SandboxMode) {
  // 20 ms before each statement: no answer can beat the first attempt's 1-ms client timeout.
  sb = await startSandbox({
    mode,
    wallets: 3,
    webhookSecret: TEST_WEBHOOK_SECRET,
    statementLatencyMs: 20,
  });
  const client = createGhostPassClient({ baseUrl: sb.url });
  const t0 = new Date(Date.now() - 1);
  const w = walletRef(2);
  const item = sb.ids.items[0];
  if (item === undefined) throw new Error('no items');
  const at = Date.now();
  try {
    const a = await withTimeoutRetry('purchase', (opts) =>
      client.purchase(
        {
          walletBindingId: w.binding,
          fingerprint: w.fingerprint,
          itemId: item.id,
          gatewayId: sb?.ids.concessionGateways[0] ?? '',
          quantity: 1,
          tipCents: 0,
          method: 'QR',
        },
        opts,
      ),
    );
    await sb.drain(); // the abandoned first attempt runs to its end
    expect(a.calls.map((c) => [c.outcome, c.retryOf])).toEqual([
      ['timeout', undefined],
      ['ok', 0],
    ]);
    const result: EventResult = {
      id: 'c-1',
      op: 'concession',
      outcome: a.result.kind === 'ok' ? 'ok' : 'error',
      source: 'virtual',
      at,
      sent: a.firstSent,
      responded: a.result.responded,
      decided: a.result.responded,
      wallet: w.binding,
      chargedCents: item.priceCents,
      attempts: a.attempts,
      idempotencyKey: a.idempotencyKey,
      calls: a.calls,
    };
    const journal: JournalRecord[] = [
      plannedRecord(
        { id: 'c-1', op: 'concession', at, device: 'concession-1', wallet: w.binding },
        { collision: { kind: 'retry-after-timeout', group: 'x-1' } },
      ),
      endRecord('concession-1', result),
    ];
    return await validateRun({
      db: sandboxBackend(sb.db),
      t0,
      venueIds: [sb.ids.venueId],
      journal,
    });
  } finally {
    await client.close();
  }
}

describe('a purchase retried after a timeout', () => {
  it('ghostpass mode: charged twice, I10 reports the double charge (defect 4)', async () => {
    const v = await retriedPurchase('ghostpass');
    const i10 = v.results.find((r) => r.id === 'I10');
    expect(i10?.ok).toBe(false);
    expect(i10?.note).toMatch(/^1 rows matched; 0 explained; double_charge 1$/);
    expect(i10?.sample[0]).toMatchObject({
      problem: 'double_charge',
      eventId: 'c-1',
      detail: expect.stringMatching(/^2 attempts, Idempotency-Key [0-9a-f-]{36}: charged 2 times/),
    });
    expect(v.ok).toBe(false);
  }, 30_000);

  it('correct mode: the Idempotency-Key is honoured, one charge, every invariant holds', async () => {
    const v = await retriedPurchase('correct');
    const bad = v.results.filter((r) => r.count > 0 && !r.reportOnly);
    expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);
    expect(v.results.find((r) => r.id === 'I10')?.note).toMatch(/^1 rows matched; 0 explained$/);
    expect(v.ok).toBe(true);
  }, 30_000);
});
