import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../contract/duration.js';
import { ErrorCodes, GhostfleetError, isGhostfleetError } from '../contract/errors.js';
import { loadScenario, validateScenario, withOverrides } from './scenario.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gf-scenario-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function caught(p: Promise<unknown>): Promise<GhostfleetError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GhostfleetError) return err;
    throw err;
  }
  throw new Error('expected a GhostfleetError');
}

describe('parseDuration', () => {
  it('reads units and numbers', () => {
    expect(parseDuration('45s')).toBe(45_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1m30s250ms')).toBe(90_250);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration(750)).toBe(750);
    expect(parseDuration('750')).toBe(750);
  });

  it('rejects nonsense with a clear error', () => {
    for (const bad of ['', '5x', '1m1h', '2m2m', 's', '-5s', -1, Number.NaN]) {
      expect(() => parseDuration(bad)).toThrow(/invalid duration/);
    }
    try {
      parseDuration('10 minutes');
    } catch (err) {
      expect(isGhostfleetError(err, ErrorCodes.BadArgument)).toBe(true);
      expect((err as Error).message).toMatch(/1h30m/);
    }
  });

  it('formats back', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(120_000)).toBe('2m');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(250)).toBe('250ms');
  });
});

describe('loadScenario', () => {
  it('loads the bundled demo and pilot by name', async () => {
    const demo = await loadScenario('demo');
    const pilot = await loadScenario('pilot');
    expect(demo.duration).toBe(120_000);
    expect(pilot.duration).toBe(25 * 60_000);
    for (const s of [demo, pilot]) {
      expect(s.crowd.wallets).toBe(5000);
      expect(s.crowd.walletCooldown).toBe(20_000);
      expect(s.dropDeadline).toBe(10_000);
      expect(s.lookahead).toBe(3_000);
      expect(s.operations.entry.perMinute).toBe(200);
      expect(s.operations.concession.perMinute).toBe(120);
      expect(s.thresholds.latency).toBe('sojourn');
      expect(s.devices.map((d) => d.id)).toEqual([
        'door-1',
        'door-2',
        'concession-1',
        'concession-2',
        'concession-3',
        'concession-4',
        'wallets',
      ]);
    }
  });

  it('loads a path and reports a missing file', async () => {
    const file = join(dir, 'mine.json');
    const demo = await loadScenario('demo');
    await writeFile(file, JSON.stringify({ ...demo, name: 'mine', duration: '30s' }));
    expect((await loadScenario(file)).duration).toBe(30_000);
    const err = await caught(loadScenario('no-such-scenario'));
    expect(err.code).toBe(ErrorCodes.BadConfig);
    expect(err.details[0]).toMatch(/no-such-scenario\.json/);
  });

  it('reports every problem of a bad file at once, with file and path', async () => {
    const file = join(dir, 'bad.json');
    const demo = await loadScenario('demo');
    const bad = {
      ...demo,
      duration: '10 minutes',
      surprise: true,
      crowd: { ...demo.crowd, walletCooldown: '20s', maxInside: 9000 },
      operations: { ...demo.operations, funding: { perMinute: 30, amountsCents: [10] } },
      devices: [
        ...demo.devices,
        { id: 'door-1', kind: 'entry-scanner', profile: 'x', input: 'serial' },
      ],
    };
    await writeFile(file, JSON.stringify(bad));
    const err = await caught(loadScenario(file));
    expect(err.code).toBe(ErrorCodes.BadConfig);
    expect(err.message).toBe(`scenario ${file} is invalid`);
    const text = err.details.join('\n');
    expect(text).toContain(`${file}: duration: invalid duration`);
    expect(text).toContain('surprise');
    expect(text).toContain(`${file}: operations.funding.amountsCents.0:`);
    for (const line of err.details) expect(line.startsWith(`${file}: `)).toBe(true);
    expect(err.details.length).toBeGreaterThanOrEqual(3);
  });

  it('checks cross-field rules once the shape is right', async () => {
    const demo = await loadScenario('demo');
    const raw = JSON.parse(
      JSON.stringify({ ...demo, duration: 1000, dropDeadline: 1, lookahead: 1 }),
    );
    raw.crowd.walletCooldown = 1;
    raw.crowd.maxInside = 6000;
    raw.devices = [
      { id: 'door-1', kind: 'entry-scanner', profile: 'p', input: 'serial' },
      { id: 'door-1', kind: 'wallet-app', profile: 'none', input: 'virtual-serial' },
    ];
    let err: GhostfleetError | undefined;
    try {
      validateScenario(raw, 'x.json');
    } catch (e) {
      err = e as GhostfleetError;
    }
    const text = err?.details.join('\n') ?? '';
    expect(text).toContain('x.json: crowd.maxInside: must not exceed');
    expect(text).toContain('x.json: devices.1.id: duplicate id door-1');
    expect(text).toContain('x.json: devices.0.path: input serial needs');
    expect(text).toContain('x.json: devices.1.input: wallet-app');
    expect(text).toContain(
      'x.json: operations.concession.perMinute: concession has a rate but no virtual',
    );
  });

  it('names every problem of the crowd and funding options at once (startInside, reentry, paymentTime)', async () => {
    const demo = await loadScenario('demo');
    const raw = JSON.parse(JSON.stringify({ ...demo, duration: 60_000 }));
    Object.assign(raw, { dropDeadline: 10_000, lookahead: 3000 });
    raw.crowd.walletCooldown = 20_000;
    raw.crowd.startInside = -1;
    raw.crowd.reentry = { share: 2, dwell: 'soon', sometimes: true };
    raw.operations.funding.paymentTime = '3 seconds';
    const err = (() => {
      try {
        validateScenario(raw, 'r.json');
      } catch (e) {
        return e as GhostfleetError;
      }
      throw new Error('expected an error');
    })();
    const text = err.details.join('\n');
    expect(text).toContain('r.json: crowd.startInside:');
    expect(text).toContain('r.json: crowd.reentry.share:');
    expect(text).toContain('r.json: crowd.reentry.dwell: invalid duration');
    expect(text).toMatch(/r\.json: crowd\.reentry\.sometimes: unknown key/);
    expect(text).toContain('r.json: operations.funding.paymentTime: invalid duration');
    expect(err.details.length).toBeGreaterThanOrEqual(5);
    // Shape right, then the cross-field rule: nobody can be inside beyond maxInside.
    raw.crowd.reentry = { share: 0.5, dwell: '20s' };
    raw.operations.funding.paymentTime = '3s';
    raw.crowd.startInside = raw.crowd.maxInside + 1;
    expect(() => validateScenario(raw, 'r.json')).toThrow(GhostfleetError);
    try {
      validateScenario(raw, 'r.json');
    } catch (e) {
      expect((e as GhostfleetError).details).toEqual([
        `r.json: crowd.startInside: must not exceed crowd.maxInside (${raw.crowd.maxInside})`,
      ]);
    }
    raw.crowd.startInside = 10;
    const ok = validateScenario(raw, 'r.json');
    expect(ok.crowd.reentry).toEqual({ share: 0.5, dwell: 20_000 });
    expect(ok.operations.funding.paymentTime).toBe(3000);
    expect(withOverrides(ok, { wallets: 5 }).crowd.startInside).toBe(5);
    expect((await loadScenario('demo')).crowd.startInside).toBe(0);
  });

  it('applies overrides without touching the original', async () => {
    const demo = await loadScenario('demo');
    const o = withOverrides(demo, { durationMs: 30_000, wallets: 100 });
    expect(o.duration).toBe(30_000);
    expect(o.crowd.wallets).toBe(100);
    expect(o.crowd.maxInside).toBe(100);
    expect(demo.crowd.wallets).toBe(5000);
    expect(() => withOverrides(demo, { wallets: 0 })).toThrow(GhostfleetError);
  });

  it('loads the collisions scenario: pilot rates for 60 s with every kind at 2/min', async () => {
    const s = await loadScenario('collisions');
    const pilot = await loadScenario('pilot');
    expect(s.duration).toBe(60_000);
    expect(s.operations).toEqual(pilot.operations);
    expect(s.devices).toEqual(pilot.devices);
    expect(s.collisions).toEqual({ rate: 26 });
    expect(pilot.collisions).toBeUndefined();
    expect((await loadScenario('demo')).collisions).toBeUndefined();
  });

  it('names every problem of a bad collisions field', async () => {
    const demo = await loadScenario('demo');
    const raw = JSON.parse(JSON.stringify({ ...demo, duration: 60_000 }));
    raw.dropDeadline = 10_000;
    raw.lookahead = 3000;
    raw.crowd.walletCooldown = 20_000;
    raw.devices = raw.devices.filter((d: { id: string }) => d.id !== 'door-2');
    raw.collisions = {
      rate: -1,
      often: true,
      kinds: { 'double-charge': 'lots', 'door-screenshots': 1, 'negative-tip': 2 },
    };
    const shape = (() => {
      try {
        validateScenario(raw, 'c.json');
      } catch (e) {
        return (e as GhostfleetError).details.join('\n');
      }
      return '';
    })();
    expect(shape).toContain('c.json: collisions.rate:');
    expect(shape).toMatch(/c\.json: collisions\.often: unknown key/);
    expect(shape).toContain('c.json: collisions.kinds.double-charge:');
    expect(shape).toContain('c.json: collisions.kinds.door-screenshots: unknown key');
    // Once the shape is right: a kind asked for by name must be performable by the layout.
    raw.collisions = { kinds: { 'door-screenshot': 1, 'double-charge': 2, 'negative-tip': 0 } };
    let err: GhostfleetError | undefined;
    try {
      validateScenario(raw, 'c.json');
    } catch (e) {
      err = e as GhostfleetError;
    }
    expect(err?.details).toEqual([
      'c.json: collisions.kinds.door-screenshot: door-screenshot needs 2 virtual entry device(s), the scenario has 1',
    ]);
    raw.collisions = { rate: 5 }; // the overall rate skips what the layout cannot do
    expect(validateScenario(raw, 'c.json').collisions).toEqual({ rate: 5 });
  });

  it('--collisions RATE sets the overall rate, keeps per-kind rates; 0 turns all off', async () => {
    const demo = await loadScenario('demo');
    expect(withOverrides(demo, { collisionsPerMinute: 13 }).collisions).toEqual({ rate: 13 });
    const file = await loadScenario('collisions');
    const tuned = { ...file, collisions: { rate: 26, kinds: { 'fund-nan': 4 } } };
    expect(withOverrides(tuned, { collisionsPerMinute: 6 }).collisions).toEqual({
      rate: 6,
      kinds: { 'fund-nan': 4 },
    });
    expect(withOverrides(tuned, { collisionsPerMinute: 0 }).collisions).toEqual({
      rate: 0,
      kinds: {},
    });
    expect(tuned.collisions.rate).toBe(26);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => withOverrides(demo, { collisionsPerMinute: bad })).toThrow(GhostfleetError);
    }
  });
});
