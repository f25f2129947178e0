/**
 * I1, I2, I3, I9 over REST rows: the same questions as validation/invariants/i01, i02, i03, i09,
 * answered over the test wallets and their ledger rows since t0 (see those files for why each
 * rule is what it is).
 */
import type { TxRow } from './load.js';
import { type CheckRows, groupBy, type RestInvariant, signed } from './types.js';
import { byTimeThenId, distinct } from './values.js';

export const I1: RestInvariant = {
  id: 'I1',
  checks: async ({ data }) => [
    {
      problem: 'negative balance',
      rows: data.wallets
        .filter((w) => w.balance_cents !== null && w.balance_cents < 0)
        .map((w) => ({ wallet_binding_id: w.wallet_binding_id, balance_cents: w.balance_cents })),
    },
    {
      problem: 'balance is NULL',
      rows: data.wallets
        .filter((w) => w.balance_cents === null)
        .map((w) => ({ wallet_binding_id: w.wallet_binding_id, balance_cents: null })),
    },
  ],
};

/** Each wallet's in-window rows in (timestamp, id) order. */
function perWallet(tx: readonly TxRow[]): Map<string, TxRow[]> {
  const by = groupBy(tx, (t) => t.wallet_id);
  for (const list of by.values()) list.sort(byTimeThenId);
  return by;
}

export const I2: RestInvariant = {
  id: 'I2',
  async checks({ data }) {
    const rows = perWallet(data.windowTx);
    const wallets = new Map(data.wallets.map((w) => [w.id, w]));
    const mismatch: CheckRows['rows'] = [];
    for (const [id, list] of rows) {
      const w = wallets.get(id);
      const first = list[0];
      if (w === undefined || first === undefined) continue;
      const net = list.reduce((s, t) => s + signed(t), 0);
      const derived = w.balance_cents === null ? null : w.balance_cents - net;
      if (distinct(derived, first.balance_before_cents))
        mismatch.push({
          wallet_binding_id: w.wallet_binding_id,
          balance_cents: w.balance_cents,
          first_balance_before_cents: first.balance_before_cents,
          net_since_t0_cents: net,
          rows: list.length,
          derived_opening_cents: derived,
        });
    }
    const unlogged = data.wallets
      .filter((w) => data.changed.has(w.id) && !rows.has(w.id))
      .map((w) => ({ wallet_binding_id: w.wallet_binding_id, balance_cents: w.balance_cents }));
    return [
      { problem: 'balance does not match the ledger', rows: mismatch },
      { problem: 'wallet changed since t0 without a ledger row', rows: unlogged },
    ];
  },
};

/** Two reads of one standing balance (i03's "source" rule: the latest earlier row that wrote it). */
function sameBalanceReads(list: readonly TxRow[]): CheckRows['rows'] {
  const out: CheckRows['rows'] = [];
  const marks = list.flatMap((t, i) => [
    { v: t.balance_before_cents, pos: i + 1, k: 0, t },
    { v: t.balance_after_cents, pos: i + 1, k: 1, t },
  ]);
  for (const group of groupBy(
    marks.filter((m) => m.v !== null),
    (m) => String(m.v),
  ).values()) {
    group.sort((a, b) => a.pos - b.pos || a.k - b.k);
    let source: number | null = null;
    const seen = new Set<string>();
    for (const m of group) {
      if (m.k === 1) source = m.pos;
      else {
        const key = String(source);
        if (seen.has(key))
          out.push({
            wallet_binding_id: m.t.wallet_binding_id,
            id: m.t.id,
            balance_before_cents: m.v,
          });
        seen.add(key);
      }
    }
  }
  return out;
}

export const I3: RestInvariant = {
  id: 'I3',
  async checks({ data }) {
    const chain: CheckRows['rows'] = [];
    const reads: CheckRows['rows'] = [];
    for (const list of perWallet(data.windowTx).values()) {
      list.forEach((t, i) => {
        const prev = list[i - 1];
        if (prev !== undefined && distinct(t.balance_before_cents, prev.balance_after_cents))
          chain.push({
            wallet_binding_id: t.wallet_binding_id,
            id: t.id,
            balance_before_cents: t.balance_before_cents,
            previous_balance_after_cents: prev.balance_after_cents,
            previous_id: prev.id,
          });
      });
      reads.push(...sameBalanceReads(list));
    }
    return [
      {
        problem: "balance_before_cents is not the previous row's balance_after_cents",
        rows: chain,
      },
      { problem: 'two rows read the same balance', rows: reads },
    ];
  },
};

export const I9: RestInvariant = {
  id: 'I9',
  async checks({ data, src }) {
    const fingerprints = [
      ...new Set(
        data.wallets.flatMap((w) => (w.device_fingerprint === null ? [] : [w.device_fingerprint])),
      ),
    ];
    const sharing = await src.readIn<{
      device_fingerprint: string;
      wallet_binding_id: string | null;
    }>('wallets', 'id, device_fingerprint, wallet_binding_id', 'device_fingerprint', fingerprints);
    const many = [...groupBy(sharing, (w) => w.device_fingerprint)]
      .filter(([, ws]) => ws.length > 1)
      .map(([fp, ws]) => ({
        device_fingerprint: fp,
        wallets: ws.length,
        wallet_binding_ids: ws.map((w) => w.wallet_binding_id).sort(),
      }));
    const bindings = [...groupBy(data.wallets, (w) => w.wallet_binding_id)]
      .filter(([, ws]) => ws.length > 1)
      .map(([b, ws]) => ({ wallet_binding_id: b, wallets: ws.length }));
    return [
      { problem: 'fingerprint owns more than one wallet', rows: many },
      { problem: 'wallet_binding_id on more than one wallet', rows: bindings },
    ];
  },
};
