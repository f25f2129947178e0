/**
 * The fork IPC protocol between the orchestrator's supervisor and a device-host process. The
 * config (with the fleet token and, for the wallet-app, the webhook secret) travels here, never in
 * argv or the environment, where `ps` would show it.
 */
import type { DeviceConfigInput } from './config.js';

export type ParentMessage = { type: 'start'; devices: DeviceConfigInput[] } | { type: 'stop' };

export type ChildMessage =
  | { type: 'started'; metricsUrl: string; ids: string[]; pid: number }
  | { type: 'failed'; code: string; message: string; details: readonly string[] }
  | { type: 'log'; line: string };
