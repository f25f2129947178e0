import type { DeviceKind } from '../../contract/operations.js';
import { entryScanner } from './entry-scanner.js';
import { posTerminal } from './pos-terminal.js';
import type { KindHandler } from './types.js';
import { walletApp } from './wallet-app.js';

export const KIND_HANDLERS: Record<DeviceKind, KindHandler> = {
  'entry-scanner': entryScanner,
  'pos-terminal': posTerminal,
  'wallet-app': walletApp,
};
