/**
 * Test support: a sandbox in one mode on a real database (PGlite, or PostgreSQL when `db` is
 * given), the fleet's real client, a wallet-write barrier (db-barrier.ts) and the few calls the
 * defect tests make. Raw `fetch` where a test needs what the client does not send (an
 * Idempotency-Key, a bad interaction_method). Test-only (tsconfig.build.json leaves it out).
 */
import { afterAll, beforeAll } from 'vitest';
import { createGhostPassClient, type GhostPassClient } from '../../client.js';
import { checkoutCompletedEvent, signStripePayload } from '../../stripe-events.js';
import { walletRef } from '../../target.js';
import { type Db, openPglite } from '../db.js';
import type { SandboxMode } from '../mode.js';
import { type Sandbox, startSandbox } from '../server.js';
import { type Barrier, withBarrier } from './db-barrier.js';

export const RIG_SECRET = 'whsec_rig_test';
/** Every balance write of both modes starts like this (handlers/, ghostpass-mode/, ledger.ts). */
export const BALANCE_WRITE = /^\s*update wallets set balance_cents/i;

export interface Rig {
  sb: Sandbox;
  client: GhostPassClient;
  barrier: Barrier;
  /** One number from SQL (`... as n`). */
  n(sql: string, params?: unknown[]): Promise<number | null>;
  balance(w: number): Promise<number | null>;
  /** What the ledger says the balance is: ΣFUND − ΣSPEND, opening row included (I2). */
  ledgerBalance(w: number): Promise<number | null>;
  /** POST JSON with the wallet's fingerprint and any extra headers; status and parsed body. */
  post(path: string, w: number, body: unknown, headers?: Record<string, string>): Promise<Http>;
  scan(
    w: number,
    opts?: { venue?: 'main' | 'free'; method?: string; door?: number },
  ): Promise<Http>;
  buy(
    w: number,
    opts?: { item?: number; quantity?: number; tip?: number; key?: string },
  ): Promise<Http>;
  deliver(sessionId: string, w: number | string, amountCents: number): Promise<Http>;
  /** A checkout session from the sandbox's Stripe double. */
  checkout(w: number, amountCents: number): Promise<string>;
  close(): Promise<void>;
}

export interface Http {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function startRig(
  mode: SandboxMode,
  opts: { wallets?: number; db?: Db } = {},
): Promise<Rig> {
  const base = opts.db ?? (await openPglite());
  const barrier = withBarrier(base, BALANCE_WRITE);
  const sb = await startSandbox({
    mode,
    db: barrier.db,
    wallets: opts.wallets ?? 40,
    webhookSecret: RIG_SECRET,
  });
  const client = createGhostPassClient({ baseUrl: sb.url });
  const n = async (sql: string, params?: unknown[]) => {
    const v = (await sb.db.query<{ n: unknown }>(sql, params)).rows[0]?.n;
    return v === null || v === undefined ? null : Number(v);
  };
  const post = async (path: string, w: number, body: unknown, headers = {}) => {
    const res = await fetch(`${sb.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-device-fingerprint': walletRef(w).fingerprint,
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : {}, headers: res.headers };
  };
  const rig: Rig = {
    sb,
    client,
    barrier,
    n,
    balance: (w) =>
      n('select balance_cents as n from wallets where wallet_binding_id = $1', [
        walletRef(w).binding,
      ]),
    ledgerBalance: (w) =>
      n(
        `select sum(case when t.type = 'FUND' then t.amount_cents else -t.amount_cents end) as n
         from transactions t join wallets w on w.id = t.wallet_id where w.wallet_binding_id = $1`,
        [walletRef(w).binding],
      ),
    post,
    scan: (w, o = {}) => {
      const free = o.venue === 'free' ? sb.ids.zeroFeeVenue : undefined;
      return post('/api/entry/scan', w, {
        wallet_binding_id: walletRef(w).binding,
        venue_id: free?.venueId ?? sb.ids.venueId,
        gateway_id: free?.entryGateways[0] ?? sb.ids.entryGateways[o.door ?? 0],
        interaction_method: o.method ?? 'QR',
      });
    },
    buy: (w, o = {}) =>
      post(
        '/api/vendor/purchase',
        w,
        {
          wallet_binding_id: walletRef(w).binding,
          item_id: sb.ids.items[o.item ?? 0]?.id,
          gateway_id: sb.ids.concessionGateways[0],
          quantity: o.quantity ?? 1,
          tip_amount_cents: o.tip ?? 0,
          interaction_method: 'NFC',
        },
        o.key === undefined ? {} : { 'idempotency-key': o.key },
      ),
    deliver: async (sessionId, w, amountCents) => {
      const binding = typeof w === 'number' ? walletRef(w).binding : w;
      const raw = checkoutCompletedEvent({
        sessionId,
        amountCents,
        walletBindingId: binding,
        fingerprint: typeof w === 'number' ? walletRef(w).fingerprint : 'device_nobody',
      });
      const res = await fetch(`${sb.url}/api/stripe/webhook`, {
        method: 'POST',
        headers: { 'stripe-signature': signStripePayload(raw, RIG_SECRET) },
        body: raw,
      });
      const body = (await res.json()) as Record<string, unknown>;
      return { status: res.status, body, headers: res.headers };
    },
    checkout: async (w, amountCents) => {
      const ref = walletRef(w);
      const r = await client.createCheckoutSession({
        walletBindingId: ref.binding,
        fingerprint: ref.fingerprint,
        amountCents,
      });
      if (r.kind !== 'ok') throw new Error(`checkout failed: ${r.kind}`);
      return r.body.session_id;
    },
    close: async () => {
      barrier.disarm();
      await client.close();
      await sb.close();
      await base.close();
    },
  };
  return rig;
}

/** Both modes count a wallet's earlier entries with this statement (the entry-number read). */
export const ENTRY_COUNT = /^\s*select count\(\*\)::int as n from entry_events/i;

/**
 * Runs `fn` with the barrier armed for `parties` on `pattern` (default the balance write),
 * disarming it whatever happens.
 */
export async function racing<T>(
  rig: Rig,
  parties: number,
  fn: () => Promise<T>,
  pattern?: RegExp,
): Promise<T> {
  rig.barrier.arm(parties, pattern);
  try {
    return await fn();
  } finally {
    rig.barrier.disarm();
  }
}

/**
 * Starts a ghostpass-mode and a correct-mode rig for the enclosing test file (beforeAll) and
 * closes them after it (afterAll); read them through the returned getters inside tests.
 */
export function useBothModes(opts: { wallets?: number } = {}): { gp: () => Rig; ok: () => Rig } {
  let gp: Rig | undefined;
  let ok: Rig | undefined;
  beforeAll(async () => {
    [gp, ok] = await Promise.all([startRig('ghostpass', opts), startRig('correct', opts)]);
  });
  afterAll(async () => {
    await Promise.all([gp?.close(), ok?.close()]);
  });
  const get = (r: Rig | undefined) => {
    if (r === undefined) throw new Error('rigs are not started (use inside a test)');
    return r;
  };
  return { gp: () => get(gp), ok: () => get(ok) };
}
