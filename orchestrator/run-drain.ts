/**
 * The drain: after the last arrival, patrons still in line or in flight get their answer within a
 * bound; what is still owed then is `unserved`. Then the run's closing facts (devices, target,
 * broker, crowd, notes) are journaled and the journal is closed: the orchestrator's work ends here,
 * and the journal is the whole record validation judges.
 */
import type { ClosedRecord, DeviceFacts } from '../contract/journal.js';
import type { Planner } from './planner.js';
import { readerWarning } from './reader-check.js';
import { updateDevicesUp } from './run-arrivals.js';
import { enterPhase, type RunContext, waitFor } from './run-context.js';

function deviceFacts(ctx: RunContext): DeviceFacts[] {
  return ctx.registry.all().map((d) => ({
    id: d.id,
    kind: d.kind,
    source: d.source,
    profile: d.profile,
    input: d.input,
    pid: d.pid ?? null,
    up: d.status === 'online',
    births: d.births,
    clockOffsetMs: d.clockOffsetMs === undefined ? null : Math.round(d.clockOffsetMs * 10) / 10,
    ...(d.reader ? { readerFrames: { ...d.reader.counts } } : {}),
  }));
}

function collisionNotes(planner: Planner): string[] {
  const c = planner.collisions();
  const list = (o: Partial<Record<string, number>>) =>
    Object.entries(o)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  const notes: string[] = [];
  if (Object.keys(c.planned).length > 0) notes.push(`collisions planned: ${list(c.planned)}`);
  if (Object.keys(c.unplaced).length > 0) {
    notes.push(`collisions not placed (no ordinary arrival left to replace): ${list(c.unplaced)}`);
  }
  for (const s of c.skipped) notes.push(`collision ${s.kind} skipped: ${s.reason}`);
  return notes;
}

function closingNotes(ctx: RunContext, planner: Planner): string[] {
  const notes: string[] = [...collisionNotes(planner)];
  for (const d of ctx.registry.all()) {
    const w = readerWarning(d);
    if (w !== null) notes.push(w);
  }
  if (ctx.state.aborted) notes.push('the run was interrupted before its planned end');
  const { stoppedAt, startAt, abortReason } = ctx.state;
  if (abortReason !== null) notes.push(`aborted: ${abortReason}`);
  else if (stoppedAt !== null) {
    const at = Math.max(0, Math.round((stoppedAt - startAt) / 1000));
    notes.push(
      `stopped by \`ghostfleet stop\` ${at} s into the run: rates are per minute of the planned duration`,
    );
  }
  const bad = ctx.collector.badPayloads();
  if (bad > 0) notes.push(`${bad} MQTT messages did not parse and were ignored`);
  const stale = ctx.collector.otherRuns();
  if (stale > 0) notes.push(`${stale} results from earlier runs (replayed outboxes) were ignored`);
  return notes;
}

export async function drainRun(ctx: RunContext, planner: Planner): Promise<void> {
  const { now, opts, scenario, ledger } = ctx;
  await enterPhase(ctx, 'draining', now());
  const drainMs = ctx.state.aborted
    ? 2000
    : scenario.dropDeadline + (opts.timeoutMs ?? 10_000) + 20_000;
  const drainUntil = now() + drainMs;
  const owed = ledger.pending();
  if (owed > 0) {
    opts.log(
      `arrivals done; waiting for ${owed} answers (at most ${Math.round(drainMs / 1000)} s)…`,
    );
  }
  await waitFor(() => ledger.pending() === 0 || now() > drainUntil, drainMs + 5000, 'drain');
  const unserved = ledger.endOwed('unserved', ctx.state.aborted ? 'run interrupted' : 'run ended');
  if (unserved > 0) opts.log(`${unserved} events were still owed when the run ended: unserved`);

  await ctx.dbMonitor?.stop();
  const endedAt = now();
  await enterPhase(ctx, ctx.state.aborted ? 'aborted' : 'done', endedAt);
  updateDevicesUp(ctx);
  const closed: ClosedRecord = {
    t: 'closed',
    endedAt,
    aborted: ctx.state.aborted,
    devices: deviceFacts(ctx),
    target: {
      kind: opts.target.kind,
      url: ctx.target.baseUrl,
      ...(ctx.target.mode ? { mode: ctx.target.mode } : {}),
    },
    broker: { url: ctx.broker.shownUrl, embedded: ctx.broker.embedded },
    crowd: { ...planner.crowd() },
    notes: closingNotes(ctx, planner),
  };
  ctx.journal.write(closed);
  await ctx.journal.close();
}
