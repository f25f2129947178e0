/** Public surface of the reader inputs (the device runtime imports from here). */
export type { ReaderBinding, ReaderSource, VirtualReaderBinding } from './binding.js';
export { isVirtualBinding } from './binding.js';
export type { Reader, ReaderCounts, ReaderFrame, ReaderOptions, ReaderSpec } from './reader.js';
export { createReader, openReader } from './reader.js';
export { SerialBinding } from './serial.js';
export { VirtualSerialBinding, virtualSerialPath } from './virtual-serial.js';
