import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    [['x/*/c.lock\nsrc/*.ts'], ['src/e.ts', 'x/y/c.lock']],
    [['nothing/**'], []],
  ])('%j selects %j', (patterns, expected) => {
    expect(matchFiles(root, patterns).map((file) => file.slice(root.length + 1))).toEqual(expected);
  });

  it('hashes the sha256 digests of the files in path order', () => {
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
