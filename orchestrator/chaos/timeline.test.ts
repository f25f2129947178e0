import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isGhostfleetError } from '../../contract/errors.js';
import { validateScenario } from '../scenario.js';
import { describeFault, parseTimeline, timelineSchema } from './timeline.js';

function problems(data: unknown, context = {}): string[] {
  try {
    parseTimeline(data, 'f.json: chaos', context);
  } catch (err) {
    if (isGhostfleetError(err, 'GF_BAD_CONFIG')) return [...err.details];
    throw err;
  }
  throw new Error('expected the timeline to be rejected');
}

describe('chaos timeline: parsing', () => {
  it('reads durations, kinds and proxy fields; `for` is optional (to the run end)', () => {
    const t = parseTimeline([
      { at: '2m', for: '3m', fault: { kind: 'kill', device: 'door-1' } },
      { at: 0, fault: { kind: 'webhook-duplicate', share: 0.1 } },
      { at: '8m', for: '60s', fault: { kind: 'db-latency', addMs: 800 } },
      { at: '1m30s', for: '10s', fault: { kind: 'http-5xx', mode: 'replace', rate: 0.2 } },
      { at: '9m', fault: { kind: 'http-latency', medianMs: 100, p95Ms: 400, path: '/api/entry' } },
      { at: '9m', fault: { kind: 'http-reset', when: 'after', rate: 0.05 } },
    ]);
    expect(t.map((e) => [e.index, e.atMs, e.forMs])).toEqual([
      [0, 120_000, 180_000],
      [1, 0, null],
      [2, 480_000, 60_000],
      [3, 90_000, 10_000],
      [4, 540_000, null],
      [5, 540_000, null],
    ]);
    expect(t[3]?.fault).toEqual({
      kind: 'http-5xx',
      proxy: { kind: '5xx', mode: 'replace', rate: 0.2 },
    });
    expect(t.map((e) => describeFault(e.fault))).toEqual([
      'kill door-1',
      'webhook-duplicate 10%',
      'db-latency +800ms',
      'http-5xx 20% replace',
      'http-latency 100% median 100ms p95 400ms /api/entry',
      'http-reset 5% after',
    ]);
  });

  it('names every problem at once: path, field and reason', () => {
    const lines = problems(
      [
        { at: 'soon', fault: { kind: 'kill', device: 'door-9' } },
        { at: '1m', for: '0s', fault: { kind: 'explode' } },
        { at: '1m', fault: { kind: 'db-latency', addMs: -5, extra: 1 } },
        { at: '1m', fault: { kind: 'http-5xx', rate: 3 } },
        { at: '1m', fault: { kind: 'webhook-delay', medianMs: 500, p95Ms: 100 } },
        { fault: { kind: 'webhook-duplicate', share: 1.5 }, when: 'now' },
        { at: '20m', fault: { kind: 'offline', device: 'door-2' } },
      ],
      { devices: ['door-1', 'door-2'], durationMs: 600_000 },
    );
    const text = lines.join('\n');
    expect(lines.every((l) => l.startsWith('f.json: chaos: '))).toBe(true);
    expect(text).toMatch(/chaos: 0\.at: invalid duration: cannot read "soon"/);
    expect(text).toMatch(/0\.fault\.device: no device door-9 in the scenario \(door-1, door-2\)/);
    expect(text).toMatch(/1\.fault\.kind: must be one of kill, offline, db-latency/);
    expect(text).toMatch(/1\.for: must be longer than 0/);
    expect(text).toMatch(/2\.fault\.addMs: /);
    expect(text).toMatch(/2\.fault\.extra: unknown key/);
    expect(text).toMatch(/3\.fault\.rate: /);
    expect(text).toMatch(/3\.fault\.mode: /);
    expect(text).toMatch(/4\.fault\.p95Ms: must be ≥ medianMs/);
    expect(text).toMatch(/5\.at: /);
    expect(text).toMatch(/5\.when: unknown key/);
    expect(text).toMatch(/5\.fault\.share: /);
    expect(text).toMatch(/6\.at: starts after the run's end \(10m\)/);
  });

  it('rejects a device killed twice at once (a kill without `for` lasts to the end)', () => {
    const lines = problems([
      { at: '1m', fault: { kind: 'kill', device: 'door-1' } },
      { at: '2m', for: '1m', fault: { kind: 'offline', device: 'door-2' } },
      { at: '2m30s', for: '1m', fault: { kind: 'kill', device: 'door-2' } },
      { at: '5m', fault: { kind: 'offline', device: 'door-1' } },
    ]);
    expect(lines).toEqual([
      'f.json: chaos: 2.at: overlaps entry 1 (offline door-2 from 2m)',
      'f.json: chaos: 3.at: overlaps entry 0 (kill door-1 from 1m)',
    ]);
    // Back to back is fine: the revive comes before the next kill.
    expect(
      parseTimeline([
        { at: '1m', for: '1m', fault: { kind: 'kill', device: 'door-1' } },
        { at: '2m', for: '1m', fault: { kind: 'kill', device: 'door-1' } },
      ]),
    ).toHaveLength(2);
  });

  it('embeds in a scenario schema: the output is the parsed timeline', () => {
    const scenario = z.strictObject({ name: z.string(), chaos: timelineSchema().default([]) });
    expect(scenario.parse({ name: 'x' }).chaos).toEqual([]);
    const parsed = scenario.parse({
      name: 'x',
      chaos: [{ at: '1m', fault: { kind: 'offline', device: 'door-1' } }],
    });
    expect(parsed.chaos).toEqual([
      { index: 0, atMs: 60_000, forMs: null, fault: { kind: 'offline', device: 'door-1' } },
    ]);
    const bad = scenario.safeParse({ name: 'x', chaos: [{ at: '1m', fault: { kind: 'nope' } }] });
    expect(bad.success || bad.error.issues.map((i) => i.path.join('.'))).toEqual([
      'chaos.0.fault.kind',
    ]);
  });

  it('a timeline that is not a list is named', () => {
    expect(problems({ at: '1m' })).toEqual([expect.stringMatching(/^f\.json: chaos: \(root\): /)]);
  });
});

describe('scenario F as data', () => {
  const load = async (name: string) =>
    JSON.parse(await readFile(new URL(`../../scenarios/${name}.json`, import.meta.url), 'utf8'));

  for (const [name, scale] of [
    ['chaos', 1],
    ['chaos-short', 10],
  ] as const) {
    it(`${name}.json: the demo's keys plus a valid chaos timeline (scale 1/${scale})`, async () => {
      const { chaos, ...rest } = await load(name);
      const demo = await load('demo');
      expect(Object.keys(rest).sort()).toEqual(Object.keys(demo).sort());
      // The rest is a scenario the loader accepts as it is today (the lead adds `chaos` to it).
      const scenario = validateScenario(rest, `${name}.json`);
      const timeline = parseTimeline(chaos, `${name}.json: chaos`, {
        devices: scenario.devices.map((d) => d.id),
        durationMs: scenario.duration,
      });
      const at = (kind: string) => timeline.find((e) => e.fault.kind === kind);
      expect(scenario.duration).toBe(600_000 / scale);
      expect(at('kill')).toMatchObject({ atMs: 120_000 / scale, forMs: 180_000 / scale });
      expect(at('kill')?.fault).toEqual({ kind: 'kill', device: 'door-1' });
      expect(at('offline')).toMatchObject({ atMs: 360_000 / scale, forMs: null });
      expect(at('offline')?.fault).toEqual({ kind: 'offline', device: 'concession-3' });
      expect(at('db-latency')).toMatchObject({ atMs: 480_000 / scale, forMs: 60_000 / scale });
      expect(at('db-latency')?.fault).toEqual({ kind: 'db-latency', addMs: 800 });
      expect(at('webhook-duplicate')).toMatchObject({ atMs: 0, forMs: null });
      expect(at('webhook-duplicate')?.fault).toEqual({ kind: 'webhook-duplicate', share: 0.1 });
      expect(at('webhook-delay')).toMatchObject({ atMs: 0, forMs: null });
      expect(at('webhook-delay')?.fault).toMatchObject({ medianMs: 5000 });
    });
  }
});
