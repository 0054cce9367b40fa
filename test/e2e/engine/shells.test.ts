import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('shells and defaults', () => {
  it('applies GitHub shell rules, defaults.run at every level and working-directory', async () => {
    const repo = fixtureRepo('shells');
    const r = await run(repo, 'shells.yml');
    const lines = r.lines('shells');
    expect(lines).not.toContain('not reached');
    expect(lines).toContain('pipe ok in sub');
    expect(lines).toContain('sh is not bash');
    expect(lines).toContain('python in sub');
    expect(lines).toEqual(expect.arrayContaining(['custom', 'sourced']));
    // ScriptHandler formats a custom shell with String.Format: `{{`/`}}` are literal braces.
    expect(lines).toEqual(expect.arrayContaining(['braces {literal} {0}', 'sourced again']));
    expect(lines).toContain('in other');
    expect(lines).not.toContain('not reached either');
    expect(lines).toContain('pipefail=failure/success errexit=failure');
    expect(r.lines('default-shell')).toContain('default shell continues after a failed pipe head in sub');
    expect(r.result.exitCode, r.all).toBe(0);
  });
});
