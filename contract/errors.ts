/**
 * One error base class with a stable `code` (undici's errors are the model): callers branch on
 * `code`, never on the message. Every code the project throws is listed here once.
 */
export const ErrorCodes = {
  /** A firmware profile, scenario, fleet or target file failed validation. */
  BadConfig: 'GF_BAD_CONFIG',
  /** A command-line argument was malformed. */
  BadArgument: 'GF_BAD_ARGUMENT',
  /** An MQTT payload did not parse against its schema. */
  BadPayload: 'GF_BAD_PAYLOAD',
  /** The MQTT broker could not be reached or went away. */
  BrokerUnavailable: 'GF_BROKER_UNAVAILABLE',
  /** A client presented a wrong fleet token, or published outside its own topics. */
  BrokerAuth: 'GF_BROKER_AUTH',
  /** The GhostPass target could not be reached. */
  TargetUnreachable: 'GF_TARGET_UNREACHABLE',
  /** The target looks like production and no explicit flag allowed it. */
  TargetRefused: 'GF_TARGET_REFUSED',
  /** A reader (serial port / HID device) could not be opened or went away. */
  ReaderUnavailable: 'GF_READER_UNAVAILABLE',
  /** A reader produced a frame that could not be decoded. */
  ReaderMalformed: 'GF_READER_MALFORMED',
  /** A device process failed to start or report in time. */
  DeviceStartFailed: 'GF_DEVICE_START_FAILED',
  /** The database (PGlite or PostgreSQL) failed. */
  Database: 'GF_DATABASE',
  /** Something that should not happen: a bug. */
  Internal: 'GF_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class GhostfleetError extends Error {
  readonly code: ErrorCode;
  /** Extra lines (every problem of a bad file, say) shown under the message. */
  readonly details: readonly string[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: readonly string[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GhostfleetError';
    this.code = code;
    this.details = options.details ?? [];
  }
}

export function isGhostfleetError(err: unknown, code?: ErrorCode): err is GhostfleetError {
  return err instanceof GhostfleetError && (code === undefined || err.code === code);
}
