/**
 * The run journal file: append-only JSONL, one `contract/journal.ts` record per line. Only the
 * event ledger (event records) and the run's start and end (header, device, closed records) write
 * it; validation reads it back. Lines are buffered and written in batches (one `write` per
 * event-loop turn, or every FLUSH_LINES lines) through fs.createWriteStream; `close()` resolves
 * once the file is flushed, and after it the journal is the whole truth of the run.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import type { JournalRecord } from '../contract/journal.js';

const FLUSH_LINES = 512;

export interface JournalWriter {
  readonly path: string;
  write(record: JournalRecord): void;
  close(): Promise<void>;
}

export function createJournalWriter(path: string): JournalWriter {
  const stream: WriteStream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  let streamError: Error | null = null;
  stream.on('error', (err) => {
    streamError = err;
  });
  let buffer: string[] = [];
  let flushScheduled = false;
  let closed = false;

  function flush(): void {
    flushScheduled = false;
    if (buffer.length === 0) return;
    stream.write(buffer.join(''));
    buffer = [];
  }

  return {
    path,
    write(record) {
      if (closed) throw new GhostfleetError(ErrorCodes.Internal, 'journal written after close');
      buffer.push(`${JSON.stringify(record)}\n`);
      if (buffer.length >= FLUSH_LINES) flush();
      else if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    },
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
        throw new GhostfleetError(ErrorCodes.Internal, `journal ${path} could not be written`, {
          cause: err,
        });
      });
    },
  };
}
