/**
 * The fork IPC protocol between the orchestrator's supervisor and a device-host process. The
 * config (with the fleet token and, for the wallet-app, the webhook secret) travels here, never in
 * argv or the environment, where `ps` would show it. Both ends parse what they receive (issue 11:
 * a boundary is parsed, not cast), as MQTT payloads are.
 */
import { z } from 'zod';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { formatIssues } from '../contract/zod-issues.js';
import { type DeviceConfig, type DeviceConfigInput, parseDeviceConfig } from './config.js';

/**
 * The envelope; each device config is then parsed by `parseDeviceConfig`, so a bad one is still
 * BadConfig naming the device (the supervisor keeps that code for the run's exit code).
 */
export const ParentMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('start'), devices: z.array(z.unknown()) }),
  z.strictObject({ type: z.literal('stop') }),
]);
/** What the supervisor sends (device configs before their defaults are applied). */
export type ParentMessage = { type: 'start'; devices: DeviceConfigInput[] } | { type: 'stop' };
/** What the host works with once parsed. */
export type ParsedParentMessage = { type: 'start'; devices: DeviceConfig[] } | { type: 'stop' };

export const ChildMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('started'),
    metricsUrl: z.string().url(),
    ids: z.array(z.string().min(1)),
    pid: z.number().int().positive(),
  }),
  z.strictObject({
    type: z.literal('failed'),
    code: z.string().min(1),
    message: z.string(),
    details: z.array(z.string()),
  }),
  z.strictObject({ type: z.literal('log'), line: z.string() }),
]);
export type ChildMessage = z.infer<typeof ChildMessageSchema>;

function parseIpc<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new GhostfleetError(
      ErrorCodes.BadPayload,
      `${what}: IPC message does not match its schema`,
      {
        details: formatIssues(parsed.error.issues),
      },
    );
  }
  return parsed.data;
}

/** The device host's side: a message from the supervisor. */
export function parseParentMessage(raw: unknown): ParsedParentMessage {
  const message = parseIpc(ParentMessageSchema, raw, 'message from the supervisor');
  if (message.type === 'stop') return message;
  return {
    type: 'start',
    devices: message.devices.map((d, i) => parseDeviceConfig(d, `supervisor (device ${i})`)),
  };
}

/** The supervisor's side: a message from device host `hostId`. */
export function parseChildMessage(raw: unknown, hostId: string): ChildMessage {
  return parseIpc(ChildMessageSchema, raw, `message from device host ${hostId}`);
}
