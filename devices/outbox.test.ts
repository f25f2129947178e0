import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventResult } from '../contract/payloads.js';
import { createOutbox, replayOutbox } from './outbox.js';

const dirs: string[] = [];
function tmpFile() {
  const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
  dirs.push(dir);
  return join(dir, 'sub', 'outbox.jsonl');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function result(id: string, outcome: EventResult['outcome'] = 'ok'): EventResult {
  return { id, op: 'entry', outcome, source: 'virtual', at: 1, decided: 2 };
}

describe('outbox', () => {
  it('publishes in order, batched per run, and forgets only what was acknowledged', async () => {
    const file = tmpFile();
    const published: Array<[string, string[]]> = [];
    const outbox = createOutbox({
      file,
      intervalMs: 10_000,
      publish: async (runId, results) => {
        published.push([runId, results.map((r) => r.id)]);
      },
    });
    outbox.add('r1', result('a'));
    outbox.add('r1', result('b'));
    outbox.add('r2', result('c'));
    await outbox.flush();
    expect(published).toEqual([
      ['r1', ['a', 'b']],
      ['r2', ['c']],
    ]);
    expect(outbox.pending()).toBe(0);
    expect(replayOutbox(file)).toEqual([]);
    await outbox.close();
  });

  it('keeps results whose publish failed, and a restarted outbox sends them', async () => {
    const file = tmpFile();
    let fail = true;
    const first = createOutbox({
      file,
      intervalMs: 10_000,
      publish: async () => {
        if (fail) throw new Error('broker down');
      },
    });
    first.add('r1', result('a'));
    first.add('r1', result('b'));
    await expect(first.flush()).rejects.toThrow('broker down');
    expect(first.pending()).toBe(2);
    await first.close();

    // A torn line (SIGKILL mid-write) must not poison the replay.
    const { appendFileSync } = await import('node:fs');
    appendFileSync(file, '{"add":{"runId":"r1","res');
    appendFileSync(file, '\n{"ack":["a"]}\n'); // not a record this outbox writes: skipped
    expect(replayOutbox(file).map((e) => e.result.id)).toEqual(['a', 'b']);

    fail = false;
    const got: string[] = [];
    const second = createOutbox({
      file,
      intervalMs: 10_000,
      publish: async (_runId, results) => {
        got.push(...results.map((r) => r.id));
      },
    });
    expect(second.pending()).toBe(2);
    await second.flush();
    expect(got).toEqual(['a', 'b']);
    expect(readFileSync(file, 'utf8')).toContain('"ack"');
    await second.close();
  });

  it('a crash in run 1 then run 2, whose event ids restart: each result kept and sent under its run', async () => {
    const file = tmpFile();
    const down = async () => {
      throw new Error('broker down');
    };
    // Run 1: two results, never acknowledged, then the process dies (nothing closed or flushed).
    const run1 = createOutbox({ file, intervalMs: 10_000, publish: down });
    run1.add('run-1', result('e-000001', 'ok'));
    run1.add('run-1', result('e-000002', 'declined'));
    await expect(run1.flush()).rejects.toThrow('broker down');

    // Restarted for run 2, the broker still away: run 2's e-000001 is another patron.
    const run2 = createOutbox({ file, intervalMs: 10_000, publish: down });
    expect(run2.pending()).toBe(2);
    run2.add('run-2', result('e-000001', 'timeout'));
    await expect(run2.flush()).rejects.toThrow('broker down');

    // Restarted again, the broker back: all three go out, each under its own run.
    const sent: Array<[string, string, string]> = [];
    const run3 = createOutbox({
      file,
      intervalMs: 10_000,
      publish: async (runId, results) => {
        for (const r of results) sent.push([runId, r.id, r.outcome]);
      },
    });
    expect(run3.pending()).toBe(3);
    await run3.flush();
    expect(sent).toEqual([
      ['run-1', 'e-000001', 'ok'],
      ['run-1', 'e-000002', 'declined'],
      ['run-2', 'e-000001', 'timeout'],
    ]);
    await run3.close();
    expect(replayOutbox(file)).toEqual([]);
  });

  it('publishes one batch an interval after a result, keeps no timer while nothing is owed, retries a failed publish', async () => {
    vi.useFakeTimers();
    try {
      const file = tmpFile();
      const published: string[][] = [];
      const errors: unknown[] = [];
      let failures = 0;
      const outbox = createOutbox({
        file,
        intervalMs: 200,
        publish: async (_runId, results) => {
          if (failures > 0) {
            failures--;
            throw new Error('broker down');
          }
          published.push(results.map((r) => r.id));
        },
        onError: (err) => errors.push(err),
      });
      // Idle: nothing owed, nothing ticking (the timer was 5 wake-ups a second per device).
      expect(vi.getTimerCount()).toBe(0);
      outbox.add('r1', result('a'));
      outbox.add('r1', result('b'));
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(199);
      expect(published).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(published).toEqual([['a', 'b']]);
      expect(vi.getTimerCount()).toBe(0);
      // Long idle, then one more result: sent an interval later, not lost for want of a tick.
      await vi.advanceTimersByTimeAsync(60_000);
      failures = 1;
      outbox.add('r1', result('c'));
      await vi.advanceTimersByTimeAsync(200);
      expect(errors).toHaveLength(1);
      expect(outbox.pending()).toBe(1);
      await vi.advanceTimersByTimeAsync(200);
      expect(published).toEqual([['a', 'b'], ['c']]);
      expect(outbox.pending()).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
      await outbox.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it("an ack names its run: run 2's ack of e-000001 does not drop run 1's e-000001", () => {
    const file = tmpFile();
    createOutbox({ file, intervalMs: 10_000, publish: async () => {} }).close();
    const lines = [
      { add: { runId: 'run-1', result: result('e-000001', 'ok') } },
      { add: { runId: 'run-2', result: result('e-000001', 'error') } },
      { ack: 'run-2', ids: ['e-000001'] },
    ];
    writeFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    expect(replayOutbox(file)).toEqual([{ runId: 'run-1', result: result('e-000001', 'ok') }]);
  });
});
