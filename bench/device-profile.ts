/**
 * Profile of the device path (issue 6, not a test): one device-host process carrying the demo's
 * two doors and four concessions at `--factor` × the pilot rates (entry 200/min, concession
 * 120/min), against the trivial target, plans sent each second for the next second with a 3 s lead.
 * The host runs under `node --cpu-prof`; the top self-time functions and files are printed.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/device-profile.js [--factor 10] [--duration 20s]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { MqttClient } from 'mqtt';
import { connectMqtt } from '../broker/connect.js';
import { startEmbeddedBroker } from '../broker/embedded.js';
import { parseDuration } from '../contract/duration.js';
import { encodePayload, type PlanEvent } from '../contract/payloads.js';
import { deviceTopic } from '../contract/topics.js';
import type { DeviceConfigInput } from '../devices/config.js';
import type { ParentMessage } from '../devices/host-ipc.js';
import { clockTicks, readProcCpu } from './cpu.js';
import { forkTrivialTarget } from './target-process.js';
import { TRIVIAL_IDS } from './trivial-ids.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function and per file, in ms, from a V8 .cpuprofile. */
export function topCosts(profile: CpuProfile, n = 15): { functions: string[]; files: string[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    // Idle is the host waiting for the next arrival, not a cost.
    if (!frame || frame.functionName === '(idle)') return;
    const where = frame.url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, '$1/') || '(native)';
    const name = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + ms);
    const f = frame.url.includes('node_modules/')
      ? `node_modules/${frame.url
          .split('node_modules/')
          .at(-1)
          ?.split('/')
          .slice(0, frame.url.includes('/@') ? 2 : 1)
          .join('/')}`
      : where;
    file.set(f, (file.get(f) ?? 0) + ms);
  });
  const total = [...fn.values()].reduce((a, b) => a + b, 0);
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([k, v]) =>
          `${((100 * v) / total).toFixed(1).padStart(5)} %  ${v.toFixed(0).padStart(6)} ms  ${k}`,
      );
  return { functions: top(fn), files: top(file) };
}

function deviceConfigs(
  brokerUrl: string,
  token: string,
  targetUrl: string,
  stateDir: string,
  factor: number,
  copies: number,
) {
  const base = (
    id: string,
    kind: DeviceConfigInput['kind'],
    gatewayId: string,
  ): DeviceConfigInput => ({
    id,
    kind,
    fleet: 'prof',
    broker: { url: brokerUrl, token },
    profile: 'usb-cdc-qr',
    input: { input: 'virtual-serial' },
    lanes: Math.max(1, Math.min(1000, factor)),
    dropDeadlineMs: 10_000,
    target: {
      baseUrl: targetUrl,
      venueId: TRIVIAL_IDS.venueId,
      eventId: TRIVIAL_IDS.eventId,
      gatewayId,
      timeoutMs: 5000,
      connections: 16,
    },
    stateDir,
    seed: 1,
  });
  return Array.from({ length: copies }, (_, k) => {
    const tag = k === 0 ? '' : `-${k + 1}`;
    return [
      ...TRIVIAL_IDS.entryGateways.map((g, i) => base(`door-${i + 1}${tag}`, 'entry-scanner', g)),
      ...TRIVIAL_IDS.concessionGateways.map((g, i) =>
        base(`concession-${i + 1}${tag}`, 'pos-terminal', g),
      ),
    ];
  }).flat();
}

/** Plans as the orchestrator sends them: each second, the events of one second, 3 s ahead. */
async function sendPlans(
  orch: MqttClient,
  configs: DeviceConfigInput[],
  { factor, durationMs, start }: { factor: number; durationMs: number; start: number },
): Promise<void> {
  const runId = 'run-prof';
  let n = 0;
  const perDoorMs = 60_000 / ((200 * factor) / 2);
  const perPosMs = 60_000 / ((120 * factor) / 4);
  const item = TRIVIAL_IDS.items[0]!;
  const plan = (from: number, to: number) => {
    for (const c of configs) {
      const every = c.kind === 'entry-scanner' ? perDoorMs : perPosMs;
      const events: PlanEvent[] = [];
      for (let at = from + (n % 7); factor > 0 && at < to; at += every) {
        const w = 1 + (n++ % 5000);
        events.push({
          id: `e-${n}`,
          op: c.kind === 'entry-scanner' ? 'entry' : 'concession',
          at,
          wallet: { binding: `wallet_test_${w}`, fingerprint: `device_test_${w}` },
          method: 'QR',
          ...(c.kind === 'pos-terminal'
            ? {
                cart: {
                  itemId: item.id,
                  itemName: item.name,
                  unitPriceCents: item.priceCents,
                  quantity: 1,
                  tipCents: 0,
                },
              }
            : {}),
        });
      }
      // As the orchestrator's distributor: a device with nothing due gets no plan.
      if (events.length === 0) continue;
      orch.publish(deviceTopic('prof', c.id, 'plan'), encodePayload({ runId, seq: 0, events }), {
        qos: 1,
      });
    }
  };
  for (let t = start; t < start + durationMs; t += 1000) {
    plan(t, t + 1000);
    await new Promise((r) => setTimeout(r, Math.max(0, t - 3000 + 1000 - Date.now())));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      factor: { type: 'string', default: '10' },
      duration: { type: 'string', default: '20s' },
      import: { type: 'string' },
      copies: { type: 'string', default: '1' },
      'no-profile': { type: 'boolean', default: false },
    },
  });
  const factor = Number(values.factor);
  const durationMs = parseDuration(values.duration);
  const dir = mkdtempSync(join(tmpdir(), 'gf-devprof-'));
  const token = 'profile-token-0123';
  const broker = await startEmbeddedBroker({ fleet: 'prof', token });
  const target = await forkTrivialTarget();
  const copies = Number(values.copies);
  if (!Number.isInteger(copies) || copies < 1)
    throw new Error('--copies must be a positive integer');
  const configs = deviceConfigs(broker.url, token, target.url, join(dir, 'state'), factor, copies);
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(
    new URL(`../devices/host-main.${fromSource ? 'ts' : 'js'}`, import.meta.url),
  );
  const host = fork(entry, [], {
    execArgv: [
      ...(fromSource ? ['--import', 'tsx'] : []),
      ...(values.import ? ['--import', values.import] : []),
      // The sampler wakes every ~1 ms: it costs the host CPU of its own (--no-profile to see).
      ...(values['no-profile'] ? [] : ['--cpu-prof', '--cpu-prof-dir', dir]),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  host.send({ type: 'start', devices: configs } satisfies ParentMessage);
  await new Promise<void>((resolve) =>
    host.on('message', (m: { type?: string }) => m.type === 'started' && resolve()),
  );
  const hz = clockTicks();
  const cpuAt = () => {
    const c = readProcCpu(host.pid ?? 0);
    return (c.utime + c.stime) / hz;
  };
  const cpuStarted = cpuAt();
  const orch = await connectMqtt({ url: broker.url, identity: { role: 'orchestrator' }, token });
  const start = Date.now() + 3000;
  await sendPlans(orch, configs, { factor, durationMs, start });
  await new Promise((r) => setTimeout(r, Math.max(0, start + durationMs + 2000 - Date.now())));
  const beforeStop = cpuAt();
  const cpuRun = beforeStop - cpuStarted;
  // The host's whole life lands in our cutime+cstime once it has exited and been reaped: the rest
  // after `beforeStop` is its clean stop (outbox flush, offline state, MQTT end) and exit.
  const reaped = readProcCpu();
  host.send({ type: 'stop' } satisfies ParentMessage);
  await once(host, 'exit');
  const gone = readProcCpu();
  const cpuStop = (gone.cutime + gone.cstime - reaped.cutime - reaped.cstime) / hz - beforeStop;
  const counts = await target.counts();
  await target.stop();
  await orch.endAsync(true);
  await broker.close();
  console.log(
    `device host at ${factor}x for ${durationMs / 1000} s; target answered ${JSON.stringify(counts)}`,
  );
  const ops = Object.values(counts).reduce((a, b) => a + b, 0);
  const perOp = ops > 0 ? `${((1000 * cpuRun) / ops).toFixed(2)} ms/op` : 'no operations';
  const perSecond = ((1000 * cpuRun) / (durationMs / 1000 + 5)).toFixed(1);
  console.log(
    `host CPU while running (after start-up): ${cpuRun.toFixed(2)} s, ${perOp}, ${perSecond} ms per second`,
  );
  console.log(`host CPU to stop and exit: ${cpuStop.toFixed(2)} s`);
  if (values['no-profile']) return;
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const { functions, files } = topCosts(
    JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile,
  );
  console.log(`profile: ${join(dir, file)}\n\ntop self time by function:\n${functions.join('\n')}`);
  console.log(`\ntop self time by file/package:\n${files.join('\n')}`);
}

await main();
