/**
 * The protocol's `.env.test`, written for a GhostPass the fleet started itself (`ghostfleet sandbox`):
 * the inverse of `targetFromEnv` (env-file.ts) — every id the fleet needs, and the secrets a run
 * needs, in a file the caller creates with mode 0600. Values never contain newlines or quotes
 * (uuids, ids, base64url secrets), so they are written bare.
 */
import type { TargetIds } from './target.js';

export interface EnvTarget {
  baseUrl: string;
  ids: TargetIds;
  webhookSecret?: string;
  /** Supabase-style keys, when the GhostPass double serves them. */
  supabase?: { url: string; serviceKey?: string; anonKey?: string };
}

function itemKey(name: string): string {
  return name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

export function formatEnvFile(t: EnvTarget, comment?: string): string {
  const lines: string[] = [];
  if (comment) for (const l of comment.split('\n')) lines.push(`# ${l}`);
  const put = (k: string, v: string | undefined) => {
    if (v !== undefined && v !== '') lines.push(`${k}=${v}`);
  };
  put('API_BASE_URL', t.baseUrl);
  put('TEST_VENUE_ID', t.ids.venueId);
  put('TEST_EVENT_ID', t.ids.eventId);
  t.ids.entryGateways.forEach((g, i) => {
    put(`TEST_GATEWAY_${i + 1}_ID`, g);
  });
  t.ids.concessionGateways.forEach((g, i) => {
    put(`TEST_CONCESSION_GATEWAY_${i + 1}_ID`, g);
  });
  for (const item of t.ids.items) {
    put(`TEST_ITEM_${itemKey(item.name)}_ID`, item.id);
    put(`TEST_ITEM_${itemKey(item.name)}_PRICE_CENTS`, String(item.priceCents));
  }
  const free = t.ids.zeroFeeVenue;
  if (free) {
    put('TEST_ZERO_FEE_VENUE_ID', free.venueId);
    put('TEST_ZERO_FEE_EVENT_ID', free.eventId);
    put('TEST_ZERO_FEE_GATEWAY_ID', free.entryGateways[0]);
  }
  put('STRIPE_WEBHOOK_SECRET', t.webhookSecret);
  put('SUPABASE_URL', t.supabase?.url);
  put('SUPABASE_SERVICE_KEY', t.supabase?.serviceKey);
  put('SUPABASE_ANON_KEY', t.supabase?.anonKey);
  return `${lines.join('\n')}\n`;
}
