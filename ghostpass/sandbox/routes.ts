/**
 * Which handler answers which path in each mode. The HTTP contract (paths, methods, CORS, body
 * parsing) is the same in both; only the handlers differ. The Stripe double (checkout session)
 * is shared: GhostPass's own create-checkout-session writes nothing.
 */
import { DEFAULT_TARGET_PROFILE } from '../target.js';
import { ghostpassBalance } from './ghostpass-mode/balance.js';
import { ghostpassEntryScan } from './ghostpass-mode/entry-scan.js';
import { ghostpassFund } from './ghostpass-mode/fund.js';
import { ghostpassPurchase } from './ghostpass-mode/purchase.js';
import { ghostpassVerifySession } from './ghostpass-mode/verify-session.js';
import { ghostpassWebhook } from './ghostpass-mode/webhook.js';
import { balance } from './handlers/balance.js';
import { createCheckoutSession } from './handlers/checkout-session.js';
import { entryScan } from './handlers/entry-scan.js';
import { fund } from './handlers/fund.js';
import { purchase } from './handlers/purchase.js';
import type { Handler } from './handlers/types.js';
import { verifySession } from './handlers/verify-session.js';
import { webhook } from './handlers/webhook.js';
import type { SandboxMode } from './mode.js';

export interface Route {
  method: 'GET' | 'POST';
  handler: Handler;
  /** Raw routes get the body unparsed (the webhook signs the exact bytes). */
  raw?: boolean;
  /** OPTIONS answers 200 with CORS headers (every GhostPass handler but the webhook). */
  cors: boolean;
  /** CORS headers on every answer, not only OPTIONS (fund.ts calls handleCors first). */
  corsAlways?: boolean;
  /** Honours `Idempotency-Key` in correct mode (the retried terminal and door calls). */
  idempotent?: boolean;
}

const P = DEFAULT_TARGET_PROFILE.paths;

function table(h: Record<'scan' | 'buy' | 'hook' | 'verify' | 'bal' | 'fund', Handler>) {
  return new Map<string, Route>([
    [P.entryScan, { method: 'POST', handler: h.scan, cors: true, idempotent: true }],
    [P.purchase, { method: 'POST', handler: h.buy, cors: true, idempotent: true }],
    [P.createCheckoutSession, { method: 'POST', handler: createCheckoutSession, cors: true }],
    [P.webhook, { method: 'POST', handler: h.hook, raw: true, cors: false }],
    [P.verifySession, { method: 'POST', handler: h.verify, cors: true }],
    [P.balance, { method: 'GET', handler: h.bal, cors: true }],
    [P.fund, { method: 'POST', handler: h.fund, cors: true, corsAlways: true }],
  ]);
}

export const ROUTES: Readonly<Record<SandboxMode, ReadonlyMap<string, Route>>> = Object.freeze({
  correct: table({
    scan: entryScan,
    buy: purchase,
    hook: webhook,
    verify: verifySession,
    bal: balance,
    fund,
  }),
  ghostpass: table({
    scan: ghostpassEntryScan,
    buy: ghostpassPurchase,
    hook: ghostpassWebhook,
    verify: ghostpassVerifySession,
    bal: ghostpassBalance,
    fund: ghostpassFund,
  }),
});
