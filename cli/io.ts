/** Where the CLI writes: injected so the program is testable (commander's exitOverride + captured output). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  /** stderr is a terminal (progress bars redraw with \r); absent: a line per update. */
  errIsTTY?: boolean;
  env: Record<string, string | undefined>;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  errIsTTY: process.stderr.isTTY === true,
  env: process.env,
};
