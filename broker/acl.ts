/**
 * Who may do what on the fleet's broker. Pure functions, so the ACL is tested without a socket.
 *
 * Identities are carried in the MQTT username (MQTT 3.1.1 §3.1.3.4), the password is the fleet token:
 * - `orchestrator`: publishes plans, commands and run state; subscribes to anything of its fleet.
 * - `device:{id}`: publishes only under its own `device/{id}/` (birth, will, results, reader
 *   diagnostics); subscribes to
 *   its own plan/cmd and the run state.
 * - `observer`: subscribes to anything of its fleet (mosquitto_sub), publishes nothing.
 */
import { devicePrefix, fleetRoot, isValidId, runStateTopic } from '../contract/topics.js';

export type Identity =
  | { role: 'orchestrator' }
  | { role: 'observer' }
  | { role: 'device'; deviceId: string };

export function parseIdentity(username: string | undefined): Identity | null {
  if (username === 'orchestrator') return { role: 'orchestrator' };
  if (username === 'observer') return { role: 'observer' };
  if (username?.startsWith('device:')) {
    const deviceId = username.slice('device:'.length);
    return isValidId(deviceId) ? { role: 'device', deviceId } : null;
  }
  return null;
}

export function usernameFor(identity: Identity): string {
  return identity.role === 'device' ? `device:${identity.deviceId}` : identity.role;
}

export function mayPublish(identity: Identity, fleet: string, topic: string): boolean {
  switch (identity.role) {
    case 'orchestrator':
      return topic.startsWith(`${fleetRoot(fleet)}/`);
    case 'observer':
      return false;
    case 'device': {
      const prefix = devicePrefix(fleet, identity.deviceId);
      return (
        topic === `${prefix}state` || topic === `${prefix}result` || topic === `${prefix}reader`
      );
    }
  }
}

export function maySubscribe(identity: Identity, fleet: string, filter: string): boolean {
  const root = `${fleetRoot(fleet)}/`;
  switch (identity.role) {
    case 'orchestrator':
    case 'observer':
      return filter.startsWith(root) || filter === `${fleetRoot(fleet)}/#`;
    case 'device': {
      const prefix = devicePrefix(fleet, identity.deviceId);
      return (
        filter === `${prefix}plan` || filter === `${prefix}cmd` || filter === runStateTopic(fleet)
      );
    }
  }
}
