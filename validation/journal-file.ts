/**
 * Reading a run journal back (contract/journal.ts records): every line is parsed against its
 * schema, and every problem is named with its line number at once — a journal that does not parse
 * is never judged partially.
 */
import { readFile } from 'node:fs/promises';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { type JournalRecord, JournalRecordSchema } from '../contract/journal.js';
import { formatIssues } from '../contract/zod-issues.js';

export async function readJournal(path: string): Promise<JournalRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new GhostfleetError(ErrorCodes.BadArgument, `cannot read the journal ${path}`, {
      cause: err,
    });
  }
  return parseJournal(text, path);
}

export function parseJournal(text: string, path = 'journal'): JournalRecord[] {
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
    else for (const p of formatIssues(parsed.error.issues)) problems.push(`${path}:${i + 1}: ${p}`);
  });
  if (problems.length > 0) {
    throw new GhostfleetError(ErrorCodes.BadPayload, `journal ${path} is malformed`, {
      details: problems,
    });
  }
  return records;
}
