/**
 * DESIGN.md's import directions, checked on every TypeScript file:
 * shared/ imports nothing else of Paved; an action imports shared/ and its own folder only;
 * engine/ never imports an action, the CLI or the sandbox; sandbox/ never imports engine/ or an action.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (entry === 'node_modules' || entry === 'fixtures') return [];
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Relative import specifiers (static, re-export and dynamic), resolved to repo-relative paths. */
export function relativeImports(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map(
    (m) => m[1] as string,
  );
  return specifiers.map((s) => relative(root, resolve(dirname(file), s)));
}

type Rule = (from: string, to: string) => string | undefined;

const topOf = (path: string): string => path.split('/')[0] as string;
const actionOf = (path: string): string | undefined =>
  path.startsWith('actions/') ? path.split('/')[1] : undefined;

export const rules: Rule[] = [
  (from, to) =>
    topOf(from) === 'shared' && topOf(to) !== 'shared'
      ? 'shared/ must not import the rest of Paved'
      : undefined,
  (from, to) => {
    const action = actionOf(from);
    if (!action) return undefined;
    if (topOf(to) === 'shared' || actionOf(to) === action) return undefined;
    return `an action imports only shared/ and its own folder`;
  },
  (from, to) =>
    topOf(from) === 'engine' && ['actions', 'cli', 'sandbox'].includes(topOf(to))
      ? 'engine/ must not import actions, the CLI or the sandbox'
      : undefined,
  (from, to) =>
    topOf(from) === 'sandbox' && ['engine', 'actions'].includes(topOf(to))
      ? 'sandbox/ must not import engine/ or an action'
      : undefined,
];

export function violations(files: { path: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { path, text } of files) {
    const from = relative(root, path);
    for (const to of relativeImports(path, text)) {
      for (const rule of rules) {
        const message = rule(from, to);
        if (message) found.push(`${from} imports ${to}: ${message}`);
      }
    }
  }
  return found;
}

describe('import directions', () => {
  test('the rules catch each forbidden direction', () => {
    const at = (path: string, text: string) => ({ path: join(root, path), text });
    expect(
      violations([
        at('shared/a.ts', "import { x } from '../engine/run.js';"),
        at(
          'actions/build/src/main.ts',
          "import { y } from '../../test/src/parse.js';\nimport { z } from '../../../shared/inputs.js';",
        ),
        at('engine/run.ts', "const m = await import('../sandbox/registry.js');"),
        at('sandbox/argocd/server.ts', "export { a } from '../../engine/index.js';"),
        at('cli/commands/run.ts', "import { runWorkflow } from '../../engine/index.js';"),
      ]),
    ).toEqual([
      'shared/a.ts imports engine/run.js: shared/ must not import the rest of Paved',
      'actions/build/src/main.ts imports actions/test/src/parse.js: an action imports only shared/ and its own folder',
      'engine/run.ts imports sandbox/registry.js: engine/ must not import actions, the CLI or the sandbox',
      'sandbox/argocd/server.ts imports engine/index.js: sandbox/ must not import engine/ or an action',
    ]);
  });

  test('the repository follows them', () => {
    const files = ['shared', 'actions', 'engine', 'sandbox', 'cli'].flatMap((dir) =>
      tsFiles(join(root, dir)),
    );
    expect(files.length).toBeGreaterThan(10);
    expect(violations(files.map((path) => ({ path, text: readFileSync(path, 'utf8') })))).toEqual([]);
  });
});
