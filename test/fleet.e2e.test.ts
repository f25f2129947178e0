/**
 * The whole fleet, for real: embedded aedes, the sandbox over HTTP on PGlite, seven forked device
 * processes reading through virtual serial readers. Short runs at the pilot's rates.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { connectMqtt } from '../broker/connect.js';
import { type JudgedRun, runAndJudge } from '../cli/run-stages.js';
import { OPERATIONS, OUTCOMES } from '../contract/operations.js';
import { fleetWildcard } from '../contract/topics.js';
import { runFleet } from '../orchestrator/fleet.js';
import { loadScenario, type Scenario } from '../orchestrator/scenario.js';
import { judgeRun } from '../validation/judge.js';
import type { Report } from '../validation/report.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function shortScenario(durationMs: number): Promise<Scenario> {
  const demo = await loadScenario('demo');
  return {
    ...demo,
    name: 'e2e',
    duration: durationMs,
    arrivals: 'constant',
    crowd: { ...demo.crowd, wallets: 400, maxInside: 200 },
  };
}

/** Every patron ends in exactly one state; `reassigned` counts hand-offs, not patrons. */
function sumOutcomes(report: Report, op: (typeof OPERATIONS)[number]): number {
  return OUTCOMES.filter((o) => o !== 'reassigned').reduce(
    (n, o) => n + report.operations[op].outcomes[o],
    0,
  );
}

describe('the fleet end to end', () => {
  it('paces the pilot rates, ends every event once, and is watchable over MQTT', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'gf-e2e-'));
    dirs.push(stateDir);
    const seen = new Map<string, number>();
    let observer: MqttClient | null = null;
    const logs: string[] = [];
    const result: JudgedRun = await runAndJudge({
      scenario: await shortScenario(15_000),
      seed: 3,
      target: { kind: 'sandbox' },
      stateDir,
      fleet: 'e2e',
      // Device-host mode: the seven devices in two processes (4 + 3).
      devicesPerHost: 4,
      log: (l) => logs.push(l),
      stripeDelayMs: 300,
      onReady: (info) => {
        const token = readFileSync(info.tokenFile, 'utf8');
        void connectMqtt({ url: info.brokerUrl, identity: { role: 'observer' }, token }).then(
          async (c) => {
            observer = c;
            c.on('message', (topic) => {
              const leaf = topic.split('/').slice(-2).join('/');
              seen.set(leaf, (seen.get(leaf) ?? 0) + 1);
            });
            await c.subscribeAsync(fleetWildcard(info.fleet), { qos: 1 });
          },
        );
      },
    });
    await (observer as MqttClient | null)?.endAsync();
    const { report } = result;

    // 200/min for 15 s with constant arrivals: 50 entries; 120/min: 30 purchases; 30/min: 7-8 top-ups.
    expect(report.operations.entry.planned).toBeGreaterThanOrEqual(49);
    expect(report.operations.entry.planned).toBeLessThanOrEqual(51);
    expect(report.operations.concession.planned).toBeGreaterThanOrEqual(29);
    expect(report.operations.concession.planned).toBeLessThanOrEqual(31);
    for (const op of OPERATIONS) {
      expect(sumOutcomes(report, op), op).toBe(report.operations[op].planned);
      expect(report.operations[op].outcomes.error, `${op} errors: ${logs.join('\n')}`).toBe(0);
      expect(report.operations[op].outcomes.ok).toBeGreaterThan(0);
    }
    expect(report.operations.entry.sojournSeconds.p95).not.toBeNull();
    expect(report.thresholds.length).toBeGreaterThanOrEqual(4);
    expect(report.thresholds.every((t) => typeof t.ok === 'boolean')).toBe(true);
    expect(report.devices).toHaveLength(7);
    expect(new Set(report.devices.map((d) => d.pid)).size).toBe(2);

    // The observer saw retained births of all seven devices, plans and results.
    expect(seen.get('door-1/state') ?? 0).toBeGreaterThanOrEqual(1);
    expect(seen.get('wallets/state') ?? 0).toBeGreaterThanOrEqual(1);
    expect(seen.get('door-2/plan') ?? 0).toBeGreaterThan(0);
    expect(seen.get('concession-3/result') ?? 0).toBeGreaterThan(0);
    expect(seen.get('run/state') ?? 0).toBeGreaterThan(0);

    // The journal has one planned and one end record for every event.
    const lines = readFileSync(result.journalPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const planned = lines.filter((l) => l.t === 'planned').length;
    const ended = lines.filter((l) => l.t === 'end').length;
    const total = OPERATIONS.reduce(
      (n, op) => n + report.operations[op].planned + report.operations[op].outcomes.reassigned,
      0,
    );
    expect(planned).toBe(total);
    expect(ended).toBe(total);

    // Plans are real batches: one message per device per 1-s window (~1.7 entries per door at
    // 100/min), not one per scan.
    const door2Events = lines.filter((l) => l.t === 'planned' && l.device === 'door-2').length;
    const door2Plans = seen.get('door-2/plan') ?? 0;
    expect(door2Plans).toBeGreaterThan(0);
    expect(door2Plans / door2Events).toBeLessThan(0.8);
  });

  it('survives a SIGKILL of a door: nothing vanishes, its events are interrupted or reassigned', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'gf-e2e-'));
    dirs.push(stateDir);
    const logs: string[] = [];
    let killedAt = 0;
    const { report } = await runAndJudge({
      scenario: await shortScenario(14_000),
      seed: 4,
      target: { kind: 'sandbox' },
      stateDir,
      fleet: 'e2e-kill',
      log: (l) => logs.push(l),
      stripeDelayMs: 300,
      warmupMs: 1000,
      onReady: (info) => {
        setTimeout(() => {
          killedAt = Date.now();
          info.supervisor.kill('door-1');
        }, 5000);
      },
    });
    expect(killedAt).toBeGreaterThan(0);
    const entry = report.operations.entry;
    expect(sumOutcomes(report, 'entry')).toBe(entry.planned);
    // The 3 s lookahead means door-1 held future events when it died: they went to door-2.
    expect(entry.outcomes.reassigned, logs.join('\n')).toBeGreaterThan(0);
    expect(entry.outcomes.error).toBe(0);
    const door1 = report.devices.find((d) => d.id === 'door-1');
    const door2 = report.devices.find((d) => d.id === 'door-2');
    expect(door1?.up).toBe(false);
    expect(door2?.performed ?? 0).toBeGreaterThan(door1?.performed ?? 0);
    expect(logs.some((l) => /door-1 lost/.test(l))).toBe(true);
    for (const op of OPERATIONS)
      expect(sumOutcomes(report, op)).toBe(report.operations[op].planned);
  });
});

describe('the fleet with every door down', () => {
  it('drops what no door can take, and ghostfleet_dropped_total equals the journal', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'gf-e2e-'));
    dirs.push(stateDir);
    const logs: string[] = [];
    let controlUrl = '';
    let metricsText = '';
    const kills: Promise<void>[] = [];
    const result = await runFleet(
      {
        scenario: await shortScenario(12_000),
        seed: 6,
        target: { kind: 'sandbox' },
        stateDir,
        fleet: 'e2e-drop',
        log: (l) => logs.push(l),
        stripeDelayMs: 300,
        warmupMs: 1000,
        onReady: (info) => {
          controlUrl = info.controlUrl;
          const at = (ms: number, id: string) =>
            kills.push(
              new Promise((resolve) =>
                setTimeout(() => {
                  info.supervisor.kill(id);
                  resolve();
                }, ms),
              ),
            );
          at(3000, 'door-1');
          at(5000, 'door-2');
        },
      },
      async () => {
        // After the drain, before the control endpoint closes: the orchestrator's own counters.
        metricsText = await (await fetch(`${controlUrl}/metrics`)).text();
      },
    );
    await Promise.all(kills);
    const { report } = await judgeRun({
      journalPath: result.journalPath,
      noDatabaseReason: 'test',
    });
    const entry = report.operations.entry;
    expect(entry.outcomes.dropped, logs.join('\n')).toBeGreaterThan(0);
    expect(sumOutcomes(report, 'entry')).toBe(entry.planned);
    const dropped = (op: string) =>
      Number(
        new RegExp(`^ghostfleet_dropped_total\\{operation="${op}"\\} (\\d+)`, 'm').exec(
          metricsText,
        )?.[1] ?? 0,
      );
    for (const op of OPERATIONS)
      expect(dropped(op), op).toBe(report.operations[op].outcomes.dropped);
    // A reassigned copy is the same patron: planned_total counts patrons.
    const planned = Number(
      /^ghostfleet_planned_total\{operation="entry"\} (\d+)/m.exec(metricsText)?.[1] ?? -1,
    );
    expect(planned).toBe(entry.planned);
    // The patrons no door served still count in the sojourn percentiles, and the report says so.
    expect(entry.sojournSeconds.censored).toBeGreaterThan(0);
    expect(entry.failures).toBeGreaterThanOrEqual(entry.outcomes.dropped);
    expect(report.passed).toBe(false);
  });
});

describe('a door lost while the run drains', () => {
  it('ends what it owed as interrupted, not unserved', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'gf-e2e-'));
    dirs.push(stateDir);
    const logs: string[] = [];
    const base = await shortScenario(8000);
    // A slow target (0.9 s per scan at one lane, 100 scans/min per door) leaves a line at each door
    // when the arrivals end; door-1 dies then.
    const scenario = {
      ...base,
      operations: {
        ...base.operations,
        funding: { ...base.operations.funding, perMinute: 0 },
        concession: { ...base.operations.concession, perMinute: 0 },
      },
      devices: base.devices.filter((d) => d.kind === 'entry-scanner'),
    };
    const { report } = await runAndJudge({
      scenario,
      seed: 7,
      target: { kind: 'sandbox', latencyMs: 900 },
      stateDir,
      fleet: 'e2e-drain',
      log: (l) => {
        logs.push(l);
        if (/waiting for \d+ answers/.test(l)) killDoor?.();
      },
      warmupMs: 1000,
      onReady: (info) => {
        killDoor = () => {
          killDoor = null;
          info.supervisor.kill('door-1');
        };
      },
    });
    const entry = report.operations.entry;
    expect(
      logs.some((l) => /door-1 lost: [1-9]\d* interrupted/.test(l)),
      logs.join('\n'),
    ).toBe(true);
    expect(entry.outcomes.interrupted).toBeGreaterThan(0);
    expect(sumOutcomes(report, 'entry')).toBe(entry.planned);
  });
});
let killDoor: (() => void) | null = null;
