/**
 * What a device process is told when it starts. It arrives over the fork IPC channel (never argv or
 * env, where `ps` would show the fleet token and the webhook secret), or from a file for a device-host
 * on another machine. Parsed here: a device trusts nothing it did not parse.
 */
import { z } from 'zod';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { DEVICE_KINDS } from '../contract/operations.js';
import { formatIssues } from '../contract/zod-issues.js';
import { TargetProfileSchema } from '../ghostpass/target-profile-schema.js';

export const InputSpecSchema = z.discriminatedUnion('input', [
  z.strictObject({ input: z.literal('virtual-serial') }),
  z.strictObject({ input: z.literal('serial'), path: z.string().min(1) }),
  z.strictObject({ input: z.literal('virtual-hid') }),
  z.strictObject({ input: z.literal('hid'), path: z.string().min(1) }),
  z.strictObject({ input: z.literal('none') }),
]);
export type InputSpec = z.infer<typeof InputSpecSchema>;

export const TargetConfigSchema = z.strictObject({
  baseUrl: z.string().url(),
  venueId: z.string(),
  eventId: z.string().optional(),
  /** The gateway this device stands at (an ENTRY_POINT for doors, INTERNAL_AREA for concessions). */
  gatewayId: z.string().optional(),
  timeoutMs: z.number().int().positive(),
  connections: z.number().int().positive(),
  /** Only the wallet-app needs it: it plays Stripe and signs `checkout.session.completed`. */
  webhookSecret: z.string().optional(),
  /** Paths, headers and body field names (ghostpass/target-profile.ts); GhostPass's when absent. */
  profile: TargetProfileSchema.optional(),
  /** What a POS terminal rings up for a physical reader's scan (no planned cart). */
  defaultCart: z
    .strictObject({
      itemId: z.string(),
      itemName: z.string(),
      unitPriceCents: z.number().int().nonnegative(),
      quantity: z.number().int(),
      tipCents: z.number().int(),
    })
    .optional(),
});

export const DeviceConfigSchema = z.strictObject({
  id: z.string().min(1),
  kind: z.enum(DEVICE_KINDS),
  fleet: z.string().min(1),
  broker: z.strictObject({ url: z.string().min(1), token: z.string().min(1) }),
  profile: z.string(),
  input: InputSpecSchema,
  lanes: z.number().int().positive(),
  dropDeadlineMs: z.number().int().positive(),
  target: TargetConfigSchema,
  /** Where the device keeps its outbox, so results survive a restart. */
  stateDir: z.string().min(1),
  /** Funding: the Stripe-like delay between checkout and the webhook (ms, median; log-normal). */
  stripeDelayMs: z.number().nonnegative().default(1500),
  seed: z.number().int().default(1),
  /**
   * MQTT keepalive, seconds (MQTT 3.1.1 §3.1.2.10): the broker closes a silent connection after
   * 1.5 × this and publishes the Last Will, so it bounds how fast a half-open device is declared
   * lost; the device's lease (lease.ts) uses the same bound to stop starting patrons.
   */
  keepaliveS: z.number().int().min(1).max(600).optional(),
});

export type DeviceConfig = z.infer<typeof DeviceConfigSchema>;

/** The device keepalive when the config names none: a half-open device is lost within 7.5 s. */
export const DEFAULT_KEEPALIVE_S = 5;
export const keepaliveOf = (config: DeviceConfig): number =>
  config.keepaliveS ?? DEFAULT_KEEPALIVE_S;
export type DeviceConfigInput = z.input<typeof DeviceConfigSchema>;

export function parseDeviceConfig(data: unknown, where: string): DeviceConfig {
  const parsed = DeviceConfigSchema.safeParse(data);
  if (!parsed.success) {
    throw new GhostfleetError(ErrorCodes.BadConfig, `device config from ${where} is invalid`, {
      details: formatIssues(parsed.error.issues),
    });
  }
  return parsed.data;
}
