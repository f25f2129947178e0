/**
 * Reads a GhostPass test environment file (dotenv syntax) into a target description.
 * Variable names are the load-test protocol's: see `ENV_VARIABLES` below.
 */
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { PILOT_ITEMS, type TargetIds, type TargetItem } from './target.js';

/**
 * The variables `targetFromEnv` reads. Required unless marked optional.
 * - API_BASE_URL: the deployment's origin (http or https), e.g. https://staging.example.com
 * - TEST_VENUE_ID, TEST_EVENT_ID: the provisioned test venue and event
 * - TEST_GATEWAY_1_ID, TEST_GATEWAY_2_ID: the two ENTRY_POINT gateways (door-1, door-2)
 * - TEST_CONCESSION_GATEWAY_1_ID .. TEST_CONCESSION_GATEWAY_4_ID: the INTERNAL_AREA gateways
 * - TEST_ITEM_<NAME>_ID (optional): a vendor_items uuid; NAME is the item name in upper snake
 *   case (BEER, COCKTAIL, SODA, HOT_DOG, NACHOS, BURGER). Pilot items take their pilot price;
 *   any other name needs TEST_ITEM_<NAME>_PRICE_CENTS.
 * - STRIPE_WEBHOOK_SECRET (optional): lets the fleet sign webhook deliveries itself.
 * - TEST_ZERO_FEE_VENUE_ID, TEST_ZERO_FEE_GATEWAY_ID, TEST_ZERO_FEE_EVENT_ID (optional): a second
 *   test venue whose entry fees are configured as 0 (the `zero-fee-venue` collision).
 */
export const REQUIRED_ENV_VARIABLES = [
  'API_BASE_URL',
  'TEST_VENUE_ID',
  'TEST_EVENT_ID',
  'TEST_GATEWAY_1_ID',
  'TEST_GATEWAY_2_ID',
  'TEST_CONCESSION_GATEWAY_1_ID',
  'TEST_CONCESSION_GATEWAY_2_ID',
  'TEST_CONCESSION_GATEWAY_3_ID',
  'TEST_CONCESSION_GATEWAY_4_ID',
] as const;

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * dotenv syntax: `KEY=value`, optional `export ` prefix, `#` comments (whole line, or after
 * whitespace in an unquoted value), single/double/backtick quotes (may span lines; double quotes
 * expand \n \r \t \" \\). Lines that are not assignments are ignored, as dotenv does.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const src = text.replace(/\r\n?/g, '\n');
  let i = 0;
  while (i < src.length) {
    let end = src.indexOf('\n', i);
    if (end === -1) end = src.length;
    const line = src.slice(i, end);
    const trimmed = line.trim().replace(/^export\s+/, '');
    const eq = trimmed.indexOf('=');
    if (trimmed === '' || trimmed.startsWith('#') || eq <= 0) {
      i = end + 1;
      continue;
    }
    const key = trimmed.slice(0, eq).trim();
    if (!KEY.test(key)) {
      i = end + 1;
      continue;
    }
    // Value starts right after '=' in the original text (quotes may run past this line).
    const valueStart = i + line.indexOf('=') + 1;
    let j = valueStart;
    while (j < src.length && (src[j] === ' ' || src[j] === '\t')) j++;
    const quote = src[j];
    if (quote === '"' || quote === "'" || quote === '`') {
      const close = findClosingQuote(src, j + 1, quote);
      if (close !== -1) {
        const raw = src.slice(j + 1, close);
        out[key] = quote === '"' ? unescapeDouble(raw) : raw;
        const next = src.indexOf('\n', close);
        i = next === -1 ? src.length : next + 1;
        continue;
      }
    }
    const value = src.slice(valueStart, end);
    out[key] = value.replace(/\s+#.*$/, '').trim();
    i = end + 1;
  }
  return out;
}

function findClosingQuote(src: string, from: number, quote: string): number {
  for (let k = from; k < src.length; k++) {
    if (src[k] === '\\' && quote === '"') {
      k++;
      continue;
    }
    if (src[k] === quote) return k;
  }
  return -1;
}

function unescapeDouble(raw: string): string {
  return raw.replace(/\\([nrt"\\])/g, (_m, c: string) => {
    switch (c) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      default:
        return c;
    }
  });
}

/** `HOT_DOG` → `Hot Dog`. */
function itemNameFromKey(upper: string): string {
  return upper
    .toLowerCase()
    .split('_')
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

/**
 * Builds the target from environment variables. Every problem is reported at once in one
 * `GhostfleetError(BadConfig)` whose `details` name each missing or malformed variable.
 * The webhook secret is passed through and never appears in an error.
 */
export function targetFromEnv(vars: Record<string, string>): {
  baseUrl: string;
  ids: TargetIds;
  webhookSecret?: string;
} {
  const problems: string[] = [];
  const get = (name: string): string => {
    const v = vars[name]?.trim() ?? '';
    if (v === '') problems.push(`${name}: missing`);
    return v;
  };
  const baseUrl = get('API_BASE_URL');
  if (baseUrl !== '' && !/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
    problems.push('API_BASE_URL: must be an http:// or https:// URL');
  }
  const venueId = get('TEST_VENUE_ID');
  const eventId = get('TEST_EVENT_ID');
  const entryGateways = [get('TEST_GATEWAY_1_ID'), get('TEST_GATEWAY_2_ID')];
  const concessionGateways = [1, 2, 3, 4].map((n) => get(`TEST_CONCESSION_GATEWAY_${n}_ID`));

  const items: TargetItem[] = [];
  for (const [name, value] of Object.entries(vars)) {
    const m = /^TEST_ITEM_([A-Z0-9_]+)_ID$/.exec(name);
    if (!m || value.trim() === '') continue;
    const itemName = itemNameFromKey(m[1]!);
    const pilot = PILOT_ITEMS.find((p) => p.name.toLowerCase() === itemName.toLowerCase());
    const priceVar = `TEST_ITEM_${m[1]}_PRICE_CENTS`;
    const priceText = vars[priceVar]?.trim();
    let priceCents = pilot?.priceCents;
    if (priceText !== undefined && priceText !== '') {
      priceCents = /^\d+$/.test(priceText) ? Number(priceText) : undefined;
      if (priceCents === undefined) problems.push(`${priceVar}: must be a whole number of cents`);
    } else if (priceCents === undefined) {
      problems.push(`${priceVar}: missing (not a pilot item, so its price is unknown)`);
    }
    if (priceCents !== undefined) items.push({ id: value.trim(), name: itemName, priceCents });
  }
  // Pilot order first (Beer, Cocktail, ...), then others by name: deterministic carts.
  const rank = (n: string) => {
    const k = PILOT_ITEMS.findIndex((p) => p.name === n);
    return k === -1 ? PILOT_ITEMS.length : k;
  };
  items.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));

  if (problems.length > 0) {
    throw new GhostfleetError(
      ErrorCodes.BadConfig,
      `target environment: ${problems.length} problem(s)`,
      { details: problems },
    );
  }
  const secret = vars['STRIPE_WEBHOOK_SECRET']?.trim();
  // Optional: a second test venue whose entry fees are configured as 0 (collision zero-fee-venue).
  const freeVenue = vars['TEST_ZERO_FEE_VENUE_ID']?.trim();
  const freeGateway = vars['TEST_ZERO_FEE_GATEWAY_ID']?.trim();
  const zeroFeeVenue =
    freeVenue && freeGateway
      ? {
          venueId: freeVenue,
          eventId: vars['TEST_ZERO_FEE_EVENT_ID']?.trim() || eventId,
          entryGateways: [freeGateway],
        }
      : undefined;
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    ids: {
      venueId,
      eventId,
      entryGateways,
      concessionGateways,
      items,
      ...(zeroFeeVenue ? { zeroFeeVenue } : {}),
    },
    ...(secret ? { webhookSecret: secret } : {}),
  };
}

/**
 * The Supabase project of a staging env file (`--target staging`): `SUPABASE_URL` (http or
 * https) and `SUPABASE_SERVICE_KEY` (the service_role key: PostgREST with it bypasses RLS, as
 * seeding needs). Every problem at once; the key's value never appears in an error.
 */
export function supabaseFromEnv(vars: Record<string, string>): { url: string; serviceKey: string } {
  const problems: string[] = [];
  const url = vars['SUPABASE_URL']?.trim() ?? '';
  const serviceKey = vars['SUPABASE_SERVICE_KEY']?.trim() ?? '';
  if (url === '') problems.push('SUPABASE_URL: missing');
  else if (!/^https?:\/\/[^/\s]+/i.test(url))
    problems.push('SUPABASE_URL: must be an http:// or https:// URL');
  if (serviceKey === '')
    problems.push('SUPABASE_SERVICE_KEY: missing (the project service_role key)');
  if (problems.length > 0) {
    throw new GhostfleetError(
      ErrorCodes.BadConfig,
      `staging env file: ${problems.length} problem(s)`,
      { details: problems },
    );
  }
  return { url: url.replace(/\/+$/, ''), serviceKey };
}
