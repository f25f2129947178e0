import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGhostfleetError } from '../contract/errors.js';
import { createGhostPassClient } from './client.js';
import { DEFAULT_TARGET_PROFILE } from './target.js';
import {
  loadTargetProfile,
  parseTargetProfile,
  profileDifferences,
  TargetProfileSchema,
} from './target-profile.js';

/** A real HTTP peer that records every request and answers 200 with a GhostPass-shaped body. */
let server: Server;
let url: string;
const seen: { method: string; path: string; headers: IncomingHttpHeaders; body: string }[] = [];
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gf-profile-'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function problems(data: unknown): readonly string[] {
  try {
    parseTargetProfile(data, 'p.json');
  } catch (err) {
    if (isGhostfleetError(err)) return err.details;
    throw err;
  }
  throw new Error('expected the profile to be refused');
}

describe('target profiles', () => {
  it('an empty profile is GhostPass itself, and the resolved form passes the strict schema', () => {
    const { profile, baseUrl } = parseTargetProfile({}, 'empty.json');
    expect(profile).toEqual(DEFAULT_TARGET_PROFILE);
    expect(baseUrl).toBeUndefined();
    expect(TargetProfileSchema.parse(profile)).toEqual(DEFAULT_TARGET_PROFILE);
    expect(profileDifferences(profile)).toEqual([]);
  });

  it('overrides only what it names', () => {
    const { profile, baseUrl } = parseTargetProfile(
      {
        baseUrl: 'https://staging.example.com/',
        paths: { entryScan: '/api/v2/entry/scan' },
        fields: { purchase: { tipCents: 'tip_cents' } },
      },
      'p.json',
    );
    expect(baseUrl).toBe('https://staging.example.com');
    expect(profile.paths.entryScan).toBe('/api/v2/entry/scan');
    expect(profile.paths.purchase).toBe(DEFAULT_TARGET_PROFILE.paths.purchase);
    expect(profile.fields.purchase).toEqual({
      ...DEFAULT_TARGET_PROFILE.fields.purchase,
      tipCents: 'tip_cents',
    });
    expect(profileDifferences(profile)).toEqual([
      'paths.entryScan: "/api/v2/entry/scan"',
      'fields.purchase.tipCents: "tip_cents"',
    ]);
  });

  it('a bad profile names every problem at once, each with its path', () => {
    const lines = problems({
      baseUrl: 'ftp://user:pw@staging.example.com',
      paths: { entryScan: 'api/entry/scan', checkout: '/c' },
      headers: {
        fingerprint: 'X Device',
        extra: { Authorization: 'Bearer x', 'X-Route': 'a\r\nb', 'Content-Type': 'text/plain' },
      },
      fields: {
        entryScan: { venueId: 'wallet_binding_id' },
        purchase: { quantity: 3 },
        refund: {},
      },
      colour: 'blue',
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        'p.json: baseUrl: must be an http(s) URL',
        'p.json: baseUrl: must not carry a user or password: secrets go in the env file',
        expect.stringMatching(/^p\.json: paths\.entryScan: must start with "\/"/),
        'p.json: paths.checkout: unknown key',
        'p.json: headers.fingerprint: is not a valid HTTP header name',
        expect.stringMatching(/^p\.json: headers\.extra\.Authorization: looks like a credential/),
        expect.stringMatching(/^p\.json: headers\.extra\.X-Route: holds a control character/),
        'p.json: headers.extra.Content-Type: is set by the client itself',
        expect.stringMatching(
          /^p\.json: fields\.entryScan\.venueId: "wallet_binding_id" is also the name of walletBindingId/,
        ),
        expect.stringMatching(/^p\.json: fields\.purchase\.quantity: .*expected string/),
        'p.json: fields.refund: unknown key',
        'p.json: colour: unknown key',
      ]),
    );
    expect(lines).toHaveLength(12);
  });

  it('refuses a base URL that carries a password, and an extra header that is the fingerprint', () => {
    expect(problems({ baseUrl: 'https://u:secret@staging.example.com' })).toEqual([
      'p.json: baseUrl: must not carry a user or password: secrets go in the env file',
    ]);
    expect(
      problems({ headers: { fingerprint: 'X-Fp', extra: { 'x-fp': 'device_test_1' } } }),
    ).toEqual(['p.json: headers.extra.x-fp: is the fingerprint header: each patron sends its own']);
  });

  it('a file that is not JSON, or does not exist, is named', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"paths": ');
    await expect(loadTargetProfile(bad)).rejects.toMatchObject({
      code: 'GF_BAD_CONFIG',
      message: `target profile ${bad} is not JSON`,
    });
    await expect(loadTargetProfile(join(dir, 'absent.json'))).rejects.toMatchObject({
      code: 'GF_BAD_ARGUMENT',
    });
  });

  it('the client sends the renamed path, header and body fields to a real HTTP server', async () => {
    const file = join(dir, 'renamed.json');
    writeFileSync(
      file,
      JSON.stringify({
        paths: { entryScan: '/v2/scan', purchase: '/v2/buy' },
        headers: { fingerprint: 'X-Patron-Device', extra: { 'X-Fleet-Route': 'staging-blue' } },
        fields: {
          entryScan: { walletBindingId: 'wallet_id', interactionMethod: 'method' },
          purchase: { tipCents: 'tip_cents' },
          verifySession: { sessionId: 'checkout_session_id' },
        },
      }),
    );
    const { profile } = await loadTargetProfile(file);
    const c = createGhostPassClient({ baseUrl: url, profile, timeoutMs: 5000 });
    seen.length = 0;
    await c.entryScan({
      walletBindingId: 'wallet_test_3',
      fingerprint: 'device_test_3',
      venueId: 'v1',
      gatewayId: 'g1',
      method: 'QR',
    });
    await c.purchase({
      walletBindingId: 'wallet_test_3',
      fingerprint: 'device_test_3',
      itemId: 'i1',
      gatewayId: 'g2',
      quantity: 2,
      tipCents: 50,
      method: 'NFC',
    });
    await c.verifySession('cs_1');
    await c.close();
    const [scan, buy, verify] = seen;
    expect(scan?.path).toBe('/v2/scan');
    expect(scan?.headers['x-patron-device']).toBe('device_test_3');
    expect(scan?.headers['x-device-fingerprint']).toBeUndefined();
    expect(scan?.headers['x-fleet-route']).toBe('staging-blue');
    expect(JSON.parse(scan?.body ?? '')).toEqual({
      wallet_id: 'wallet_test_3',
      venue_id: 'v1',
      gateway_id: 'g1',
      method: 'QR',
    });
    expect(buy?.path).toBe('/v2/buy');
    expect(JSON.parse(buy?.body ?? '')).toEqual({
      wallet_binding_id: 'wallet_test_3',
      item_id: 'i1',
      gateway_id: 'g2',
      quantity: 2,
      tip_cents: 50,
      interaction_method: 'NFC',
    });
    expect(verify?.path).toBe(DEFAULT_TARGET_PROFILE.paths.verifySession);
    expect(verify?.headers['x-fleet-route']).toBe('staging-blue');
    expect(JSON.parse(verify?.body ?? '')).toEqual({ checkout_session_id: 'cs_1' });
  });
});
