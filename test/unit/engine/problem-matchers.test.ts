/** Problem matcher files and matching, as actions/runner's IssueMatcher.cs reads and applies them. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMatchers, ProblemMatchers } from '../../../engine/problem-matchers.js';

const dir = mkdtempSync(join(tmpdir(), 'paved-matchers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const matcher = (pattern: unknown[], extra: Record<string, unknown> = {}) => ({
  problemMatcher: [{ owner: 'x', pattern, ...extra }],
});

describe('loadMatchers', () => {
  it.each([
    ['missing owner', { problemMatcher: [{ pattern: [{ regexp: 'a', message: 0 }] }] }, 'owner must be set'],
    ['no patterns', matcher([]), 'pattern must be a non-empty array'],
    ['a bad regexp', matcher([{ regexp: '(', message: 1 }]), 'regexp is not valid'],
    ['no message', matcher([{ regexp: '(a)', file: 1 }]), "one of its patterns must set 'message'"],
    [
      'loop before the last pattern',
      matcher([
        { regexp: '(a)', file: 1, loop: true },
        { regexp: '(b)', message: 1 },
      ]),
      "only the last pattern of a multi-line matcher may set 'loop'",
    ],
    ['loop on a single pattern', matcher([{ regexp: '(a)', message: 1, loop: true }]), "may set 'loop'"],
    [
      'a group that is not a number',
      matcher([{ regexp: '(a)', message: 'one' }]),
      'message must be a group number',
    ],
    ['a bad severity', matcher([{ regexp: '(a)', message: 1 }], { severity: 'fatal' }), 'severity must be'],
    ['not JSON', '{', 'not a problem matcher file'],
  ])('refuses %s', (_, content, message) => {
    expect(() => loadMatchers(file('bad.json', content))).toThrow(message);
  });

  it('says which file is missing', () => {
    expect(() => loadMatchers(join(dir, 'nope.json'))).toThrow(
      `Could not find file '${join(dir, 'nope.json')}'.`,
    );
  });
});

describe('ProblemMatchers', () => {
  it('matches consecutive lines, loops over the last pattern, and starts again after a line that breaks it', () => {
    const matchers = new ProblemMatchers();
    matchers.add(
      loadMatchers(
        file('stylish.json', {
          problemMatcher: [
            {
              owner: 'stylish',
              severity: 'warning',
              pattern: [
                { regexp: '^(\\S.*)$', file: 1 },
                {
                  regexp: '^\\s+(\\d+):(\\d+)\\s+(\\w+)\\s+(.*)$',
                  line: 1,
                  column: 2,
                  severity: 3,
                  message: 4,
                  loop: true,
                },
              ],
            },
          ],
        }),
      ),
    );
    const lines = [
      'a.js',
      '  1:2  error  first',
      '  3:4  other  second',
      'b.js',
      '  5:6  warning  third',
      '',
      '  7:8  error  orphan',
    ];
    expect(lines.map((line) => matchers.match(line))).toEqual([
      undefined,
      { severity: 'error', message: 'first', file: 'a.js', line: 1, col: 2 },
      // An unknown severity takes the matcher's default.
      { severity: 'warning', message: 'second', file: 'a.js', line: 3, col: 4 },
      undefined,
      { severity: 'warning', message: 'third', file: 'b.js', line: 5, col: 6 },
      undefined,
      // The loop ended at the blank line: a detail line alone is not a problem.
      undefined,
    ]);
  });

  it('tries the most recent matcher first, replaces one with the same owner, and removes by owner', () => {
    const matchers = new ProblemMatchers();
    const one = (owner: string, message: string) =>
      loadMatchers(
        file(`${owner}-${message}.json`, {
          problemMatcher: [{ owner, pattern: [{ regexp: `^(${message})$`, message: 1 }] }],
        }),
      );
    matchers.add(one('a', 'x'));
    matchers.add(one('b', 'x'));
    expect(matchers.size).toBe(2);
    matchers.add(one('a', 'y'));
    expect(matchers.size).toBe(2);
    expect(matchers.match('y')).toEqual({ severity: 'error', message: 'y' });
    expect(matchers.remove('b')).toBe(true);
    expect(matchers.match('x')).toBeUndefined();
    expect(matchers.remove('b')).toBe(false);
  });
});
