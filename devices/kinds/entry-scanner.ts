/** The entry scanner at a door: read the patron's credential, ask GhostPass, show the decision. */

import { presentedWallet } from './read-credential.js';
import { fromApi, type KindHandler } from './types.js';

export const entryScanner: KindHandler = {
  async serve(event, ctx, read) {
    const presented = await presentedWallet(event, ctx, read);
    if ('refused' in presented) return presented.refused;
    const { started, wallet, method } = presented;
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
