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
