import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// The oxc parser (see size.test.ts for why it comes from rolldown): real import declarations,
// re-exports and dynamic imports, never a match inside a comment or a string.
import { parseSync } from 'rolldown/utils';
import { describe, expect, it } from 'vitest';

// Issue 11: the journal is the seam. orchestrator/ runs a fleet and ends at "journal closed"; it
// must not reach into what judges a run (validation/) or into the command line (cli/).
const FORBIDDEN = ['validation', 'cli'];

const root = dirname(fileURLToPath(import.meta.url));
const project = resolve(root, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports, re-exports or imports dynamically (string literals). */
function specifiers(file: string, code: string): string[] {
  const parsed = parseSync(file, code, { lang: 'ts', sourceType: 'module' });
  if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors[0]?.message}`);
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const n = node as { type?: string; source?: { value?: unknown } };
    const isImport =
      n.type === 'ImportDeclaration' ||
      n.type === 'ExportNamedDeclaration' ||
      n.type === 'ExportAllDeclaration' ||
      n.type === 'ImportExpression';
    if (isImport && typeof n.source?.value === 'string') found.push(n.source.value);
    for (const value of Object.values(node)) visit(value);
  };
  visit(parsed.program);
  return found;
}

/** The top-level project folder a relative specifier of `file` lands in (null: a package). */
function topFolder(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = relative(project, resolve(dirname(file), specifier));
  return target.split(/[\\/]/)[0] ?? null;
}

function violations(files: readonly string[]): string[] {
  return files.flatMap((file) =>
    specifiers(file, readFileSync(file, 'utf8'))
      .filter((s) => FORBIDDEN.includes(topFolder(file, s) ?? ''))
      .map((s) => `${relative(project, file)} imports ${s}`),
  );
}

describe('orchestrator/ boundaries', () => {
  it('imports nothing from validation/ or cli/', () => {
    expect(violations(sources(root))).toEqual([]);
  });

  it('finds imports, re-exports and dynamic imports, and ignores comments and strings', () => {
    const file = join(root, 'example.ts');
    const code = [
      "import { a } from '../validation/report.js';",
      "export { b } from '../cli/io.js';",
      "export * from './ledger.js';",
      "const c = await import('../validation/judge.js');",
      "// import { d } from '../cli/program.js';",
      'const e = "from \'../validation/x.js\'";',
    ].join('\n');
    expect(specifiers(file, code)).toEqual([
      '../validation/report.js',
      '../cli/io.js',
      './ledger.js',
      '../validation/judge.js',
    ]);
    expect(
      specifiers(file, code)
        .map((s) => topFolder(file, s))
        .filter((f) => f !== null),
    ).toEqual(['validation', 'cli', 'orchestrator', 'validation']);
  });
});
