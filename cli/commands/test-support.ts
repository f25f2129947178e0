/** Test-only: a CliIo that captures what the program writes. */
import type { CliIo } from '../io.js';

export interface CapturedIo extends CliIo {
  readonly stdout: () => string;
  readonly stderr: () => string;
}

export function captureIo(cwd: string = process.cwd()): CapturedIo {
  let out = '';
  let err = '';
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    cwd,
    env: {},
    stdout: () => out,
    stderr: () => err,
  };
}
