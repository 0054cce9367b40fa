import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('basics', () => {
  it('runs jobs in needs order and passes outputs', async () => {
    const repo = fixtureRepo('basics');
    const r = await run(repo, 'ci.yml');
    console.log(r.all);
    expect(r.result.exitCode).toBe(0);
    expect(r.lines('first')).toContain('hello from workflow-level on Linux');
    expect(r.job('first').outputs).toEqual({ greeting: 'hi there' });
    expect(r.lines('second')).toContain('got hi there');
  });
});
