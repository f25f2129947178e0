/**
 * The device-local outbox (DESIGN.md data path step 5): every result is appended to a file before it
 * is published, and marked acknowledged only after the broker's PUBACK (QoS 1), so a result survives
 * a broker outage and a device restart. A SIGKILL loses at most what the OS had not written, and
 * one `writeSync` per line leaves that window at one line (no fsync: a SIGKILL is the outage we
 * model, not a power cut). The file stays open (an append per result was an open+write+close).
 *
 * One file per device, shared by every run it serves, and every record names its run: an `add` carries
 * the run id with the result and an `ack` the run id with the result ids, so a result is keyed by
 * (run, event id). Event ids restart at `e-000001` each run (issue 6): keyed by id alone, a replay after
 * a crash let run 2's result overwrite run 1's unsent one and run 2's ack drop it. A run id per record
 * (rather than a file per run) keeps one file to compact on open and needs no run known at start; a
 * result of an older run is still published, under its own run id, and the orchestrator notes it.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { type EventResult, EventResultSchema } from '../contract/payloads.js';

export interface OutboxEntry {
  runId: string;
  result: EventResult;
}

export interface Outbox {
  /** Persist a result and schedule its publication. */
  add(runId: string, result: EventResult): void;
  /** Publish everything not yet acknowledged; resolves when the broker has acknowledged it. */
  flush(): Promise<void>;
  /** Results persisted but not yet acknowledged. */
  pending(): number;
  close(): Promise<void>;
}

export interface OutboxOptions {
  file: string;
  /** Publish one batch of one run; resolves on PUBACK. */
  publish(runId: string, results: EventResult[]): Promise<void>;
  intervalMs?: number;
  maxBatch?: number;
  /**
   * May the periodic flush publish now? A broker's PUBACK only says the broker took the message;
   * after a reconnect (a restarted broker has no subscriptions yet) the device waits until the
   * orchestrator has shown it is listening again, or its results would be acknowledged into the
   * void. An explicit `flush()` (the device stopping) does not wait.
   */
  ready?(): boolean;
  onError?(err: unknown): void;
}

/** What a line of the file may be; anything else (a line torn by a SIGKILL mid-write) is skipped. */
const LineSchema = z.union([
  z.strictObject({
    add: z.strictObject({ runId: z.string().min(1), result: EventResultSchema }),
  }),
  z.strictObject({ ack: z.string().min(1), ids: z.array(z.string()) }),
]);

const keyOf = (runId: string, id: string) => `${runId}\u0000${id}`;

function parseLine(text: string): z.infer<typeof LineSchema> | null {
  try {
    const parsed = LineSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // a line torn by a SIGKILL mid-write
  }
}

/** Replay the file: results added and never acknowledged, in order, keyed by (run, event id). */
export function replayOutbox(file: string): OutboxEntry[] {
  if (!existsSync(file)) return [];
  const pending = new Map<string, OutboxEntry>();
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    const line = text ? parseLine(text) : null;
    if (!line) continue;
    if ('add' in line) pending.set(keyOf(line.add.runId, line.add.result.id), line.add);
    else for (const id of line.ids) pending.delete(keyOf(line.ack, id));
  }
  return [...pending.values()];
}

export function createOutbox(opts: OutboxOptions): Outbox {
  mkdirSync(dirname(opts.file), { recursive: true });
  const queue: OutboxEntry[] = replayOutbox(opts.file);
  // Compact: the file restarts with just what is still owed.
  writeFileSync(opts.file, queue.map((entry) => `${JSON.stringify({ add: entry })}\n`).join(''));
  const fd = openSync(opts.file, 'a');
  const append = (line: object) => writeSync(fd, `${JSON.stringify(line)}\n`);
  const maxBatch = opts.maxBatch ?? 500;
  let inFlight: Promise<void> | null = null;
  let closed = false;

  const sendOnce = async (): Promise<void> => {
    while (queue.length > 0) {
      const runId = queue[0]!.runId;
      let n = 0;
      while (n < queue.length && n < maxBatch && queue[n]!.runId === runId) n++;
      const batch = queue.slice(0, n);
      await opts.publish(
        runId,
        batch.map((entry) => entry.result),
      );
      queue.splice(0, n);
      // Closed meanwhile: the ack is not written, so the next outbox sends these again (QoS 1 is
      // at-least-once anyway; the journal keeps the first result of an event, a repeat is `late`).
      if (closed) return;
      append({ ack: runId, ids: batch.map((e) => e.result.id) });
    }
  };

  const flush = (): Promise<void> => {
    if (!inFlight) {
      inFlight = sendOnce().finally(() => {
        inFlight = null;
      });
    }
    return inFlight;
  };

  // One batch per interval, and no timer at all while nothing is owed: an always-ticking 200 ms
  // interval was 2/3 of an idle device's CPU (~0.2 ms/s per device, ~60 ms/s for the stadium's
  // 261 devices; bench/README.md). Armed by add (or a replayed file), re-armed while a publish is
  // in flight or something is still owed (a failed publish is retried each interval, as before),
  // and while the link is not ready (`ready`: the orchestrator has not answered the device's
  // birth yet after a reconnect) the owed results wait for the next interval.
  const intervalMs = opts.intervalMs ?? 200;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (timer || closed || queue.length === 0) return;
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };
  function tick(): void {
    timer = undefined;
    if (inFlight || !(opts.ready?.() ?? true)) {
      arm();
      return;
    }
    if (queue.length === 0) return;
    flush()
      .catch((err: unknown) => opts.onError?.(err))
      .finally(arm);
  }
  arm();

  return {
    add(runId, result) {
      if (closed) throw new Error('outbox is closed');
      const entry = { runId, result };
      append({ add: entry });
      queue.push(entry);
      arm();
    },
    async flush() {
      // A flush that started before the last add may not cover it: go again until empty.
      while (queue.length > 0) await flush();
      if (inFlight) await inFlight;
    },
    pending: () => queue.length,
    async close() {
      // A publish still waiting for its PUBACK (broker gone) is not awaited: what it carries is on
      // disk and is sent again by the next outbox on this file.
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      closeSync(fd);
    },
  };
}
