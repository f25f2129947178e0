/**
 * A fleet run against the embedded sandbox with serverless fidelity (ghostpass/sandbox/fidelity/):
 * the layer sits in front of every device's request — the limit of 3 instances × 1 holds over a
 * whole run, instances start cold, and every answer carries at least the fixed latency asked for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAndJudge } from '../cli/run-stages.js';
import { createRng } from '../contract/rng.js';
import { parseFidelity } from '../ghostpass/sandbox/fidelity/config.js';
import { createFidelity } from '../ghostpass/sandbox/fidelity/decorator.js';
import { loadScenario } from '../orchestrator/scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'gf-fidelity-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a run against a serverless-like sandbox', () => {
  it('holds the instance limit over the whole run and adds the latency to every answer', async () => {
    const fidelity = createFidelity(
      parseFidelity(
        { coldStartMs: 300, maxInstances: 3, instanceConcurrency: 1, latency: { fixedMs: 40 } },
        'test',
      ),
      { random: createRng(4).fork('sandbox.fidelity').next },
    );
    const demo = await loadScenario('demo');
    const result = await runAndJudge({
      scenario: {
        ...demo,
        name: 'fidelity-e2e',
        duration: 8_000,
        arrivals: 'constant',
        crowd: { ...demo.crowd, wallets: 300, maxInside: 150 },
      },
      seed: 4,
      target: { kind: 'sandbox', fidelity },
      stateDir: join(dir, 'state'),
      fleet: 'fidelity-e2e',
      devicesPerHost: 7,
      stripeDelayMs: 200,
      log: () => {},
    });
    const s = fidelity.stats();
    const entry = result.report.operations.entry;
    expect(entry.outcomes.ok).toBeGreaterThan(10);
    expect(s.requests).toBeGreaterThanOrEqual(entry.outcomes.ok);
    expect(s.coldStarts).toBeGreaterThanOrEqual(1);
    expect(s.coldStarts).toBeLessThanOrEqual(3);
    expect(s.maxInFlight).toBeLessThanOrEqual(3);
    expect(s.inFlight + s.queued).toBe(0);
    // Each answer waited its 40 ms on the sandbox's side: no service time can be shorter.
    expect(entry.serviceSeconds.p50).not.toBeNull();
    expect(result.report.operations.concession.serviceSeconds.p50 ?? 0).toBeGreaterThanOrEqual(
      0.04,
    );
    expect(entry.serviceSeconds.p50 ?? 0).toBeGreaterThanOrEqual(0.04);
  }, 120_000);
});
