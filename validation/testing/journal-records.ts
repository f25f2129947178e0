/** Test support: journal records as the orchestrator writes them (orchestrator/journal.ts). */

import type { JournalRecord } from '../../contract/journal.js';
import type { Operation } from '../../contract/operations.js';
import type { EventResult } from '../../contract/payloads.js';

export type PlannedRecord = Extract<JournalRecord, { t: 'planned' }>;

export function plannedRecord(
  e: { id: string; op: Operation; at: number; device: string; wallet: string },
  extra: Partial<PlannedRecord> = {},
): PlannedRecord {
  return { t: 'planned', ...e, method: 'QR', source: 'virtual', ...extra };
}

export function endRecord(device: string, result: EventResult): JournalRecord {
  return { t: 'end', id: result.id, outcome: result.outcome, device, result };
}
