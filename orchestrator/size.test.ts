import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
// TypeScript 7 (the project's compiler) is native and has no in-process parser API
// (`ts.createSourceFile` is gone; its `unstable/sync` API spawns a server). rolldown, already in
// node_modules as vitest's bundler, exposes the oxc parser: a real TypeScript parser whose ESTree
// nodes carry byte offsets. A test-only import, so `dist/` never needs it.
import { parseSync } from 'rolldown/utils';
import { describe, expect, it } from 'vitest';

// Issue 11's bar for orchestrator/: no file over ~300 lines, no function over ~80.
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;

const FUNCTION_TYPES = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunctionExpression',
]);

interface FunctionSize {
  name: string;
  line: number;
  lines: number;
}

interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

function isNode(value: unknown): value is AstNode {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string' &&
    typeof (value as { start?: unknown }).start === 'number'
  );
}

function keyName(key: unknown): string | undefined {
  if (!isNode(key)) return undefined;
  if (typeof key.name === 'string') return key.name;
  if (typeof key.value === 'string') return key.value;
  return undefined;
}

/** A function's name from the node itself or the binding/property it is assigned to. */
function nameOf(fn: AstNode, parent: AstNode | undefined): string {
  const own = keyName(fn.id);
  if (own) return own;
  if (parent?.type === 'VariableDeclarator') return keyName(parent.id) ?? '<anonymous>';
  if (parent && ['Property', 'MethodDefinition', 'PropertyDefinition'].includes(parent.type)) {
    return keyName(parent.key) ?? '<anonymous>';
  }
  return '<anonymous>';
}

/** Every function in a TypeScript source with its length in lines, first to last line inclusive. */
function measureFunctions(fileName: string, source: string): FunctionSize[] {
  const parsed = parseSync(fileName, source, { lang: 'ts' });
  if (parsed.errors.length > 0) {
    throw new Error(`${fileName}: parse error: ${parsed.errors.map((e) => e.message).join('; ')}`);
  }
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const found: FunctionSize[] = [];
  const visit = (node: AstNode, parent: AstNode | undefined): void => {
    if (FUNCTION_TYPES.has(node.type)) {
      const line = lineOf(node.start);
      found.push({ name: nameOf(node, parent), line, lines: lineOf(node.end - 1) - line + 1 });
    }
    for (const value of Object.values(node)) {
      for (const child of Array.isArray(value) ? value : [value]) {
        if (isNode(child)) visit(child, node);
      }
    }
  };
  visit(parsed.program as unknown as AstNode, undefined);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const here = fileURLToPath(new URL('.', import.meta.url));

describe('measureFunctions', () => {
  it('measures declarations, arrows, methods and nested closures by their own lines', () => {
    const source = [
      'export function outer(a: number): () => number {', // 1
      '  const inner = (): number => {', // 2
      '    return a;', // 3
      '  };', // 4
      '  return inner;', // 5
      '}', // 6
      'class C {', // 7
      '  m(): void {}', // 8
      '}', // 9
      'const o = { p: function () { return 1; } };', // 10
    ].join('\n');
    expect(measureFunctions('x.ts', source)).toEqual([
      { name: 'outer', line: 1, lines: 6 },
      { name: 'inner', line: 2, lines: 3 },
      { name: 'm', line: 8, lines: 1 },
      { name: 'p', line: 10, lines: 1 },
    ]);
  });

  it('is not fooled by braces inside strings, template literals, regexes and comments', () => {
    const source = [
      'function f(): string {', // 1
      "  const s = '}}}';", // 2
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source under test holds a template literal
      '  const t = `${"}"} } ${`}`}`;', // 3
      '  const r = /[}]/;', // 4
      '  // }', // 5
      '  /* } */', // 6
      '  return s + t + String(r);', // 7
      '}', // 8
      'function g<T extends { a: 1 }>(x: T): T { return x; }', // 9
    ].join('\n');
    expect(measureFunctions('x.ts', source).map((f) => [f.name, f.lines])).toEqual([
      ['f', 8],
      ['g', 1],
    ]);
  });

  it('rejects a file it cannot parse, naming it', () => {
    expect(() => measureFunctions('broken.ts', 'function (')).toThrow(/broken\.ts: parse error/);
  });
});

describe('orchestrator/ sizes', () => {
  const files = sourceFiles(here);

  it('finds the orchestrator sources, chaos/ included', () => {
    const names = files.map((f) => relative(here, f));
    expect(names).toContain('fleet.ts');
    expect(names).toContain(join('chaos', 'runner.ts'));
  });

  it(`has no file over ${MAX_FILE_LINES} lines`, () => {
    const over = files
      .map((f) => ({
        file: relative(here, f),
        lines: readFileSync(f, 'utf8').trimEnd().split('\n').length,
      }))
      .filter((f) => f.lines > MAX_FILE_LINES)
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(over).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    const over = files.flatMap((f) =>
      measureFunctions(f, readFileSync(f, 'utf8'))
        .filter((fn) => fn.lines > MAX_FUNCTION_LINES)
        .map((fn) => `${relative(here, f)}:${fn.line} ${fn.name}: ${fn.lines} lines`),
    );
    expect(over).toEqual([]);
  });
});
