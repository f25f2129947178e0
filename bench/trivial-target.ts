/**
 * A trivial GhostPass-shaped HTTP target for the benchmark: node:http on 127.0.0.1, no database,
 * answers at once with bodies the fleet's client accepts (ghostpass/replies.ts schemas, field names
 * from GHOSTPASS.md "The four patron operations"). It is the "infinitely fast GhostPass": whatever
 * the bench measures is the fleet's own cost, not the API's.
 *
 * Deliberately trivial:
 * - balances live in a Map per fingerprint (opening 10000 cents); only the Stripe webhook moves
 *   them (credits `amount_total`, once per session id), so the wallet-app's balance poll sees its
 *   credit. Scans and purchases reply with the balance they would leave but do not debit: the bench
 *   wants every request to be a 200 of the same cost, not a slowly emptying wallet turning into 402s.
 * - the webhook checks only that a `Stripe-Signature` header is present (no HMAC).
 * Bodies are parsed with zod before use: even a bench peer keeps untrusted input `unknown`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { DEFAULT_TARGET_PROFILE, type TargetIds } from '../ghostpass/target.js';

export interface TrivialTargetOptions {
  ids: TargetIds;
  openingBalanceCents?: number;
}

export interface TrivialTarget {
  readonly url: string;
  /** Requests answered so far, by path. */
  counts(): Record<string, number>;
  close(): Promise<void>;
}

// Fees of the pilot seed (GHOSTPASS.md "Entry scan": initial 2500, re-entry 1000 + 25 scan fee).
const INITIAL_FEE = 2500;
const REENTRY_VENUE_FEE = 1000;
const REENTRY_SCAN_FEE = 25;
const PLATFORM_FEE_PERCENT = 2.5;
const MAX_BODY = 64 * 1024;

const method = z.enum(['QR', 'NFC']);
const EntryBody = z.object({
  wallet_binding_id: z.string().min(1),
  venue_id: z.string().min(1),
  gateway_id: z.string().min(1),
  interaction_method: method,
});
const PurchaseBody = z.object({
  wallet_binding_id: z.string().min(1),
  item_id: z.string().min(1),
  gateway_id: z.string().min(1),
  quantity: z.number().int().min(1).default(1),
  tip_amount_cents: z.number().int().min(0).default(0),
  interaction_method: method,
});
const CheckoutBody = z.object({
  type: z.literal('wallet_funding'),
  amount: z.number().int().min(50),
  wallet_binding_id: z.string().min(1),
  device_fingerprint: z.string().min(1),
  success_url: z.string().includes('?'),
  cancel_url: z.string(),
});
const WebhookEvent = z.object({
  type: z.string(),
  data: z.object({
    object: z.object({
      id: z.string().min(1),
      amount_total: z.number().int().nonnegative(),
      metadata: z.object({ device_fingerprint: z.string().min(1) }),
    }),
  }),
});

/** GhostPass test data: fingerprint `device_test_N` owns wallet `wallet_test_N` (ghostpass/target.ts). */
function walletOf(fingerprint: string): string | null {
  const m = /^device_test_(\d+)$/.exec(fingerprint);
  return m ? `wallet_test_${m[1]}` : null;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new HttpError(413, 'Payload too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson<T>(text: string, schema: z.ZodType<T>): T {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'Invalid JSON');
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new HttpError(400, 'Missing required fields');
  return parsed.data;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function startTrivialTarget(opts: TrivialTargetOptions): Promise<TrivialTarget> {
  const { ids } = opts;
  const opening = opts.openingBalanceCents ?? 10_000;
  const paths = DEFAULT_TARGET_PROFILE.paths;
  const fpHeader = DEFAULT_TARGET_PROFILE.headers.fingerprint.toLowerCase();
  const balances = new Map<string, number>();
  const entries = new Map<string, number>();
  const credited = new Set<string>();
  const counts: Record<string, number> = {};
  const prices = new Map(ids.items.map((i) => [i.id, i] as const));
  let receipts = 0;
  let sessions = 0;

  const balanceOf = (fp: string): number => balances.get(fp) ?? opening;
  /** The caller's fingerprint, and that it owns `binding` when one is named (404 otherwise, like GhostPass). */
  const owner = (req: IncomingMessage, binding?: string): { fp: string; wallet: string } => {
    const fp = req.headers[fpHeader];
    if (typeof fp !== 'string' || fp === '')
      throw new HttpError(400, 'Device fingerprint required');
    const wallet = walletOf(fp);
    if (wallet === null || (binding !== undefined && binding !== wallet)) {
      throw new HttpError(404, 'Wallet not found');
    }
    return { fp, wallet };
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    counts[path] = (counts[path] ?? 0) + 1;
    const isPost = req.method === 'POST';
    if (path === paths.balance) {
      if (req.method !== 'GET') throw new HttpError(405, 'Method not allowed');
      const { fp, wallet } = owner(req);
      const cents = balanceOf(fp);
      send(res, 200, {
        balance_cents: cents,
        balance_dollars: cents / 100,
        wallet_binding_id: wallet,
        updated_at: null,
      });
      return;
    }
    if (!isPost) throw new HttpError(req.method === 'GET' ? 405 : 404, 'Method not allowed');
    const text = await readBody(req);
    switch (path) {
      case paths.entryScan: {
        const b = parseJson(text, EntryBody);
        const { fp } = owner(req, b.wallet_binding_id);
        const key = `${b.wallet_binding_id}|${b.venue_id}`;
        const n = (entries.get(key) ?? 0) + 1;
        entries.set(key, n);
        const initial = n === 1;
        const fees = {
          initial_entry_fee_cents: initial ? INITIAL_FEE : 0,
          venue_reentry_fee_cents: initial ? 0 : REENTRY_VENUE_FEE,
          valid_reentry_scan_fee_cents: initial ? 0 : REENTRY_SCAN_FEE,
          total_fees_cents: initial ? INITIAL_FEE : REENTRY_VENUE_FEE + REENTRY_SCAN_FEE,
        };
        const before = balanceOf(fp);
        receipts += 1;
        send(res, 200, {
          success: true,
          entry_type: initial ? 'initial' : 're_entry',
          entry_number: n,
          fees,
          balance_before_cents: before,
          balance_after_cents: before - fees.total_fees_cents,
          receipt_id: `00000000-0000-4000-d000-${receipts.toString(16).padStart(12, '0')}`,
          gateway_name: 'Bench Door',
          message: initial ? 'Welcome' : 'Welcome back',
        });
        return;
      }
      case paths.purchase: {
        const b = parseJson(text, PurchaseBody);
        const { fp, wallet } = owner(req, b.wallet_binding_id);
        const item = prices.get(b.item_id);
        if (!item) throw new HttpError(404, 'Item not found');
        const total = item.priceCents * b.quantity;
        const fee = Math.floor((total * PLATFORM_FEE_PERCENT) / 100);
        const before = balanceOf(fp);
        send(res, 200, {
          success: true,
          message: 'Purchase successful',
          transaction: {
            item_name: item.name,
            quantity: b.quantity,
            item_total_cents: total,
            tip_amount_cents: b.tip_amount_cents,
            platform_fee_cents: fee,
            vendor_payout_cents: total - fee,
            total_charged_cents: total + b.tip_amount_cents,
          },
          wallet: {
            balance_before_cents: before,
            balance_after_cents: before - total - b.tip_amount_cents,
            wallet_binding_id: wallet,
          },
        });
        return;
      }
      case paths.createCheckoutSession: {
        parseJson(text, CheckoutBody);
        sessions += 1;
        const id = `cs_test_bench_${sessions}`;
        send(res, 200, {
          success: true,
          session_id: id,
          url: `https://checkout.stripe.invalid/${id}`,
          expires_at: Math.floor(Date.now() / 1000) + 1800,
        });
        return;
      }
      case paths.webhook: {
        if (!req.headers['stripe-signature']) throw new HttpError(400, 'No signature');
        const event = parseJson(text, WebhookEvent);
        if (event.type === 'checkout.session.completed') {
          const s = event.data.object;
          // Once per session, like the sandbox's correct mode: a re-delivery credits nothing.
          if (!credited.has(s.id)) {
            credited.add(s.id);
            const fp = s.metadata.device_fingerprint;
            balances.set(fp, balanceOf(fp) + s.amount_total);
          }
        }
        send(res, 200, { received: true });
        return;
      }
      case paths.verifySession:
      case paths.fund:
        send(res, 200, { success: true });
        return;
      default:
        throw new HttpError(404, 'Not found');
    }
  }

  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) send(res, status, { success: false, error: message });
      else res.destroy();
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        counts: () => ({ ...counts }),
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
