/**
 * The run's arrivals: the planner draws the crowd from the seed (open model, times offset from a
 * fixed start), and every `PLAN_WINDOW_MS` the events due within the next window beyond the
 * scenario's lookahead go to their devices as ONE plan per device — a real batch (at pilot rates
 * about two entries per door per message), sent `lookahead` before the first of them. Between
 * windows a short tick keeps the physical pacer, the devices-up gauge and the progress line fresh.
 */
import { DEVICE_KINDS, KIND_OPERATION, type Operation } from '../contract/operations.js';
import { walletRef } from '../ghostpass/target.js';
import { startRunChaos } from './chaos/run-chaos.js';
import { formatProgress } from './format.js';
import { createPhysicalPacer, type PhysicalPacer } from './physical-pacing.js';
import { createPlanner, type Planner } from './planner.js';
import { createReaderWatch } from './reader-check.js';
import { enterPhase, type RunContext } from './run-context.js';
import { inputSource } from './scenario.js';

const TICK_MS = 200;
export const PLAN_WINDOW_MS = 1000;

function physicalPacer(
  ctx: RunContext,
  planner: Planner,
  lookaheadMs: number,
  plannedUntil: () => number,
): PhysicalPacer {
  const { scenario } = ctx;
  const ops = [
    ...new Set(
      scenario.devices
        .filter((d) => inputSource(d.input) === 'physical')
        .map((d) => KIND_OPERATION[d.kind]),
    ),
  ];
  if (ops.length > 0) {
    ctx.opts.log(`physical readers count toward ${ops.join(', ')}: the virtual rate follows them`);
  }
  return createPhysicalPacer({
    ops,
    targetPerMinute: (op: Operation) => scenario.operations[op].perMinute,
    virtualPlanned: (op) => planner.planned()[op],
    physicalCount: (op) => ctx.ledger.planned(op, 'physical'),
    rateScale: (op, factor) => planner.rateScale(op, factor),
    startAt: ctx.state.startAt,
    endsAt: planner.endsAt,
    lookaheadMs,
    plannedUntil,
  });
}

function progressLine(ctx: RunContext, now: number): string {
  const ops = ctx.scenario.operations;
  return formatProgress(
    ctx.progress.snapshot({
      now,
      startAt: ctx.state.startAt,
      totalMs: ctx.scenario.duration,
      targets: {
        entry: ops.entry.perMinute,
        concession: ops.concession.perMinute,
        funding: ops.funding.perMinute,
      },
      devicesUp: ctx.registry.up().length,
      devicesTotal: ctx.devicesTotal,
    }),
  );
}

export function updateDevicesUp(ctx: RunContext): void {
  for (const kind of DEVICE_KINDS) {
    ctx.metrics.devicesUp.set({ kind }, ctx.registry.up(kind).length);
  }
}

/** The run's planner: the virtual devices, the target's items, its zero-fee venue when it has one. */
function plannerFor(ctx: RunContext): Planner {
  const free = ctx.target.ids.zeroFeeVenue;
  const gatewayId = free?.entryGateways[0];
  return createPlanner({
    scenario: ctx.scenario,
    seed: ctx.opts.seed,
    startAt: ctx.state.startAt,
    items: ctx.target.ids.items,
    walletRef,
    ...(free && gatewayId ? { zeroFeeVenue: { venueId: free.venueId, gatewayId } } : {}),
    devices: ctx.scenario.devices
      .filter((d) => inputSource(d.input) === 'virtual')
      .map(({ id, kind }) => ({ id, kind })),
  });
}

/** Runs the arrivals to the scenario's end (or an abort); returns the planner (its crowd stats). */
export async function runArrivals(ctx: RunContext, onRunning?: () => void): Promise<Planner> {
  const { scenario, opts, now } = ctx;
  ctx.state.startAt = now() + (opts.warmupMs ?? 1500);
  const planner = plannerFor(ctx);
  ctx.state.endsAt = planner.endsAt;
  const horizonMs = scenario.lookahead + PLAN_WINDOW_MS;
  let plannedUntil = ctx.state.startAt;
  const pacer = physicalPacer(ctx, planner, horizonMs, () => plannedUntil);
  await enterPhase(ctx, 'running', now());
  onRunning?.();
  const onAbort = () => {
    ctx.state.aborted = true;
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();

  const readerWatch = createReaderWatch();
  const chaos = startRunChaos(ctx);
  await new Promise<void>((resolve) => {
    let lastProgress = now();
    let nextWindow = Number.NEGATIVE_INFINITY;
    const tick = () => {
      const t = now();
      updateDevicesUp(ctx);
      checkAbort(ctx, t);
      if (!ctx.state.aborted && ctx.state.stoppedAt === null) {
        chaos?.tick(t);
        pacer.update(t);
        if (t >= nextWindow) {
          nextWindow = t + PLAN_WINDOW_MS;
          plannedUntil = Math.min(t + horizonMs, planner.endsAt);
          const due = planner.next(plannedUntil);
          if (due.length > 0) ctx.distributor.send(due);
        }
      }
      if (t - lastProgress >= (opts.progressEveryMs ?? 5000)) {
        lastProgress = t;
        if (opts.progress) opts.progress(progressLine(ctx, t));
        for (const warning of readerWatch(ctx.registry.all())) opts.log(`WARNING ${warning}`);
      }
      const stopped = ctx.state.aborted || ctx.state.stoppedAt !== null;
      if (stopped || (planner.done() && t >= planner.endsAt)) {
        clearInterval(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        resolve();
      }
    };
    const timer = setInterval(tick, TICK_MS);
    tick();
  });
  await chaos?.finish(now());
  return planner;
}

/** An abort threshold crossed stops the arrivals (the run drains, validates and reports). */
function checkAbort(ctx: RunContext, t: number): void {
  if (ctx.abort === null || ctx.state.abortReason !== null || ctx.state.stoppedAt !== null) return;
  const why = ctx.abort.check(t);
  if (why === null) return;
  ctx.state.abortReason = why;
  ctx.state.stoppedAt = t;
  ctx.opts.log(`ABORT ${why}: no more arrivals; draining, validating, reporting`);
}
