/** A concession POS terminal: the cart is rung up, the patron presents the wallet, GhostPass charges it. */

import type { CallOptions } from '../../ghostpass/client.js';
import { callRecord, holdForStrike, withTimeoutRetry } from './collision.js';
import { presentedWallet } from './read-credential.js';
import { fromApi, type KindHandler } from './types.js';

export const posTerminal: KindHandler = {
  async serve(event, ctx, read) {
    const cart = event.cart;
    if (!cart) return { outcome: 'error', code: 'no_cart', decided: ctx.now() };
    const presented = await presentedWallet(event, ctx, read);
    if ('refused' in presented) return presented.refused;
    const { started, wallet, method } = presented;
    // Negative quantity/tip collisions arrive as the planned cart: sent as rung up.
    const send = (opts: CallOptions = {}) =>
      ctx.client.purchase(
        {
          walletBindingId: wallet,
          fingerprint: event.wallet.fingerprint,
          itemId: cart.itemId,
          gatewayId: ctx.config.target.gatewayId ?? '',
          quantity: cart.quantity,
          tipCents: cart.tipCents,
          method,
        },
        opts,
      );
    await holdForStrike(event, ctx);
    const collision = event.collision;
    let res: Awaited<ReturnType<typeof send>>;
    let extra = {};
    if (collision?.kind === 'retry-after-timeout') {
      const a = await withTimeoutRetry('purchase', send);
      res = a.result;
      extra = { attempts: a.attempts, idempotencyKey: a.idempotencyKey, calls: a.calls };
      // The patron's wait and the API time start with the first attempt.
      res = { ...res, sent: a.firstSent };
    } else {
      res = await send();
      if (collision) extra = { attempts: 1, calls: [callRecord('purchase', res)] };
    }
    const decided = ctx.now();
    return {
      ...fromApi(res, decided),
      started,
      wallet,
      ...(res.kind === 'ok' ? { chargedCents: res.body.transaction.total_charged_cents } : {}),
      ...extra,
    };
  },
};
