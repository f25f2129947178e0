/**
 * Shapes of GhostPass's success replies (GHOSTPASS.md; ghost-pass/api/entry/scan.ts,
 * vendor/purchase.ts, stripe/create-checkout-session.ts, wallet/balance.ts). A reply stays
 * `unknown` until one of these parsed it. Objects are not strict: staging may add fields.
 */
import { z } from 'zod';

const cents = z.number().int();

export const EntryScanOkSchema = z.object({
  success: z.literal(true),
  entry_type: z.enum(['initial', 're_entry']),
  entry_number: z.number().int().positive(),
  fees: z.object({
    initial_entry_fee_cents: cents,
    venue_reentry_fee_cents: cents,
    valid_reentry_scan_fee_cents: cents,
    total_fees_cents: cents,
  }),
  balance_before_cents: cents,
  balance_after_cents: cents,
  receipt_id: z.string().min(1),
  gateway_name: z.string(),
  message: z.string(),
});
export type EntryScanOk = z.infer<typeof EntryScanOkSchema>;

export const PurchaseOkSchema = z.object({
  success: z.literal(true),
  message: z.string(),
  transaction: z.object({
    item_name: z.string(),
    quantity: z.number().int(),
    item_total_cents: cents,
    tip_amount_cents: cents,
    platform_fee_cents: cents,
    vendor_payout_cents: cents,
    total_charged_cents: cents,
  }),
  wallet: z.object({
    balance_before_cents: cents,
    balance_after_cents: cents,
    wallet_binding_id: z.string(),
  }),
});
export type PurchaseOk = z.infer<typeof PurchaseOkSchema>;

export const CheckoutSessionOkSchema = z.object({
  success: z.literal(true),
  session_id: z.string().min(1),
  url: z.string().nullable(),
  expires_at: z.number(),
});
export type CheckoutSessionOk = z.infer<typeof CheckoutSessionOkSchema>;

export const WebhookOkSchema = z.object({ received: z.boolean() });
export type WebhookOk = z.infer<typeof WebhookOkSchema>;

export const BalanceOkSchema = z.object({
  balance_cents: cents,
  balance_dollars: z.number(),
  wallet_binding_id: z.string(),
  updated_at: z.string().nullable(),
});
export type BalanceOk = z.infer<typeof BalanceOkSchema>;

/** verify-session and fund replies vary by version: any JSON object is accepted. */
export const AnyObjectSchema = z.record(z.string(), z.unknown());

const ErrorBodySchema = z.object({ error: z.string().optional(), detail: z.string().optional() });

/** The human message in an error body (`error`, or `detail` on the wallet handlers). */
export function errorText(body: unknown): string | undefined {
  const parsed = ErrorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  return parsed.data.error ?? parsed.data.detail;
}

/**
 * A stable snake_case code for a 4xx business answer. GhostPass bodies carry only a human
 * `error` text, so the status decides, refined by the text where one status has two meanings.
 */
export function declineCode(status: number, body: unknown): string {
  const text = (errorText(body) ?? '').toLowerCase();
  switch (status) {
    case 400:
      return text.includes('signature') ? 'bad_signature' : 'bad_request';
    case 402:
      return 'insufficient_balance';
    case 403:
      return text.includes('re-entry') ? 'reentry_not_allowed' : 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'rate_limited';
    default:
      return `http_${status}`;
  }
}
