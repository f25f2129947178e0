/**
 * The US keyboard layout over the Keyboard/Keypad usage page (USB-IF HID Usage Tables 1.4 §10,
 * page 0x07): which character a keycode types with and without Shift, and back. Only printable
 * ASCII is mapped; every other key (function keys, arrows, Escape, Backspace, …) is "unknown"
 * to a decoder that expects text. Keypad keys assume Num Lock is on, as wedge readers require.
 */

/** Boot report modifier bits (HID 1.11 Appendix B.1 / Usage Tables §10: usages 0xE0-0xE7). */
export const MOD_LEFT_SHIFT = 0x02;
export const MOD_RIGHT_SHIFT = 0x20;
export const MOD_SHIFT = MOD_LEFT_SHIFT | MOD_RIGHT_SHIFT;

export const KEY_ENTER = 0x28;
export const KEY_TAB = 0x2b;
export const KEYPAD_ENTER = 0x58;
/** Array error codes, reported in every keycode slot at once (HID 1.11 Appendix C). */
export const KEY_ERROR_ROLL_OVER = 0x01;
export const KEY_POST_FAIL = 0x02;
export const KEY_ERROR_UNDEFINED = 0x03;
/** F1: a key with no character, used by the emulator for a misread keystroke. */
export const KEY_F1 = 0x3a;

const unshifted = new Map<number, string>();
const shifted = new Map<number, string>();
const keypad = new Map<number, string>();

function row(first: number, plain: string, withShift: string): void {
  for (let i = 0; i < plain.length; i++) {
    unshifted.set(first + i, plain[i]!);
    shifted.set(first + i, withShift[i]!);
  }
}

row(0x04, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
row(0x1e, '1234567890', '!@#$%^&*()');
row(0x2c, ' -=[]\\', ' _+{}|'); // 0x2C Space … 0x31 Backslash
row(0x33, ";'`,./", ':"~<>?'); // 0x33 … 0x38 (0x32 "Non-US #" is not on a US keyboard)
for (const [code, ch] of [
  [0x54, '/'],
  [0x55, '*'],
  [0x56, '-'],
  [0x57, '+'],
  [0x62, '0'],
  [0x63, '.'],
] as const) {
  keypad.set(code, ch);
}
for (let d = 1; d <= 9; d++) keypad.set(0x58 + d, String(d));

/** The character a key types, or undefined when it types none on a US layout. */
export function keyToChar(code: number, shift: boolean): string | undefined {
  const main = (shift ? shifted : unshifted).get(code);
  if (main !== undefined) return main;
  return shift ? undefined : keypad.get(code);
}

const reverse = new Map<string, { code: number; shift: boolean }>();
for (const [code, ch] of unshifted) reverse.set(ch, { code, shift: false });
for (const [code, ch] of shifted) if (!reverse.has(ch)) reverse.set(ch, { code, shift: true });

/** The main-block key (and Shift) that types `ch`, as a wedge scanner sends it. */
export function charToKey(ch: string): { code: number; shift: boolean } | undefined {
  return reverse.get(ch);
}
