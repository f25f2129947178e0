/**
 * The `ghostfleet` command line. commander with exitOverride, output through `CliIo`: the program
 * is tested in-process. Every error ends as one clear message and an exit code from
 * contract/exit-codes.ts.
 */
import { Command, CommanderError, Option } from 'commander';
import { ErrorCodes, isGhostfleetError } from '../contract/errors.js';
import { type ExitCode, ExitCodes } from '../contract/exit-codes.js';
import { type BrokerFlags, brokerCommand } from './commands/broker.js';
import { chaosCommand, statusCommand, stopCommand } from './commands/chaos.js';
import { type EmulateDeps, type EmulateFlags, emulateCommand } from './commands/emulate.js';
import { fidelityOptions } from './commands/fidelity-flags.js';
import { registerHealth } from './commands/health.js';
import { registerPreflight } from './commands/preflight.js';
import { profilesCommand, profilesValidateCommand } from './commands/profiles.js';
import { type QrFlags, qrCommand } from './commands/qr.js';
import { type ReaderListers, readersCommand } from './commands/readers.js';
import { type ReportFlags, reportCommand } from './commands/report.js';
import { registerRollback } from './commands/rollback.js';
import { type RunFlags, runCommand } from './commands/run.js';
import { type SandboxFlags, sandboxCommand } from './commands/sandbox.js';
import { registerSeed } from './commands/seed.js';
import { type ValidateFlags, validateCommand } from './commands/validate.js';
import type { CliIo } from './io.js';

const EXIT_BY_CODE: Partial<Record<string, ExitCode>> = {
  [ErrorCodes.BadConfig]: ExitCodes.Usage,
  [ErrorCodes.BadArgument]: ExitCodes.Usage,
  [ErrorCodes.BrokerUnavailable]: ExitCodes.Unavailable,
  [ErrorCodes.BrokerAuth]: ExitCodes.Unavailable,
  [ErrorCodes.TargetUnreachable]: ExitCodes.Unavailable,
  [ErrorCodes.ReaderUnavailable]: ExitCodes.Unavailable,
  [ErrorCodes.TargetRefused]: ExitCodes.Refused,
  [ErrorCodes.Database]: ExitCodes.Unavailable,
};

/** What tests replace at the hardware edge (no readers on a CI machine); defaults are the real ones. */
export interface CliDeps {
  readers?: ReaderListers;
  emulate?: EmulateDeps;
}

export function buildProgram(
  io: CliIo,
  setExit: (code: number) => void,
  deps: CliDeps = {},
): Command {
  const program = new Command('ghostfleet')
    .description(
      'Hardware-in-the-loop device fleet for GhostPass: paced entry scanners, POS terminals and ' +
        'wallet apps as real processes over MQTT, with a pass/fail report.',
    )
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  const stateDir = new Option(
    '--state-dir <dir>',
    'where runs keep journals, outboxes and the broker token',
  ).default('.ghostfleet');

  program
    .command('run')
    .description('run the paced fleet and print the report (exit 99 when a threshold fails)')
    .option(
      '--scenario <name|file>',
      'demo (pilot rates, 2 min), pilot (25 min), entry|concession|funding|reentry|full (A-E), collisions, chaos, chaos-short, or a scenario JSON file',
      'demo',
    )
    .option('--duration <time>', "override the scenario's duration (45s, 2m, 1h30m)")
    .option('--seed <n>', 'seed of the arrival schedule: same seed, same schedule', '1')
    .option('--json <file>', 'also write the report as JSON')
    .option(
      '--broker <url>',
      'use an external MQTT 3.1.1 broker (mqtt://user:pass@host:port) instead of the embedded one',
    )
    .option(
      '--broker-token-file <file>',
      'the fleet token of a `ghostfleet broker` given by --broker (else GHOSTFLEET_BROKER_TOKEN; default: a fresh one)',
    )
    .option(
      '--keepalive <s>',
      "devices' MQTT keepalive in seconds: a device silent for 1.5 × it is declared lost (default 5)",
    )
    .option('--wallets <n>', 'override the number of test wallets (crowd size)')
    .option(
      '--collisions <per-minute>',
      'deliberate same-wallet collisions per minute (both doors at once, two terminals, retries, duplicate webhooks, …); 0: none',
    )
    .option(
      '--target <sandbox|url>',
      'the embedded GhostPass sandbox, or a GhostPass base URL',
      'sandbox',
    )
    .option(
      '--target-profile <file>',
      'a URL target\'s paths, headers and body field names where they differ from GhostPass\'s (JSON; README "Target profiles")',
    )
    .option(
      '--env-file <file>',
      'ids for a URL target (API_BASE_URL, TEST_VENUE_ID, TEST_GATEWAY_1_ID, ...)',
      '.env.test',
    )
    .option('--allow-production', 'allow a target whose host looks like production')
    .option(
      '--fault-proxy',
      "put a fault-injecting HTTP proxy between the devices and the target (the scenario's chaos http-* faults)",
    )
    .option(
      '--sandbox-mode <mode>',
      "the sandbox's behaviour: correct (default: locks, unique constraints, idempotent webhooks) or ghostpass (the real handlers' races and defects)",
    )
    .option(
      '--sandbox-db <url|dir>',
      "the sandbox's database: in-memory PGlite by default, a PGlite directory, or postgres://… (real row locks; also monitored)",
    )
    .option(
      '--device <binding>',
      'bind a device to a reader, repeatable: door-2=serial:/dev/ttyACM0,profile=usb-cdc-qr',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--no-progress', 'no progress line every 5 s')
    .option('--fleet <id>', 'fleet id: the MQTT topic namespace ghostfleet/v1/<fleet>/', 'pilot')
    .option(
      '--metrics-port <n>',
      "pin the orchestrator's HTTP port (/metrics, /sd for Prometheus http_sd); default: a free port",
    )
    .option(
      '--db <postgres-url>',
      "the target's PostgreSQL (a Supabase connection string too): monitored during the run, validated after it (invariants I1–I12)",
    )
    .option(
      '--devices-per-host <n>',
      'devices per device process (default 1; more carries hundreds of devices on one machine; kill then takes the whole process)',
    )
    .option('--results <dir>', 'where the markdown and HTML reports go', 'results')
    .option('--no-files', 'no markdown/HTML report files, only stdout (and --json)')
    .addOption(stateDir)
    .action(async (flags: RunFlags) => setExit(await runCommand(flags, io)));

  program
    .command('report <run>')
    .description(
      "rebuild a run's report from its journal alone (RUN is .ghostfleet/run-… or a journal.jsonl); exit 99 when it failed",
    )
    .option('--json <file>', 'also write the report as JSON')
    .option('--results <dir>', 'where the markdown and HTML reports go', 'results')
    .option('--no-files', 'no markdown/HTML report files, only stdout (and --json)')
    .addHelpText('after', '\nExample:\n  ghostfleet report .ghostfleet/run-20261202-140000-ab12')
    .action(async (run: string, flags: ReportFlags) =>
      setExit(await reportCommand(run, flags, io)),
    );

  program
    .command('validate [run]')
    .description(
      'check invariants I1–I12 over a GhostPass PostgreSQL database; with a run (RUN_DIR or journal) I10 reconciles it (exit 99 when violated)',
    )
    .option('--db <postgres-url>', 'the GhostPass database (a Supabase connection string works)')
    .option(
      '--supabase',
      'read the rows through supabase-js instead (SUPABASE_URL, SUPABASE_SERVICE_KEY of --env-file): the invariants REST can express',
    )
    .option('--env-file <file>', 'with --supabase: the env file', '.env.test')
    .option('--journal <file>', "a run's journal.jsonl (same as giving RUN)")
    .option(
      '--since <time>',
      'rows written since: an ISO time or a duration ago (30m); default the run start',
    )
    .option(
      '--venue <id>',
      'a test venue, repeatable; default the venues the journal names',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--json <file>', 'also write the results as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  ghostfleet validate .ghostfleet/run-… --db postgres://postgres@127.0.0.1:5432/ghostpass\n  ghostfleet validate --supabase --env-file .env.test --since 30m --venue venue_ghostfleet_test',
    )
    .action(async (run: string | undefined, flags: ValidateFlags) =>
      setExit(await validateCommand(run, flags, io)),
    );

  program
    .command('sandbox')
    .description(
      'start the embedded GhostPass sandbox on its own (a staging stand-in) and write its .env.test; Ctrl-C stops it',
    )
    .option('--port <n>', 'port to listen on (0: a free one)', '0')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--wallets <n>', 'test wallets to provision', '5000')
    .option('--env-out <file>', 'where to write the env file (mode 0600)', '.env.test')
    .option('--mode <mode>', "correct (default) or ghostpass (the real handlers' defects)")
    .option(
      '--db <url|dir>',
      'its database: in-memory PGlite by default, a PGlite directory, or postgres://…',
    )
    .addHelpText(
      'after',
      '\nExample:\n  ghostfleet sandbox --port 8787 &\n  ghostfleet run --target http://127.0.0.1:8787 --env-file .env.test',
    )
    .action(async (flags: SandboxFlags) => setExit(await sandboxCommand(flags, io)));

  program
    .command('broker')
    .description(
      'the embedded MQTT broker (token auth, the fleet ACL) in its own process, for run --broker; SIGTERM stops it',
    )
    .option('--port <n>', 'port to listen on (0: a free one)', '1883')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--fleet <id>', 'the fleet whose topics it serves', 'pilot')
    .option('--token-file <file>', 'the fleet token (first line); else GHOSTFLEET_BROKER_TOKEN')
    .addHelpText(
      'after',
      '\nExample:\n  ghostfleet broker --port 1883 --token-file fleet.token &\n  ghostfleet run --broker mqtt://127.0.0.1:1883 --broker-token-file fleet.token',
    )
    .action(async (flags: BrokerFlags) => setExit(await brokerCommand(flags, io)));

  program
    .command('status')
    .description('the running fleet: phase, rates, every device up/down and what it owes')
    .option('--json', 'print JSON')
    .addOption(stateDir)
    .action(async (flags: { stateDir: string; json?: boolean }) =>
      setExit(await statusCommand(flags.stateDir, flags.json === true, io)),
    );
  program
    .command('stop')
    .description(
      'stop the running fleet gracefully: no more arrivals; it drains, validates, reports',
    )
    .addOption(stateDir)
    .action(async (flags: { stateDir: string }) => setExit(await stopCommand(flags.stateDir, io)));

  for (const verb of ['kill', 'revive'] as const) {
    program
      .command(`${verb} <device>`)
      .description(
        verb === 'kill'
          ? "SIGKILL a device's process in the running fleet (an outage: its Last Will fires)"
          : 'start a killed device again (its outbox is replayed)',
      )
      .addOption(stateDir)
      .action(async (device: string, flags: { stateDir: string }) =>
        setExit(await chaosCommand(verb, device, flags.stateDir, io)),
      );
  }
  registerSeed(program, io, setExit);
  registerRollback(program, io, setExit);
  registerHealth(program, io, setExit);
  registerPreflight(program, io, setExit);
  // The sandbox's serverless fidelity (cli/commands/fidelity-flags.ts), on both commands that start it.
  for (const name of ['run', 'sandbox']) {
    const cmd = program.commands.find((c) => c.name() === name);
    for (const o of fidelityOptions()) cmd?.addOption(o);
  }
  addHardwareCommands(program, io, setExit, deps);
  return program;
}

/** The hardware person's commands: profiles, readers, printable QR codes, and the emulator. */
function addHardwareCommands(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  deps: CliDeps,
): void {
  const profiles = program
    .command('profiles')
    .description(
      'list the firmware profiles (one per reader model: transport, credential, framing)',
    )
    .option('--json', 'print JSON instead of a table')
    .addHelpText(
      'after',
      '\nExamples:\n  ghostfleet profiles\n  ghostfleet profiles validate ./my-scanner.json',
    )
    .action(async (flags: { json?: boolean }) => setExit(await profilesCommand(flags, io)));
  profiles
    .command('validate <file>')
    .description('check one firmware profile file; prints every problem (exit 2 when invalid)')
    .addHelpText(
      'after',
      '\nExample:\n  ghostfleet profiles validate firmware-profiles/usb-cdc-qr.json',
    )
    .action(async (file: string) => setExit(await profilesValidateCommand(file, io)));

  program
    .command('readers')
    .description(
      'list serial ports and HID devices attached here, with the firmware profiles that fit them',
    )
    .option('--json', 'print JSON instead of tables')
    .addHelpText(
      'after',
      '\nExample:\n  ghostfleet readers\n' +
        'then bind one in a mixed run: --device door-2=serial:/dev/ttyACM0,profile=usb-cdc-qr',
    )
    .action(async (flags: { json?: boolean }) =>
      setExit(await readersCommand(flags, io, deps.readers)),
    );

  const ids = (cmd: Command): Command =>
    cmd
      .option('--venue <id>', 'venue_id in the QR text', 'venue')
      .option('--gateway <id>', 'gateway_id (a gateway_points uuid) in the QR text', 'gateway')
      .option('--event <id>', 'event_id in the QR text', 'event')
      .option('--tier <n>', 'verification_tier in the QR text', '1');

  ids(
    program
      .command('qr <wallet>')
      .description(
        "show a wallet's GhostPass QR code (ghostsession:{wallet}:{gateway}:{venue}:{event}:{tier}) " +
          'in the terminal, as a PNG, or as printable A4 sheets of N test wallets',
      )
      .option('--png <file>', 'write the QR code as a PNG (with --sheet: PNG sheets, one per page)')
      .option('--sheet <n>', 'N wallets counting on from WALLET (wallet_test_42 → 42..42+N-1)')
      .option('--pdf <file>', 'with --sheet: write the sheets as one PDF, 12 QR codes per A4 page'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  ghostfleet qr wallet_test_42\n' +
        '  ghostfleet qr wallet_test_1 --sheet 48 --pdf wallets.pdf --venue v-1 --gateway 6f1c...',
    )
    .action(async (wallet: string, flags: QrFlags) => setExit(await qrCommand(wallet, flags, io)));

  ids(
    program
      .command('emulate')
      .description(
        "drive a serial port as if a scanner were attached: each scan is the profile's exact " +
          'bytes with its decode time and wire pacing (a real tty, or one end of a socat pty pair)',
      )
      .requiredOption('--profile <name|file>', 'firmware profile (see `ghostfleet profiles`)')
      .requiredOption('--port <path>', 'serial port to write to, e.g. /dev/ttyUSB0 or a pty')
      .requiredOption('--wallet <id>', 'the wallet presented, e.g. wallet_test_42')
      .option('--count <n>', 'number of scans', '1')
      .option('--interval <time>', 'time between scan starts (500ms, 1s, 2m)', '1s')
      .option(
        '--nfc',
        'present the wallet over NFC (needs an NFC profile: pn532-uart and nfc-keyboard-uid tap its wristband UID, pn532-ndef its ghostsession NDEF record)',
      )
      .option('--sequence', 'scan consecutive wallets (wallet_test_42, 43, ...) instead of one')
      .option('--seed <n>', "seed of the profile's decode-time and error draws")
      .option(
        '--no-errors',
        "no no-reads, garbled or duplicate frames (ignore the profile's error model)",
      ),
  )
    .addHelpText(
      'after',
      '\nExample (a pty pair stands in for the cable):\n' +
        '  socat pty,raw,echo=0,link=/tmp/a pty,raw,echo=0,link=/tmp/b &\n' +
        '  ghostfleet emulate --profile usb-cdc-qr --port /tmp/a --wallet wallet_test_42 --count 5 --interval 2s\n' +
        '  (the device under test reads /tmp/b)',
    )
    .action(async (flags: EmulateFlags) => setExit(await emulateCommand(flags, io, deps.emulate)));
}

/** Run the CLI; resolves to the exit code (the caller exits). */
export async function main(
  argv: readonly string[],
  io: CliIo,
  deps: CliDeps = {},
): Promise<number> {
  let exitCode: number = ExitCodes.Ok;
  const program = buildProgram(
    io,
    (code) => {
      exitCode = code;
    },
    deps,
  );
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? ExitCodes.Ok : ExitCodes.Usage;
    }
    if (isGhostfleetError(err)) {
      io.err(`ghostfleet: ${err.message}\n`);
      for (const line of err.details) io.err(`  - ${line}\n`);
      return EXIT_BY_CODE[err.code] ?? ExitCodes.Internal;
    }
    io.err(
      `ghostfleet: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return ExitCodes.Internal;
  }
}
