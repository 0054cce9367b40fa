// scripts/ensure-test-deps.sh installs what the tests need; requireCommand (sandbox/process.ts) is how a
// test says what it needs. These tests keep the two in step, so a fresh machine that runs `npm test`
// gets every command a test asks for, checked by that same command name.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const script = join(root, 'scripts/ensure-test-deps.sh');
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.cache', 'coverage']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : sourceFiles(join(dir, entry.name));
    return /\.(ts|js|mjs|cjs)$/.test(entry.name) ? [join(dir, entry.name)] : [];
  });
}

/** Every `requireCommand('<command>', '<package>')` in the repository, as "command package". */
function requiredByCode(): { pairs: Set<string>; unreadable: string[] } {
  const pairs = new Set<string>();
  const unreadable: string[] = [];
  for (const file of sourceFiles(root)) {
    if (file === join(root, 'test/unit/test-deps.test.ts')) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/requireCommand\(([^)]*)\)/g)) {
      const args = match[1] as string;
      if (/^command: string, debianPackage: string$/.test(args)) continue; // the definition
      const literal = /^\s*'([^']+)',\s*'([^']+)'\s*$/.exec(args);
      if (literal) pairs.add(`${literal[1]} ${literal[2]}`);
      else unreadable.push(`${relative(root, file)}: requireCommand(${args})`);
    }
  }
  return { pairs, unreadable };
}

function listedByScript(): Set<string> {
  const run = spawnSync('bash', [script, '--list'], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return new Set(run.stdout.split('\n').filter(Boolean));
}

test('every requireCommand call names its command and package as string literals', () => {
  // A computed argument would hide a requirement from the comparison below.
  expect(requiredByCode().unreadable).toEqual([]);
});

test('ensure-test-deps.sh checks exactly the commands the code asks for, with the same packages', () => {
  const code = requiredByCode().pairs;
  expect(code.size).toBeGreaterThan(5);
  expect([...listedByScript()].sort()).toEqual([...code].sort());
});

const stubs = mkdtempSync(join(tmpdir(), 'paved-test-deps-'));
afterAll(() => rmSync(stubs, { recursive: true, force: true }));

test('a foreign python3 with pytest first on PATH does not hide a missing pytest-3', () => {
  // Every required command exists except pytest-3; the python3 first on PATH imports pytest fine,
  // as a pyenv or venv Python does.
  for (const line of listedByScript()) {
    const command = line.split(' ')[0] as string;
    if (command === 'pytest-3' || command.includes('/')) continue;
    writeFileSync(join(stubs, command), '#!/bin/sh\nexit 0\n');
    chmodSync(join(stubs, command), 0o755);
  }
  writeFileSync(join(stubs, 'python3'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(stubs, 'python3'), 0o755);
  symlinkSync('/usr/bin/dirname', join(stubs, 'dirname'));
  const run = spawnSync('/bin/bash', [script, '--missing'], {
    encoding: 'utf8',
    env: { PATH: stubs },
  });
  expect(run.status, run.stderr).toBe(0);
  const missing = run.stdout.split('\n').filter(Boolean);
  expect(missing).toContain('python3-pytest');
  // /usr/bin/python3 is an absolute path, found or not regardless of PATH.
  expect(missing.filter((p) => p !== 'python3-venv')).toEqual(['python3-pytest']);
});
