import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import type { EventResult, PlanEvent } from '../contract/payloads.js';
import { createJournal, readJournal } from './journal.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gf-journal-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = { runId: 'run-1', scenario: 'demo', seed: 42, startAt: 1000, target: 'sandbox' };
const ev = (id: string, op: PlanEvent['op'] = 'entry', at = 1000): PlanEvent => ({
  id,
  op,
  at,
  wallet: { binding: 'wallet_test_1', fingerprint: 'device_test_1' },
  method: 'QR',
});
const result = (
  id: string,
  outcome: EventResult['outcome'] = 'ok',
  extra: Partial<EventResult> = {},
): EventResult => ({
  id,
  op: 'entry',
  outcome,
  source: 'virtual',
  at: 1000,
  sent: 1010,
  responded: 1050,
  decided: 1060,
  ...extra,
});

describe('journal', () => {
  it('ends every planned event exactly once: the first terminal wins, later ones are counted', async () => {
    const path = join(dir, 'once.jsonl');
    const j = createJournal({ path, run });
    j.plan(ev('e-1'), 'door-1');
    j.plan(ev('e-2'), 'door-1');
    j.plan(ev('c-1', 'concession'), 'concession-1');
    expect(j.pending()).toBe(3);
    expect(j.end('e-1', 'ok', result('e-1'))).toBe(true);
    expect(j.end('e-1', 'error', result('e-1', 'error'))).toBe(false); // duplicate delivery
    expect(j.end('e-2', 'interrupted', 'door-1 lost')).toBe(true);
    expect(j.end('e-2', 'ok', result('e-2'))).toBe(false); // a late 200 after the device was declared lost
    expect(j.end('nope', 'ok')).toBe(false);
    expect(j.outcomes('entry')).toMatchObject({ ok: 1, interrupted: 1, error: 0 });
    expect(j.anomalies()).toEqual({ lateResults: 2, strayResults: 1 });
    expect(j.pendingFor('door-1')).toEqual([]);
    expect(j.pendingFor('concession-1')).toEqual([{ id: 'c-1', at: 1000 }]);
    expect(j.performedBy('door-1')).toBe(1);
    expect(j.get('e-2')?.outcome).toBe('interrupted');
    expect(() => j.plan(ev('e-1'), 'door-2')).toThrow(GhostfleetError);
    expect(j.endPending('unserved', 'run ended')).toBe(1);
    expect(j.pending()).toBe(0);
    expect(j.outcomes('concession').unserved).toBe(1);
    await j.close();

    const records = await readJournal(path);
    expect(records[0]).toMatchObject({ t: 'run', runId: 'run-1', seed: 42, target: 'sandbox' });
    expect(records.filter((r) => r.t === 'planned')).toHaveLength(3);
    expect(records.filter((r) => r.t === 'end').map((r) => r.id)).toEqual(['e-1', 'e-2', 'c-1']);
    expect(records.filter((r) => r.t === 'late').map((r) => r.id)).toEqual(['e-1', 'e-2']);
    expect(records.filter((r) => r.t === 'stray')).toHaveLength(1);
    // Every planned id has exactly one `end` line.
    const ends = new Map<string, number>();
    for (const r of records) if (r.t === 'end') ends.set(r.id, (ends.get(r.id) ?? 0) + 1);
    for (const r of records) if (r.t === 'planned') expect(ends.get(r.id)).toBe(1);
  });

  it('counts physical scans as planned and ended at once', async () => {
    const j = createJournal({ path: join(dir, 'phys.jsonl'), run });
    j.recordUnplanned(
      result('p-door-hw-1', 'ok', { source: 'physical', wallet: 'wallet_test_9' }),
      'door-hw',
    );
    j.plan(ev('e-1'), 'door-1');
    expect(j.planned('entry')).toBe(2);
    expect(j.planned('entry', 'physical')).toBe(1);
    expect(j.outcomes('entry', 'physical').ok).toBe(1);
    expect(j.outcomes('entry', 'virtual').ok).toBe(0);
    expect(j.pending()).toBe(1);
    await j.close();
    const planned = (await readJournal(j.path)).find((r) => r.t === 'planned');
    expect(planned).toMatchObject({
      source: 'physical',
      wallet: 'wallet_test_9',
      device: 'door-hw',
    });
  });

  it('writes many records in batches and flushes them all on close', async () => {
    const j = createJournal({ path: join(dir, 'many.jsonl'), run });
    for (let i = 0; i < 5000; i++)
      j.plan(ev(`e-${i}`, 'entry', 1000 + i), i % 2 ? 'door-1' : 'door-2');
    for (let i = 0; i < 5000; i++) j.end(`e-${i}`, 'ok');
    await j.close();
    await j.close(); // idempotent
    const lines = (await readFile(j.path, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1 + 5000 + 5000);
    expect(() => j.plan(ev('x'), 'door-1')).toThrow(/after close/);
  });

  it('readJournal names malformed lines', async () => {
    const j = createJournal({ path: join(dir, 'bad.jsonl'), run });
    await j.close();
    const { appendFile } = await import('node:fs/promises');
    await appendFile(j.path, '{"t":"end","id":"x","outcome":"maybe"}\nnot json\n');
    try {
      await readJournal(j.path);
      expect.unreachable();
    } catch (err) {
      expect((err as GhostfleetError).code).toBe(ErrorCodes.BadPayload);
      expect((err as GhostfleetError).details.join('\n')).toMatch(
        /:2: outcome: .*\n.*:3: not JSON/,
      );
    }
  });
});
