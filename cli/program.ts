/**
 * The `ghostfleet` command line. commander with exitOverride, output through `CliIo`: the program
 * is tested in-process. Every error ends as one clear message and an exit code from
 * contract/exit-codes.ts.
 */
import { Command, CommanderError, Option } from 'commander';
import { ErrorCodes, isGhostfleetError } from '../contract/errors.js';
import { type ExitCode, ExitCodes } from '../contract/exit-codes.js';
import { chaosCommand } from './commands/chaos.js';
import { type RunFlags, runCommand } from './commands/run.js';
import type { CliIo } from './io.js';

const EXIT_BY_CODE: Partial<Record<string, ExitCode>> = {
  [ErrorCodes.BadConfig]: ExitCodes.Usage,
  [ErrorCodes.BadArgument]: ExitCodes.Usage,
  [ErrorCodes.BrokerUnavailable]: ExitCodes.Unavailable,
  [ErrorCodes.BrokerAuth]: ExitCodes.Unavailable,
  [ErrorCodes.TargetUnreachable]: ExitCodes.Unavailable,
  [ErrorCodes.ReaderUnavailable]: ExitCodes.Unavailable,
  [ErrorCodes.TargetRefused]: ExitCodes.Refused,
};

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('ghostfleet')
    .description(
      'Hardware-in-the-loop device fleet for GhostPass: paced entry scanners, POS terminals and\n' +
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
      'demo (pilot rates, 2 min), pilot (25 min), or a scenario JSON file',
      'demo',
    )
    .option('--duration <time>', "override the scenario's duration (45s, 2m, 1h30m)")
    .option('--seed <n>', 'seed of the arrival schedule: same seed, same schedule', '1')
    .option('--json <file>', 'also write the report as JSON')
    .option(
      '--broker <url>',
      'use an external MQTT 3.1.1 broker (mqtt://user:pass@host:port) instead of the embedded one',
    )
    .option('--wallets <n>', 'override the number of test wallets (crowd size)')
    .option(
      '--target <sandbox|url>',
      'the embedded GhostPass sandbox, or a GhostPass base URL',
      'sandbox',
    )
    .option(
      '--env-file <file>',
      'ids for a URL target (API_BASE_URL, TEST_VENUE_ID, TEST_GATEWAY_1_ID, ...)',
      '.env.test',
    )
    .option('--allow-production', 'allow a target whose host looks like production')
    .option('--no-progress', 'no progress line every 5 s')
    .option('--fleet <id>', 'fleet id: the MQTT topic namespace ghostfleet/v1/<fleet>/', 'pilot')
    .addOption(stateDir)
    .action(async (flags: RunFlags) => setExit(await runCommand(flags, io)));

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
  return program;
}

/** Run the CLI; resolves to the exit code (the caller exits). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCodes.Ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
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
