/** The SQL invariants, in report order. I10 (journal ↔ database) is `reconcile/`, run by `validate.ts`. */
import { I1 } from './i01-negative-balance.js';
import { I2 } from './i02-ledger.js';
import { I3 } from './i03-lost-update.js';
import { I4 } from './i04-entry-numbering.js';
import { I5 } from './i05-entry-debit.js';
import { I6 } from './i06-entry-fees.js';
import { I7 } from './i07-purchase.js';
import { I8 } from './i08-stripe.js';
import { I9 } from './i09-fingerprint.js';
import { I11 } from './i11-entry-gateway.js';
import { I12 } from './i12-audit.js';
import type { Invariant } from './types.js';

export const SQL_INVARIANTS: readonly Invariant[] = [I1, I2, I3, I4, I5, I6, I7, I8, I9, I11, I12];

/**
 * Which invariants catch each GhostPass defect (GHOSTPASS.md "Known defects" 1–8, and 9–12 from
 * the second read of 17d47d9), for a report that says what a collision was meant to expose.
 */
export const DEFECT_CAUGHT_BY: Readonly<Record<number, readonly string[]>> = {
  1: ['I2', 'I3'], // concurrent debits lose an update
  2: ['I2', 'I3'], // a debit overlapping a webhook credit loses the credit
  3: ['I4'], // two doors: the same entry_number, two initials
  // A retry after a timeout charges twice: the retry's call names its original (`retryOf`), so
  // I10 reports the second row as `double_charge` (reconcile/match.ts).
  4: ['I10'],
  5: ['I8'], // duplicate / concurrent webhook deliveries credit twice
  6: ['I8'], // webhook for an unknown wallet: the session is never credited
  7: ['I7'], // negative quantity or tip
  8: ['I6'], // a fee configured as 0 becomes the default
  9: ['I5', 'I2'], // Promise.all inserts fail silently: charged, no ledger row
  10: ['I8', 'I2'], // the FUND insert is rejected: credited, no FUND row
  11: ['I8'], // maybeSingle() errors on two rows: credits again
  12: ['I1'], // {sources:[{}]}: NaN → balance NULL
};
