import { describe, expect, it } from 'vitest';
import { escapeBytes } from './escape.js';

describe('escapeBytes', () => {
  it('shows control characters as \\xHH and printable ASCII as is', () => {
    expect(escapeBytes(Buffer.from([0x02, 0x57, 0x31, 0x03]))).toBe('\\x02W1\\x03');
    expect(escapeBytes(Buffer.from(']Q1GP-7\r\n', 'latin1'))).toBe(']Q1GP-7\\x0d\\x0a');
    expect(escapeBytes(Buffer.from([0xff, 0x80, 0x1b]))).toBe('\\xff\\x80\\x1b');
  });

  it('doubles a backslash, so `\\x02` typed by a reader differs from STX', () => {
    expect(escapeBytes(Buffer.from('\\x02', 'latin1'))).toBe('\\\\x02');
  });

  it('cuts long input and says how much is left out', () => {
    expect(escapeBytes(Buffer.alloc(70, 0x41), 64)).toBe(`${'A'.repeat(64)}… (+6 bytes)`);
    expect(escapeBytes(Buffer.alloc(0))).toBe('');
  });
});
