/**
 * I10: the fleet's own record agrees with the database (GHOSTPASS.md "Invariants"). Loads the run
 * window's write units, matches them with the journal (`match.ts`) and reports per class its
 * count and first rows. `matched` and `explained` are not corruption; every other class is.
 */
import type { Row, SqlBackend } from '../db/backend.js';
import type { InvariantResult, Scope } from '../invariants/types.js';
import { type Finding, type MatchClass, matchJournal } from './match.js';
import type { FleetRequest } from './requests.js';
import { loadUnits } from './rows.js';

export const CORRUPTION_CLASSES: readonly MatchClass[] = [
  'receipt_missing',
  'ok_without_rows',
  'ok_rows_incomplete',
  'declined_wrote_rows',
  'failed_wrote_rows',
  'row_without_request',
  'double_charge',
];

export interface ReconcileResult {
  classes: Record<MatchClass, { count: number; sample: Finding[] }>;
  corruption: number;
}

export interface ReconcileOptions {
  /** Clock difference allowed between the fleet and the database (default 2 s). */
  slackMs?: number;
  sampleSize: number;
}

export async function reconcile(
  db: SqlBackend,
  scope: Scope,
  requests: readonly FleetRequest[],
  opts: ReconcileOptions,
): Promise<ReconcileResult> {
  const units = await loadUnits(db, scope);
  const findings = matchJournal(requests, units, opts.slackMs ?? 2_000);
  const classes = Object.fromEntries(
    (['matched', 'explained', ...CORRUPTION_CLASSES] as MatchClass[]).map((c) => [
      c,
      { count: 0, sample: [] as Finding[] },
    ]),
  ) as ReconcileResult['classes'];
  for (const f of findings) {
    const c = classes[f.cls];
    c.count++;
    if (c.sample.length < opts.sampleSize) c.sample.push(f);
  }
  const corruption = CORRUPTION_CLASSES.reduce((n, c) => n + classes[c].count, 0);
  return { classes, corruption };
}

/** I10 as an invariant result: corruption fails it; explained rows are counted in the note. */
export function reconcileResult(
  r: ReconcileResult,
  sampleSize: number,
  ms: number,
): InvariantResult {
  // Round-robin over the classes: 28 rows of one class must not hide the 2 of another (a
  // double charge behind a run's unacknowledged credits).
  const sample: Row[] = [];
  for (let i = 0; sample.length < sampleSize; i++) {
    const round = CORRUPTION_CLASSES.flatMap((c) => {
      const f = r.classes[c].sample[i];
      return f === undefined ? [] : [{ problem: c, ...f }];
    });
    if (round.length === 0) break;
    sample.push(...round.slice(0, sampleSize - sample.length));
  }
  const explained = r.classes.explained;
  const ids = explained.sample.map((f) => f.eventId).filter((x) => x !== undefined);
  const note =
    `${r.classes.matched.count} rows matched; ${explained.count} explained` +
    (ids.length > 0
      ? ` (timeout/interrupted/late: ${ids.slice(0, 5).join(', ')}${explained.count > 5 ? ', …' : ''})`
      : '') +
    (r.corruption > 0
      ? `; ${CORRUPTION_CLASSES.filter((c) => r.classes[c].count > 0)
          .map((c) => `${c} ${r.classes[c].count}`)
          .join(', ')}`
      : '');
  return {
    id: 'I10',
    name: 'the fleet journal agrees with the database',
    ok: r.corruption === 0,
    count: r.corruption,
    sample,
    note,
    ms,
  };
}
