/** A concession POS terminal: the cart is rung up, the patron presents the wallet, GhostPass charges it. */

import { readCredential } from './read-credential.js';
import { fromApi, type KindHandler } from './types.js';

export const posTerminal: KindHandler = {
  async serve(event, ctx, read) {
    const cart = event.cart;
    if (!cart) return { outcome: 'error', code: 'no_cart', decided: ctx.now() };
    const { started, wallet, method } = read ?? (await readCredential(event, ctx));
    if (wallet === null || wallet !== event.wallet.binding) {
      return { outcome: 'error', code: 'reader_mismatch', started, decided: ctx.now() };
    }
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
