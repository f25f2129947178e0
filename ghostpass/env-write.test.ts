import { describe, expect, it } from 'vitest';
import { parseEnvFile, targetFromEnv } from './env-file.js';
import { formatEnvFile } from './env-write.js';

describe('formatEnvFile', () => {
  it('writes what targetFromEnv reads back, secrets included', () => {
    const t = {
      baseUrl: 'http://127.0.0.1:4321',
      ids: {
        venueId: 'venue_1',
        eventId: 'event_1',
        entryGateways: ['g1', 'g2'],
        concessionGateways: ['c1', 'c2', 'c3', 'c4'],
        items: [
          { id: 'i-beer', name: 'Beer', priceCents: 800 },
          { id: 'i-dog', name: 'Hot Dog', priceCents: 600 },
        ],
        zeroFeeVenue: { venueId: 'venue_free', eventId: 'event_free', entryGateways: ['gz'] },
      },
      webhookSecret: 'whsec_abc',
    };
    const text = formatEnvFile(t, 'made by a test');
    expect(text.startsWith('# made by a test\n')).toBe(true);
    expect(text).toContain('TEST_ITEM_HOT_DOG_ID=i-dog');
    expect(targetFromEnv(parseEnvFile(text))).toEqual(t);
  });
});
