/**
 * The run journal: an append-only JSONL file, one record per line, plus the in-memory state that
 * enforces DESIGN.md's rule "every planned event ends in exactly one state". A second terminal
 * for the same id is ignored (the first one wins) but still written as a `late` record, because a
 * late 200 means the target really did the work: validation (I10) must see it.
 *
 * Lines are buffered and written in batches (one `write` per event-loop turn, or every
 * FLUSH_LINES lines) through fs.createWriteStream; `close()` resolves once the file is flushed.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import {
  METHODS,
  OPERATIONS,
  type Operation,
  OUTCOMES,
  type Outcome,
  SOURCES,
  type Source,
} from '../contract/operations.js';
import {
  CartSchema,
  type EventResult,
  EventResultSchema,
  type PlanEvent,
} from '../contract/payloads.js';

const FLUSH_LINES = 512;

export const JournalRecordSchema = z.discriminatedUnion('t', [
  z.looseObject({
    t: z.literal('run'),
    runId: z.string(),
    scenario: z.string(),
    seed: z.union([z.string(), z.number()]),
    startAt: z.number(),
  }),
  z.strictObject({
    t: z.literal('planned'),
    id: z.string(),
    op: z.enum(OPERATIONS),
    at: z.number(),
    device: z.string(),
    /** wallet_binding_id */
    wallet: z.string(),
    method: z.enum(METHODS),
    source: z.enum(SOURCES),
    cart: CartSchema.optional(),
    amountCents: z.number().int().optional(),
    reassignedFrom: z.string().optional(),
  }),
  ...(['end', 'late', 'stray'] as const).map((t) =>
    z.strictObject({
      t: z.literal(t),
      id: z.string(),
      outcome: z.enum(OUTCOMES),
      device: z.string().optional(),
      reason: z.string().optional(),
      result: EventResultSchema.optional(),
    }),
  ),
]);
export type JournalRecord = z.infer<typeof JournalRecordSchema>;

export interface RunHeader {
  runId: string;
  scenario: string;
  seed: string | number;
  startAt: number;
  [extra: string]: unknown;
}

export interface JournalEntry {
  event: PlanEvent;
  device: string;
  source: Source;
  outcome: Outcome | null;
}

export interface JournalAnomalies {
  /** A second terminal state for an id that already had one (ignored: the first one wins). */
  lateResults: number;
  /** A terminal state for an id that was never planned. */
  strayResults: number;
}

/** What the report reads: implemented by the live journal (and by a replay of a journal file). */
export interface JournalView {
  planned(op: Operation, source?: Source): number;
  outcomes(op: Operation, source?: Source): Record<Outcome, number>;
  performedBy(device: string): number;
  anomalies(): JournalAnomalies;
}

export interface Journal extends JournalView {
  readonly path: string;
  plan(event: PlanEvent, device: string): void;
  /**
   * The event's terminal state. `detail` is the device's result, or a reason (orchestrator-made
   * outcomes: interrupted, reassigned, dropped, unserved). Returns false when ignored (late/stray).
   */
  end(id: string, outcome: Outcome, detail?: EventResult | string): boolean;
  /** A physical reader's scan: planned and ended at once, source `physical`. */
  recordUnplanned(result: EventResult, device: string): void;
  pendingFor(device: string): { id: string; at: number }[];
  pending(): number;
  /** End everything still pending (e.g. `unserved` when the run ends); returns how many. */
  endPending(outcome: Outcome, reason: string): number;
  get(id: string): JournalEntry | undefined;
  close(): Promise<void>;
}

/** The outcomes of a performed operation: the device actually served the patron. */
export const PERFORMED_OUTCOMES: readonly Outcome[] = ['ok', 'declined', 'error', 'timeout'];

const zeroOutcomes = (): Record<Outcome, number> =>
  Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;

export function createJournal(opts: { path: string; run: RunHeader }): Journal {
  const stream: WriteStream = createWriteStream(opts.path, { flags: 'a' });
  let streamError: Error | null = null;
  stream.on('error', (err) => {
    streamError = err;
  });
  let buffer: string[] = [];
  let flushScheduled = false;
  let closed = false;

  const entries = new Map<string, JournalEntry>();
  const pendingByDevice = new Map<string, Map<string, number>>();
  const plannedCount = new Map<string, number>(); // `${op}|${source}`
  const outcomeCount = new Map<string, Record<Outcome, number>>(); // `${op}|${source}`
  const performed = new Map<string, number>();
  const anomalies: JournalAnomalies = { lateResults: 0, strayResults: 0 };

  function flush(): void {
    flushScheduled = false;
    if (buffer.length === 0) return;
    stream.write(buffer.join(''));
    buffer = [];
  }
  function write(record: JournalRecord): void {
    if (closed) throw new GhostfleetError(ErrorCodes.Internal, 'journal written after close');
    buffer.push(`${JSON.stringify(record)}\n`);
    if (buffer.length >= FLUSH_LINES) flush();
    else if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  }

  function outcomesOf(key: string): Record<Outcome, number> {
    let o = outcomeCount.get(key);
    if (o === undefined) {
      o = zeroOutcomes();
      outcomeCount.set(key, o);
    }
    return o;
  }

  function plan(event: PlanEvent, device: string, source: Source): void {
    if (entries.has(event.id)) {
      throw new GhostfleetError(ErrorCodes.Internal, `event ${event.id} planned twice`);
    }
    entries.set(event.id, { event, device, source, outcome: null });
    const key = `${event.op}|${source}`;
    plannedCount.set(key, (plannedCount.get(key) ?? 0) + 1);
    let mine = pendingByDevice.get(device);
    if (mine === undefined) {
      mine = new Map();
      pendingByDevice.set(device, mine);
    }
    mine.set(event.id, event.at);
    write({
      t: 'planned',
      id: event.id,
      op: event.op,
      at: event.at,
      device,
      wallet: event.wallet.binding,
      method: event.method,
      source,
      ...(event.cart && { cart: event.cart }),
      ...(event.amountCents !== undefined && { amountCents: event.amountCents }),
      ...(event.reassignedFrom !== undefined && { reassignedFrom: event.reassignedFrom }),
    });
  }

  function end(id: string, outcome: Outcome, detail?: EventResult | string): boolean {
    const extra =
      detail === undefined
        ? {}
        : typeof detail === 'string'
          ? { reason: detail }
          : { result: detail };
    const entry = entries.get(id);
    if (entry === undefined) {
      anomalies.strayResults++;
      write({ t: 'stray', id, outcome, ...extra });
      return false;
    }
    if (entry.outcome !== null) {
      anomalies.lateResults++;
      write({ t: 'late', id, outcome, device: entry.device, ...extra });
      return false;
    }
    entry.outcome = outcome;
    outcomesOf(`${entry.event.op}|${entry.source}`)[outcome]++;
    if (PERFORMED_OUTCOMES.includes(outcome)) {
      performed.set(entry.device, (performed.get(entry.device) ?? 0) + 1);
    }
    pendingByDevice.get(entry.device)?.delete(id);
    write({ t: 'end', id, outcome, device: entry.device, ...extra });
    return true;
  }

  const sources = (source?: Source): readonly Source[] => (source ? [source] : SOURCES);

  write({ t: 'run', ...opts.run });

  return {
    path: opts.path,
    plan: (event, device) => plan(event, device, 'virtual'),
    end,
    recordUnplanned(result, device) {
      const { id, op, at } = result;
      const event: PlanEvent = {
        id,
        op,
        at,
        wallet: { binding: result.wallet ?? 'unknown', fingerprint: 'unknown' },
        method: 'QR',
      };
      if (entries.has(id)) {
        // A device reused an id: never overwrite a planned event's record.
        end(id, result.outcome, result);
        return;
      }
      plan(event, device, 'physical');
      end(id, result.outcome, result);
    },
    pendingFor(device) {
      const mine = pendingByDevice.get(device);
      return mine ? [...mine].map(([id, at]) => ({ id, at })) : [];
    },
    pending() {
      let n = 0;
      for (const mine of pendingByDevice.values()) n += mine.size;
      return n;
    },
    endPending(outcome, reason) {
      const ids = [...pendingByDevice.values()].flatMap((m) => [...m.keys()]);
      for (const id of ids) end(id, outcome, reason);
      return ids.length;
    },
    get: (id) => entries.get(id),
    planned(op, source) {
      return sources(source).reduce((n, s) => n + (plannedCount.get(`${op}|${s}`) ?? 0), 0);
    },
    outcomes(op, source) {
      const out = zeroOutcomes();
      for (const s of sources(source)) {
        const o = outcomeCount.get(`${op}|${s}`);
        if (o) for (const k of OUTCOMES) out[k] += o[k];
      }
      return out;
    },
    performedBy: (device) => performed.get(device) ?? 0,
    anomalies: () => ({ ...anomalies }),
    async close() {
      if (closed) return;
      flush();
      closed = true;
      await new Promise<void>((resolve, reject) => {
        if (streamError) {
          reject(streamError);
          return;
        }
        stream.once('error', reject);
        stream.end(() => resolve());
      }).catch((err: unknown) => {
        throw new GhostfleetError(
          ErrorCodes.Internal,
          `journal ${opts.path} could not be written`,
          {
            cause: err,
          },
        );
      });
    },
  };
}

/** Read a journal file back; every line is parsed against its schema. */
export async function readJournal(path: string): Promise<JournalRecord[]> {
  const text = await readFile(path, 'utf8');
  const records: JournalRecord[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      problems.push(`${path}:${i + 1}: not JSON`);
      return;
    }
    const parsed = JournalRecordSchema.safeParse(json);
    if (parsed.success) records.push(parsed.data);
    else {
      for (const issue of parsed.error.issues) {
        problems.push(
          `${path}:${i + 1}: ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
        );
      }
    }
  });
  if (problems.length > 0) {
    throw new GhostfleetError(ErrorCodes.BadPayload, `journal ${path} is malformed`, {
      details: problems,
    });
  }
  return records;
}
