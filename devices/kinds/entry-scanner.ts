/** The entry scanner at a door: read the patron's credential, ask GhostPass, show the decision. */

import { BAD_INTERACTION_METHOD } from '../../contract/collisions.js';
import { callRecord, holdForStrike } from './collision.js';
import { presentedWallet } from './read-credential.js';
import { fromApi, type KindHandler } from './types.js';

export const entryScanner: KindHandler = {
  async serve(event, ctx, read) {
    const presented = await presentedWallet(event, ctx, read);
    if ('refused' in presented) return presented.refused;
    const { started, wallet, method } = presented;
    const collision = event.collision;
    // zero-fee-venue: this patron enters the target's second venue, at its entry gateway.
    const venue = collision?.venue;
    await holdForStrike(event, ctx);
    const res = await ctx.client.entryScan(
      {
        walletBindingId: wallet,
        fingerprint: event.wallet.fingerprint,
        venueId: venue?.venueId ?? ctx.config.target.venueId,
        gatewayId: venue?.gatewayId ?? ctx.config.target.gatewayId ?? '',
        method,
      },
      collision?.kind === 'bad-interaction-method'
        ? { interactionMethod: BAD_INTERACTION_METHOD }
        : {},
    );
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
      ...(collision ? { attempts: 1, calls: [callRecord('entry', res)] } : {}),
    };
  },
};
