/** The entry scanner at a door: read the patron's credential, ask GhostPass, show the decision. */

import { readCredential } from './read-credential.js';
import { fromApi, type KindHandler } from './types.js';

export const entryScanner: KindHandler = {
  async serve(event, ctx, read) {
    const { started, wallet, method } = read ?? (await readCredential(event, ctx));
    if (wallet === null || wallet !== event.wallet.binding) {
      return { outcome: 'error', code: 'reader_mismatch', started, decided: ctx.now() };
    }
    const res = await ctx.client.entryScan({
      walletBindingId: wallet,
      fingerprint: event.wallet.fingerprint,
      venueId: ctx.config.target.venueId,
      gatewayId: ctx.config.target.gatewayId ?? '',
      method,
    });
    const decided = ctx.now();
    return {
      ...fromApi(res, decided),
      started,
      wallet,
      ...(res.kind === 'ok'
        ? {
            receiptId: res.body.receipt_id,
            entryNumber: res.body.entry_number,
            entryType: res.body.entry_type,
            chargedCents: res.body.fees.total_fees_cents,
          }
        : {}),
    };
  },
};
