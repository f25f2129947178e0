/**
 * The one interface at the hardware edge (node-serialport's bindings are the model): every reader
 * input — virtual serial, real serial/pty, and later virtual HID and node-hid — delivers raw
 * bytes through it, so the decoders and the reader logic above never know which one it is.
 */
export type ReaderSource = 'virtual' | 'physical';

export interface ReaderBinding {
  /** 'virtual-serial' | 'serial' (later 'virtual-hid' | 'hid'). */
  readonly input: string;
  readonly source: ReaderSource;
  /** Opens (or re-opens after a close/unplug). Rejects with ReaderUnavailable. */
  open(): Promise<void>;
  /** Closes; a close asked for here is never reported through onClose. */
  close(): Promise<void>;
  /** Bytes as the reader sent them, in order. Registered once; survives re-opens. */
  onData(cb: (chunk: Buffer) => void): void;
  /** The port went away without being asked to (unplugged, pty gone). */
  onClose(cb: (err?: Error) => void): void;
}

/** A binding whose reader side can be driven by the emulator (virtual inputs). */
export interface VirtualReaderBinding extends ReaderBinding {
  readonly source: 'virtual';
  /** Bytes "from the reader", as if they had arrived on the wire. */
  readerSide(chunk: Buffer): void;
}

export function isVirtualBinding(b: ReaderBinding): b is VirtualReaderBinding {
  return (
    b.source === 'virtual' && typeof (b as Partial<VirtualReaderBinding>).readerSide === 'function'
  );
}
