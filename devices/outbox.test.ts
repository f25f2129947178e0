import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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

function result(id: string): EventResult {
  return { id, op: 'entry', outcome: 'ok', source: 'virtual', at: 1, decided: 2 };
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
});
