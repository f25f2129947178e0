import { describe, expect, it } from 'vitest';
import { isGhostfleetError } from '../contract/errors.js';
import { connectMqtt, redactUrl } from './connect.js';

describe('broker URLs', () => {
  it('never shows an external broker password', () => {
    expect(redactUrl('mqtt://fleet:s3cret@broker.example:1883')).toBe(
      'mqtt://fleet:***@broker.example:1883',
    );
    expect(redactUrl('mqtt://127.0.0.1:1883')).toBe('mqtt://127.0.0.1:1883');
    expect(redactUrl('not a url')).toBe('(invalid broker URL)');
  });

  it('refuses a URL that is not mqtt:// with a clear error', async () => {
    for (const url of ['http://127.0.0.1:1883', 'nonsense']) {
      const err = await connectMqtt({ url, identity: { role: 'observer' }, token: 't' }).catch(
        (e: unknown) => e,
      );
      expect(isGhostfleetError(err, 'GF_BAD_ARGUMENT'), url).toBe(true);
    }
  });

  it('does not put the password of an unreachable broker in its error', async () => {
    const err = await connectMqtt({
      url: 'mqtt://fleet:s3cret@127.0.0.1:9',
      identity: { role: 'observer' },
      token: 't',
      connectTimeoutMs: 1000,
    }).catch((e: unknown) => e);
    expect(isGhostfleetError(err, 'GF_BROKER_UNAVAILABLE')).toBe(true);
    expect((err as Error).message).not.toContain('s3cret');
  });
});
