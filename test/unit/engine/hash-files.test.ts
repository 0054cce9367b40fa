import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { globToRegExp, hashFiles, matchFiles } from '../../../engine/hash-files.js';

const root = mkdtempSync(join(tmpdir(), 'paved-hashfiles-'));
for (const [file, text] of Object.entries({
  'a.lock': 'a',
  'x/b.lock': 'b',
  'x/y/c.lock': 'c',
  '.hidden/d.lock': 'd',
  'src/e.ts': 'e',
  'skip/f.lock': 'f',
})) {
  mkdirSync(join(root, file, '..'), { recursive: true });
  writeFileSync(join(root, file), text);
}
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('hashFiles', () => {
  it.each([
    [['**/*.lock'], ['.hidden/d.lock', 'a.lock', 'skip/f.lock', 'x/b.lock', 'x/y/c.lock']],
    [
      ['**/*.lock', '!skip/**'],
      ['.hidden/d.lock', 'a.lock', 'x/b.lock', 'x/y/c.lock'],
    ],
    [['x'], ['x/b.lock', 'x/y/c.lock']],
    [['*.lock'], ['a.lock']],
    [['src/*.ts\nx/*/c.lock'], ['src/e.ts', 'x/y/c.lock']],
    [['nothing/**'], []],
  ])('%j selects %j', (patterns, expected) => {
    // Which files; their order is checked against the runner's globber below.
    expect(
      matchFiles(root, patterns)
        .map((file) => file.slice(root.length + 1))
        .sort(),
    ).toEqual(expected);
  });

  it('patterns are searched in the order given, not sorted', () => {
    expect(matchFiles(root, ['x/*/c.lock\nsrc/*.ts']).map((file) => file.slice(root.length + 1))).toEqual([
      'x/y/c.lock',
      'src/e.ts',
    ]);
  });

  it('hashes the sha256 digests of the files in the order the patterns name them', () => {
    const expected = createHash('sha256');
    for (const text of ['a', 'b']) expected.update(createHash('sha256').update(text).digest());
    expect(hashFiles(root, ['a.lock', 'x/b.lock'])).toBe(expected.digest('hex'));
    expect(hashFiles(root, ['none'])).toBe('');
  });

  it('translates globs', () => {
    expect(globToRegExp('/w/**/x').test('/w/x')).toBe(true);
    expect(globToRegExp('/w/**/x').test('/w/a/b/x')).toBe(true);
    expect(globToRegExp('/w/*.ts').test('/w/a/b.ts')).toBe(false);
    expect(globToRegExp('/w/[ab].ts').test('/w/b.ts')).toBe(true);
  });
});

/**
 * The runner's own computation (actions/runner src/Misc/expressionFunc/hashFiles): in a node process
 * whose working directory is the workspace, @actions/glob's globber with followSymbolicLinks as the
 * flag says, each yielded path under the workspace that is not a directory hashed in yield order.
 */
function runnerHashFiles(
  workspace: string,
  patterns: string[],
  follow = false,
): { files: string[]; hash: string } {
  const script = `
    import { createHash } from 'node:crypto';
    import { readFileSync, statSync } from 'node:fs';
    import { sep } from 'node:path';
    import * as glob from '@actions/glob';
    const globber = await glob.create(process.env.patterns, { followSymbolicLinks: process.env.followSymbolicLinks === 'true' });
    const result = createHash('sha256');
    const files = [];
    for await (const file of globber.globGenerator()) {
      if (!file.startsWith(process.cwd() + sep) || statSync(file).isDirectory()) continue;
      result.write(createHash('sha256').update(readFileSync(file)).digest());
      files.push(file);
    }
    result.end();
    console.log(JSON.stringify({ files, hash: files.length ? result.digest('hex') : '' }));
  `;
  // Resolve @actions/glob from this repository while running in the workspace.
  const moduleUrl = `file://${resolve(import.meta.dirname, '../../../node_modules/@actions/glob/lib/glob.js')}`;
  const run = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', script.replace("'@actions/glob'", JSON.stringify(moduleUrl))],
    {
      cwd: workspace,
      encoding: 'utf8',
      env: { ...process.env, patterns: patterns.join('\n'), followSymbolicLinks: String(follow) },
    },
  );
  expect(run.status, run.stderr).toBe(0);
  // @actions/core writes ::debug:: lines to stdout too; the result is the last line.
  const last = run.stdout.trim().split('\n').pop() as string;
  return JSON.parse(last) as { files: string[]; hash: string };
}

describe('hashFiles matches the runner where path order and traversal order differ', () => {
  const tree = mkdtempSync(join(tmpdir(), 'paved-hashfiles-order-'));
  // The globber walks depth first, each directory's entries by name: packages/web/** comes before
  // packages/web-admin/**. Sorting whole paths puts packages/web-admin/… first ('-' sorts before '/').
  for (const dir of [
    'packages/web',
    'packages/web-admin',
    'packages/web.legacy',
    'packages/web/nested',
    'services/api',
    'services/api-gateway',
    'services/api_v1',
  ]) {
    mkdirSync(join(tree, dir), { recursive: true });
    writeFileSync(join(tree, dir, 'package-lock.json'), `${dir}\n`);
  }
  writeFileSync(join(tree, 'package-lock.json'), 'root\n');
  mkdirSync(join(tree, 'linked'));
  symlinkSync(join(tree, 'services/api'), join(tree, 'linked/m'));
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  it.each([
    [['**/package-lock.json']],
    [['services/**/package-lock.json\npackages/*/package-lock.json']],
    [['packages', 'services/*/package-lock.json', '!packages/web.legacy/**']],
    // A trailing exclusion skips the directories it covers (as the test action does for node_modules).
    [['**/package-lock.json', '!**/web/**']],
  ])('%j: same files in the same order, same hash', (patterns) => {
    const runner = runnerHashFiles(tree, patterns);
    // The point of the check: sorting would give another order, hence another hash.
    expect(runner.files.length).toBeGreaterThan(3);
    expect(runner.files).not.toEqual([...runner.files].sort());
    expect(matchFiles(tree, patterns)).toEqual(runner.files);
    expect(hashFiles(tree, patterns)).toBe(runner.hash);
  });

  it('--follow-symbolic-links descends into linked directories, as the runner does with the flag', () => {
    const runner = runnerHashFiles(tree, ['linked/**'], true);
    expect(runner.files).toEqual([join(tree, 'linked/m/package-lock.json')]);
    expect(hashFiles(tree, ['--follow-symbolic-links', 'linked/**'])).toBe(runner.hash);
    // Without the flag the link itself is yielded, and a link to a directory is not hashed.
    expect(runnerHashFiles(tree, ['linked/**']).hash).toBe('');
    expect(hashFiles(tree, ['linked/**'])).toBe('');
  });
});
