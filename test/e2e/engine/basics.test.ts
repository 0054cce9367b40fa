import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('basics', () => {
  it('runs jobs in needs order and passes outputs', async () => {
    const repo = fixtureRepo('basics');
    const r = await run(repo, 'ci.yml', {
      runnerEnv: { ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/', ACTIONS_RUNTIME_TOKEN: 'runtime-token' },
    });
    expect(r.result.exitCode, r.all).toBe(0);
    expect(r.lines('first')).toContain('hello from workflow-level on Linux');
    expect(r.job('first').outputs).toEqual({ greeting: 'hi there' });
    expect(r.lines('second')).toContain('got hi there');
    // runnerEnv reaches every step's process environment but not the env context.
    expect(r.lines('first')).toContain('results=http://127.0.0.1:9/ token-set=true in-env-context=false');
  });
});
