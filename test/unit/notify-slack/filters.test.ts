import { describe, expect, test } from 'vitest';
import { decideByBranch, decideByStatus, globToRegExp } from '../../../actions/notify-slack/src/filters.js';

describe('decideByStatus', () => {
  test.each([
    ['always', 'deploy', 'success', undefined, true],
    ['success', 'deploy', 'success', undefined, true],
    ['success', 'deploy', 'failure', undefined, false],
    ['failure', 'deploy', 'failure', undefined, true],
    ['failure', 'deploy', 'success', undefined, false],
    // A successful rollback is still bad news for the run.
    ['failure', 'rollback', 'success', undefined, true],
    ['failure', 'build', 'cancelled', undefined, false],
    ['change', 'deploy', 'success', undefined, true],
    ['change', 'deploy', 'success', 'success', false],
    ['change', 'deploy', 'success', 'failure', true],
    ['change', 'deploy', 'failure', 'failure', false],
    ['change', 'deploy', 'failure', 'success', true],
    ['change', 'deploy', 'cancelled', 'skipped', false],
  ] as const)('when %s, %s %s (previous %s) → %s', (when, stage, status, previous, send) => {
    expect(decideByStatus(when, stage, status, previous).send).toBe(send);
  });
});

describe('decideByBranch', () => {
  test.each([
    [[], 'anything', true],
    [['main'], 'main', true],
    [['main'], 'mainline', false],
    [['release/*'], 'release/1.2', true],
    [['release/*'], 'release/1.2/hotfix', false],
    [['release/**'], 'release/1.2/hotfix', true],
    [['!dependabot/**'], 'dependabot/npm/x', false],
    [['!dependabot/**'], 'main', true],
    [['**', '!wip/*'], 'wip/x', false],
    [['!wip/*', 'wip/keep'], 'wip/keep', true],
    [['v?.*'], 'v1.2', true],
    [['main'], undefined, false],
  ] as const)('%j with %s → %s', (patterns, branch, send) => {
    expect(decideByBranch(patterns, branch).send).toBe(send);
  });

  test('regex characters in patterns are literal', () => {
    expect(globToRegExp('a+b(c)').test('a+b(c)')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});
