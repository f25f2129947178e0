/**
 * One way to turn zod issues into problem lines: `path: message`, with each unknown key on a line
 * of its own (loaders report every problem at once and name the field — STYLE.md 4). `where`
 * (a file name, a topic) prefixes every line when given.
 */
import type { z } from 'zod';

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(root)';
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], where?: string): string[] {
  const prefix = where === undefined ? '' : `${where}: `;
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        lines.push(`${prefix}${fieldPath([...issue.path, key])}: unknown key`);
    } else {
      lines.push(`${prefix}${fieldPath(issue.path)}: ${issue.message}`);
    }
  }
  return lines;
}
