/**
 * `ghostfleet validate --supabase --env-file FILE`: the REST half of `validate` — opens
 * supabase-js on the env file's SUPABASE_URL with SUPABASE_SERVICE_KEY (one fast probe first:
 * a dead URL or a refused key is one clear error), runs validation/supabase/, and prints which
 * invariants it checked, over how many rows, and which it could not, with why.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExitCodes } from '../../contract/exit-codes.js';
import { supabaseFromEnv } from '../../ghostpass/env-file.js';
import { openSupabase, probe, supabaseLabel } from '../../ghostpass/supabase/client.js';
import { validateRest } from '../../validation/supabase/validate-rest.js';
import type { CliIo } from '../io.js';
import { readEnvVars } from './staging.js';
import { formatInvariants, type ValidateFlags } from './validate.js';

export async function validateSupabase(
  flags: ValidateFlags,
  io: CliIo,
  scope: {
    t0: Date;
    venues: string[];
    sessions?: { sessionId: string; amountCents?: number }[];
  },
): Promise<number> {
  const target = supabaseFromEnv(
    readEnvVars(io, flags.envFile ?? '.env.test', 'validate', '--supabase'),
  );
  const label = `supabase ${supabaseLabel(target.url)}`;
  const sb = openSupabase(target);
  try {
    await probe(sb, label);
    const v = await validateRest({
      sb,
      label,
      t0: scope.t0,
      venueIds: scope.venues,
      ...(scope.sessions ? { sessions: scope.sessions } : {}),
    });
    const s = v.scanned;
    io.out(
      `${label} (REST) since ${scope.t0.toISOString()}, venues ${scope.venues.join(', ')} (${v.ms} ms)\n` +
        `read every page: ${s.wallets} test wallets, ${s.transactions} ledger rows since t0, ${s.entries} entries at the venues\n\n`,
    );
    io.out(`${formatInvariants(v.results)}\n\n`);
    io.out(`checked over REST: ${v.results.map((r) => r.id).join(', ')}\n`);
    for (const n of v.notChecked) io.out(`not checked over REST: ${n.id} — ${n.why}\n`);
    io.out(
      `\n${v.ok ? 'VALID: every invariant checked over REST holds' : 'INVALID: invariants violated'}\n`,
    );
    if (flags.json) writeFileSync(resolve(io.cwd, flags.json), `${JSON.stringify(v, null, 2)}\n`);
    return v.ok ? ExitCodes.Ok : ExitCodes.ThresholdsFailed;
  } finally {
    await sb.removeAllChannels();
  }
}
