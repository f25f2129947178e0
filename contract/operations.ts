/** The patron operations the fleet performs, and the terminal states every planned event ends in. */
export const OPERATIONS = ['entry', 'concession', 'funding'] as const;
export type Operation = (typeof OPERATIONS)[number];

/**
 * Every planned event ends in exactly one of these (DESIGN.md "The data path of one scan").
 * - ok: the API said yes (2xx).
 * - declined: a business answer (4xx: insufficient balance, re-entry not allowed, ...).
 * - error: 5xx, a connection error, or a reply that did not parse.
 * - timeout: no reply within the client timeout.
 * - interrupted: the device died while the event was queued or in flight.
 * - reassigned: the device died before the event's time; a copy went to another device.
 * - dropped: could not start within the drop deadline (or no device could take it).
 * - unserved: still queued when the run ended.
 */
export const OUTCOMES = [
  'ok',
  'declined',
  'error',
  'timeout',
  'interrupted',
  'reassigned',
  'dropped',
  'unserved',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The outcomes a device itself reports; the rest are decided by the orchestrator. */
export const DEVICE_OUTCOMES = ['ok', 'declined', 'error', 'timeout', 'dropped'] as const;
export type DeviceOutcome = (typeof DEVICE_OUTCOMES)[number];

/**
 * Outcomes that count as failures for the protocol's "< 0.5 % failures" threshold: every patron
 * the fleet did not serve, whatever the reason (`unserved` too: a patron still in line when the
 * run ended was not served). `reassigned` is a hand-off, not a patron's fate.
 */
export const FAILURE_OUTCOMES: readonly Outcome[] = [
  'error',
  'timeout',
  'interrupted',
  'dropped',
  'unserved',
];

export const DEVICE_KINDS = ['entry-scanner', 'pos-terminal', 'wallet-app'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Which operation each device kind performs. */
export const KIND_OPERATION: Record<DeviceKind, Operation> = {
  'entry-scanner': 'entry',
  'pos-terminal': 'concession',
  'wallet-app': 'funding',
};

export const SOURCES = ['virtual', 'physical'] as const;
export type Source = (typeof SOURCES)[number];

export const METHODS = ['QR', 'NFC'] as const;
export type Method = (typeof METHODS)[number];
