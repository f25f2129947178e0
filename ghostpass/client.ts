/**
 * The GhostPass API client every device uses. One undici Pool per client (keep-alive), one HTTP
 * request per call and never a retry: a scanner that retries after a timeout charges twice
 * (GhostPass defect 4), so the caller sees the timeout and decides.
 */
import diagnostics from 'node:diagnostics_channel';
import { Pool } from 'undici';
import type { z } from 'zod';
import { epochNow } from '../contract/clock.js';
import type { Method } from '../contract/operations.js';
import { formatIssues } from '../contract/zod-issues.js';
import {
  AnyObjectSchema,
  type BalanceOk,
  BalanceOkSchema,
  type CheckoutSessionOk,
  CheckoutSessionOkSchema,
  declineCode,
  type EntryScanOk,
  EntryScanOkSchema,
  errorText,
  type PurchaseOk,
  PurchaseOkSchema,
  WebhookOkSchema,
} from './replies.js';
import { DEFAULT_TARGET_PROFILE, type TargetProfile } from './target.js';

export type { BalanceOk, CheckoutSessionOk, EntryScanOk, PurchaseOk } from './replies.js';

/** sent/responded: epoch ms with sub-ms precision (performance.timeOrigin + performance.now()). */
export type ApiResult<T> =
  | { kind: 'ok'; status: number; body: T; sent: number; responded: number }
  | {
      kind: 'declined';
      status: number;
      code: string;
      body: unknown;
      sent: number;
      responded: number;
    }
  | {
      kind: 'error';
      status?: number;
      code: string;
      message: string;
      sent: number;
      responded: number;
    }
  | { kind: 'timeout'; code: 'timeout'; sent: number; responded: number };

/** Per-call options, for deliberate collisions (contract/collisions.ts); none by default. */
export interface CallOptions {
  /** This call's budget instead of the client's (a deliberately short client timeout). */
  timeoutMs?: number;
  /** Sent as `Idempotency-Key`; GhostPass's handlers ignore it (GHOSTPASS.md defect 4). */
  idempotencyKey?: string;
  /**
   * Give up this long after the request was fully written (needs `idempotencyKey`, which is how
   * the written request is recognised): the target surely has the whole request, the client
   * abandons its answer — a timeout that a retry turns into a second charge.
   */
  timeoutAfterSentMs?: number;
}

export interface EntryScanOptions extends CallOptions {
  /** Sent verbatim as `interaction_method` instead of `method` (an out-of-enum value: defect 9). */
  interactionMethod?: string;
}

export interface GhostPassClient {
  entryScan(
    r: {
      walletBindingId: string;
      fingerprint: string;
      venueId: string;
      gatewayId: string;
      method: Method;
    },
    opts?: EntryScanOptions,
  ): Promise<ApiResult<EntryScanOk>>;
  purchase(
    r: {
      walletBindingId: string;
      fingerprint: string;
      itemId: string;
      gatewayId: string;
      quantity: number;
      tipCents: number;
      method: Method;
    },
    opts?: CallOptions,
  ): Promise<ApiResult<PurchaseOk>>;
  createCheckoutSession(r: {
    walletBindingId: string;
    fingerprint: string;
    amountCents: number;
  }): Promise<ApiResult<CheckoutSessionOk>>;
  deliverWebhook(
    rawBody: string,
    stripeSignature: string,
  ): Promise<ApiResult<{ received: boolean }>>;
  verifySession(sessionId: string): Promise<ApiResult<unknown>>;
  balance(fingerprint: string): Promise<ApiResult<BalanceOk>>;
  fund(fingerprint: string, amountDollars: number): Promise<ApiResult<unknown>>;
  /** `POST /api/wallet/fund` with `sources` as given, e.g. `[{}]` (GHOSTPASS.md defect 12). */
  fundSources(fingerprint: string, sources: readonly unknown[]): Promise<ApiResult<unknown>>;
  close(): Promise<void>;
}

export interface ClientOptions {
  baseUrl: string;
  /** Paths, headers and body field names (target-profile.ts); GhostPass's defaults when absent. */
  profile?: TargetProfile;
  /** Pool size (default 16). */
  connections?: number;
  /** Per-request budget for connect + headers + body, in ms (default 10000). */
  timeoutMs?: number;
  /** The connect phase's own limit (default `timeoutMs`): a SYN nobody answers ends here. */
  connectTimeoutMs?: number;
}

/** The app's return URLs for checkout; GhostPass requires a "?" in success_url. */
const SUCCESS_URL = 'https://ghostfleet.invalid/wallet?funded=1';
const CANCEL_URL = 'https://ghostfleet.invalid/wallet?cancelled=1';

/**
 * undici's timeout error codes (undici `lib/core/errors.js`): connecting, waiting for headers and
 * reading the body are each a phase with its own timer. A patron who waited out any of them was
 * timed out, not refused (issue 6: `UND_ERR_CONNECT_TIMEOUT` used to count as an error).
 */
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ABORT_ERR',
  'UND_ERR_ABORTED',
]);

/** undici publishes every fully written request here (docs: undici "Diagnostics Channel"). */
const BODY_SENT = 'undici:request:bodySent';

/** Abort `controller` `ms` after the request carrying `key` was written; returns a cleanup. */
function abortAfterSent(key: string, ms: number, controller: AbortController): () => void {
  let timer: NodeJS.Timeout | undefined;
  const onSent = (message: unknown) => {
    const headers = (message as { request?: { headers?: unknown } }).request?.headers;
    if (!Array.isArray(headers)) return;
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === 'idempotency-key' && headers[i + 1] === key) {
        diagnostics.unsubscribe(BODY_SENT, onSent);
        timer = setTimeout(() => controller.abort(), ms);
        return;
      }
    }
  };
  diagnostics.subscribe(BODY_SENT, onSent);
  return () => {
    diagnostics.unsubscribe(BODY_SENT, onSent);
    clearTimeout(timer);
  };
}

export function createGhostPassClient(opts: ClientOptions): GhostPassClient {
  const profile = opts.profile ?? DEFAULT_TARGET_PROFILE;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const base = new URL(opts.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const pool = new Pool(base.origin, {
    connections: opts.connections ?? 16,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: opts.connectTimeoutMs ?? timeoutMs },
  });

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: z.ZodType<T>,
    headers: Record<string, string>,
    body?: string,
    opts: CallOptions = {},
  ): Promise<ApiResult<T>> {
    const sent = epochNow();
    // The pool's timeouts are per phase; a cleared timer caps the whole exchange at timeoutMs (not
    // AbortSignal.timeout: that one fires, and dispatches an abort event, timeoutMs after every
    // request, long after the answer came — ~3 % of a device host's CPU at 10x pilot).
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), opts.timeoutMs ?? timeoutMs);
    let signal: AbortSignal = abort.signal;
    let cleanup = () => {};
    if (opts.timeoutAfterSentMs !== undefined && opts.idempotencyKey !== undefined) {
      const giveUp = new AbortController();
      cleanup = abortAfterSent(opts.idempotencyKey, opts.timeoutAfterSentMs, giveUp);
      signal = AbortSignal.any([signal, giveUp.signal]);
    }
    let status: number;
    let text: string;
    try {
      const res = await pool.request({
        method,
        path: prefix + path,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(opts.idempotencyKey === undefined ? {} : { 'idempotency-key': opts.idempotencyKey }),
          ...headers,
        },
        ...(body === undefined ? {} : { body }),
        signal,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      const responded = epochNow();
      const code = errCode(err);
      if (signal.aborted || TIMEOUT_CODES.has(code)) {
        return { kind: 'timeout', code: 'timeout', sent, responded };
      }
      return { kind: 'error', code, message: errMessage(err), sent, responded };
    } finally {
      clearTimeout(timer);
      cleanup();
    }
    const responded = epochNow();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      if (status >= 200 && status < 300) {
        return {
          kind: 'error',
          status,
          code: 'bad_json',
          message: 'reply is not JSON',
          sent,
          responded,
        };
      }
      json = text;
    }
    if (status >= 200 && status < 300) {
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const message = formatIssues(parsed.error.issues.slice(0, 3)).join('; ');
        return { kind: 'error', status, code: 'bad_reply', message, sent, responded };
      }
      return { kind: 'ok', status, body: parsed.data, sent, responded };
    }
    if (status >= 400 && status < 500) {
      return {
        kind: 'declined',
        status,
        code: declineCode(status, json),
        body: json,
        sent,
        responded,
      };
    }
    return {
      kind: 'error',
      status,
      code: `http_${status}`,
      message: errorText(json) ?? `HTTP ${status}`,
      sent,
      responded,
    };
  }

  const extra = profile.headers.extra;
  const fp = (fingerprint: string) => ({ ...extra, [profile.headers.fingerprint]: fingerprint });
  const p = profile.paths;
  const f = profile.fields;

  return {
    entryScan: (r, opts = {}) =>
      call(
        'POST',
        p.entryScan,
        EntryScanOkSchema,
        fp(r.fingerprint),
        JSON.stringify({
          [f.entryScan.walletBindingId]: r.walletBindingId,
          [f.entryScan.venueId]: r.venueId,
          [f.entryScan.gatewayId]: r.gatewayId,
          [f.entryScan.interactionMethod]: opts.interactionMethod ?? r.method,
        }),
        opts,
      ),
    purchase: (r, opts = {}) =>
      call(
        'POST',
        p.purchase,
        PurchaseOkSchema,
        fp(r.fingerprint),
        JSON.stringify({
          [f.purchase.walletBindingId]: r.walletBindingId,
          [f.purchase.itemId]: r.itemId,
          [f.purchase.gatewayId]: r.gatewayId,
          [f.purchase.quantity]: r.quantity,
          [f.purchase.tipCents]: r.tipCents,
          [f.purchase.interactionMethod]: r.method,
        }),
        opts,
      ),
    createCheckoutSession: (r) =>
      call(
        'POST',
        p.createCheckoutSession,
        CheckoutSessionOkSchema,
        fp(r.fingerprint),
        JSON.stringify({
          [f.checkout.type]: 'wallet_funding',
          [f.checkout.amount]: r.amountCents,
          [f.checkout.walletBindingId]: r.walletBindingId,
          [f.checkout.deviceFingerprint]: r.fingerprint,
          [f.checkout.successUrl]: SUCCESS_URL,
          [f.checkout.cancelUrl]: CANCEL_URL,
        }),
      ),
    deliverWebhook: (rawBody, stripeSignature) =>
      call(
        'POST',
        p.webhook,
        WebhookOkSchema,
        { ...extra, 'stripe-signature': stripeSignature },
        rawBody,
      ),
    verifySession: (sessionId) =>
      call(
        'POST',
        p.verifySession,
        AnyObjectSchema,
        extra,
        JSON.stringify({ [f.verifySession.sessionId]: sessionId }),
      ),
    balance: (fingerprint) => call('GET', p.balance, BalanceOkSchema, fp(fingerprint)),
    fund: (fingerprint, amountDollars) =>
      call(
        'POST',
        p.fund,
        AnyObjectSchema,
        fp(fingerprint),
        JSON.stringify({ [f.fund.sources]: [{ [f.fund.amount]: amountDollars }] }),
      ),
    fundSources: (fingerprint, sources) =>
      call(
        'POST',
        p.fund,
        AnyObjectSchema,
        fp(fingerprint),
        JSON.stringify({ [f.fund.sources]: sources }),
      ),
    close: () => pool.close(),
  };
}

function errCode(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { code, name } = err as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    if (name === 'TimeoutError' || name === 'AbortError') return 'ABORT_ERR';
    // undici wraps connect failures; the socket's code sits on the cause.
    const cause = (err as { cause?: unknown }).cause;
    if (cause !== undefined && cause !== err) {
      const c = errCode(cause);
      if (c !== 'network') return c;
    }
  }
  return 'network';
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
