/** A concession POS terminal: the cart is rung up, the patron presents the wallet, GhostPass charges it. */

import { presentedWallet } from './read-credential.js';
import { fromApi, type KindHandler } from './types.js';

export const posTerminal: KindHandler = {
  async serve(event, ctx, read) {
    const cart = event.cart;
    if (!cart) return { outcome: 'error', code: 'no_cart', decided: ctx.now() };
    const presented = await presentedWallet(event, ctx, read);
    if ('refused' in presented) return presented.refused;
    const { started, wallet, method } = presented;
    const res = await ctx.client.purchase({
      walletBindingId: wallet,
      fingerprint: event.wallet.fingerprint,
      itemId: cart.itemId,
      gatewayId: ctx.config.target.gatewayId ?? '',
      quantity: cart.quantity,
      tipCents: cart.tipCents,
      method,
    });
    const decided = ctx.now();
    return {
      ...fromApi(res, decided),
      started,
      wallet,
      ...(res.kind === 'ok' ? { chargedCents: res.body.transaction.total_charged_cents } : {}),
    };
  },
};
