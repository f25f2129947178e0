import { describe, expect, it } from 'vitest';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { parseEnvFile, targetFromEnv } from './env-file.js';

describe('parseEnvFile', () => {
  it('reads dotenv syntax: comments, export, quotes, inline comments, multiline', () => {
    const text = [
      '# GhostPass staging',
      '',
      'API_BASE_URL=https://staging.example.com/ # trailing comment',
      'export TEST_VENUE_ID="venue 1"',
      "TEST_EVENT_ID='ev#1'",
      'ESCAPED="a\\nb \\"q\\""',
      'MULTI="line1',
      'line2"',
      'EMPTY=',
      'not an assignment',
      'HASH=abc#def',
      '  SPACED  =  value  ',
    ].join('\r\n');
    expect(parseEnvFile(text)).toEqual({
      API_BASE_URL: 'https://staging.example.com/',
      TEST_VENUE_ID: 'venue 1',
      TEST_EVENT_ID: 'ev#1',
      ESCAPED: 'a\nb "q"',
      MULTI: 'line1\nline2',
      EMPTY: '',
      HASH: 'abc#def',
      SPACED: 'value',
    });
  });
});

const full = {
  API_BASE_URL: 'https://staging.example.com/',
  TEST_VENUE_ID: 'v1',
  TEST_EVENT_ID: 'e1',
  TEST_GATEWAY_1_ID: 'g1',
  TEST_GATEWAY_2_ID: 'g2',
  TEST_CONCESSION_GATEWAY_1_ID: 'c1',
  TEST_CONCESSION_GATEWAY_2_ID: 'c2',
  TEST_CONCESSION_GATEWAY_3_ID: 'c3',
  TEST_CONCESSION_GATEWAY_4_ID: 'c4',
};

describe('targetFromEnv', () => {
  it('builds the target, items in pilot order with pilot prices', () => {
    const t = targetFromEnv({
      ...full,
      TEST_ITEM_SODA_ID: 'i-soda',
      TEST_ITEM_HOT_DOG_ID: 'i-hd',
      TEST_ITEM_PRETZEL_ID: 'i-p',
      TEST_ITEM_PRETZEL_PRICE_CENTS: '350',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc',
    });
    expect(t.baseUrl).toBe('https://staging.example.com');
    expect(t.webhookSecret).toBe('whsec_abc');
    expect(t.ids).toEqual({
      venueId: 'v1',
      eventId: 'e1',
      entryGateways: ['g1', 'g2'],
      concessionGateways: ['c1', 'c2', 'c3', 'c4'],
      items: [
        { id: 'i-soda', name: 'Soda', priceCents: 400 },
        { id: 'i-hd', name: 'Hot Dog', priceCents: 600 },
        { id: 'i-p', name: 'Pretzel', priceCents: 350 },
      ],
    });
  });

  it('names every missing variable at once and never echoes the secret', () => {
    const vars: Record<string, string> = {
      API_BASE_URL: 'ftp://nope',
      TEST_VENUE_ID: 'v1',
      TEST_GATEWAY_2_ID: '  ',
      STRIPE_WEBHOOK_SECRET: 'whsec_supersecret',
    };
    let err: unknown;
    try {
      targetFromEnv(vars);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GhostfleetError);
    const g = err as GhostfleetError;
    expect(g.code).toBe(ErrorCodes.BadConfig);
    const named = g.details.map((d) => d.split(':')[0]);
    expect(named).toEqual([
      'API_BASE_URL',
      'TEST_EVENT_ID',
      'TEST_GATEWAY_1_ID',
      'TEST_GATEWAY_2_ID',
      'TEST_CONCESSION_GATEWAY_1_ID',
      'TEST_CONCESSION_GATEWAY_2_ID',
      'TEST_CONCESSION_GATEWAY_3_ID',
      'TEST_CONCESSION_GATEWAY_4_ID',
    ]);
    expect(JSON.stringify({ m: g.message, d: g.details })).not.toContain('supersecret');
  });

  it('an unknown item without a price is a problem', () => {
    expect(() => targetFromEnv({ ...full, TEST_ITEM_PRETZEL_ID: 'x' })).toThrow(GhostfleetError);
  });
});
