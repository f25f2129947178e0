/** Public surface of the reader inputs (the device runtime imports from here). */
export type { ReaderBinding, ReaderSource, VirtualReaderBinding } from './binding.js';
export { isVirtualBinding } from './binding.js';
export type { HidBindingOptions } from './hid.js';
export { HidBinding } from './hid.js';
export type {
  HidDeviceList,
  HidDeviceSummary,
  ProfileSuggestion,
} from './hid-devices.js';
export { listHidDevices, suggestProfiles } from './hid-devices.js';
export type { NativeSerialPort, SerialPortListing } from './native-serial.js';
export { createNativeSerialPort, listSerialPorts } from './native-serial.js';
export type { HidDeviceInfo, HidDeviceLike, NodeHidLike } from './node-hid-like.js';
export type { Reader, ReaderCounts, ReaderFrame, ReaderOptions, ReaderSpec } from './reader.js';
export { createReader, openReader } from './reader.js';
export { SerialBinding } from './serial.js';
export { VirtualHidBinding } from './virtual-hid.js';
export { VirtualSerialBinding, virtualSerialPath } from './virtual-serial.js';
