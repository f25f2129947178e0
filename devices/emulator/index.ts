/** Public surface of the virtual reader. */
export { drawDecodeMs } from './decode-time.js';
export type { Emulator, EmulatorOptions, PresentResult, Sink } from './emulator.js';
export { createEmulator } from './emulator.js';
export { encodeCredential } from './encode.js';
export { ndefTagUid, ndefTextCapacity } from './encode-ndef.js';
export { bitsPerCharacter, wireMs, wirePlan } from './wire.js';
