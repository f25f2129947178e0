/** Every exit code the CLI uses, in one place (k6 uses 99 for failed thresholds; so do we). */
export const ExitCodes = {
  Ok: 0,
  /** Unexpected failure (a bug, or an error without a more specific code). */
  Internal: 1,
  /** Bad command line, or a bad profile / scenario / fleet file. */
  Usage: 2,
  /** The target, broker or database could not be reached. */
  Unavailable: 3,
  /** A run against a production-looking target was refused. */
  Refused: 4,
  /** The run was interrupted (SIGINT/SIGTERM) before it finished. */
  Interrupted: 130,
  /** The run finished but one or more thresholds failed. */
  ThresholdsFailed: 99,
  /** The run was aborted because abort thresholds were crossed. */
  Aborted: 98,
} as const;

export type ExitCode = (typeof ExitCodes)[keyof typeof ExitCodes];
