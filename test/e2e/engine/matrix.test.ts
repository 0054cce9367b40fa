import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('matrix', () => {
  it('expands include/exclude in GitHub order, honours fail-fast, max-parallel and continue-on-error', async () => {
    const repo = fixtureRepo('matrix');
    const r = await run(repo, 'matrix.yml', { concurrency: 4 });
    const expand = r.result.jobs.filter((j) => j.id === 'expand');
    expect(expand.map((j) => j.name)).toEqual([
      // MatrixBuilder names a leg from its matrix values; what include adds is not in the name.
      'expand (apple, cat)',
      'expand (apple, dog)',
      'expand (pear, cat)',
      'expand (banana)',
      'expand (banana, cat)',
    ]);
    const legLines = expand.flatMap((j) => r.lines(j.name)).sort();
    expect(legLines).toEqual(
      [
        'leg=apple/cat/pink/circle index=0 total=5',
        'leg=apple/dog/green/circle index=1 total=5',
        'leg=pear/cat/pink/ index=2 total=5',
        'leg=banana/// index=3 total=5',
        'leg=banana/cat// index=4 total=5',
      ].sort(),
    );
    // fail-fast with max-parallel 1: leg 2 fails, leg 3 never starts.
    expect(r.job('failfast (1)').conclusion).toBe('success');
    expect(r.job('failfast (2)').conclusion).toBe('failure');
    expect(r.job('failfast (3)').conclusion).toBe('cancelled');
    expect(r.lines('failfast (3)')).toEqual([]);
    // fail-fast false + continue-on-error on leg 2: every leg runs, the job counts as success.
    expect(r.job('no-failfast (2)').outcome).toBe('failure');
    expect(r.job('no-failfast (2)').conclusion).toBe('success');
    expect(r.job('no-failfast (3)').conclusion).toBe('success');
    expect(r.lines('dynamic x')).toEqual(['v=x needs=success']);
    expect(r.lines('dynamic y')).toEqual(['v=y needs=success']);
    expect(r.result.conclusion).toBe('failure');
    expect(r.result.exitCode).toBe(1);
  });
});

// actions/runner src/Sdk/WorkflowParser/Conversion/JobNameBuilder.cs: `<name> (<values>, …)`, no
// parentheses when no value is left (empty values are skipped), and a name over 100 characters cut
// to 97 and `...` — with or without a matrix (WorkflowTemplateEvaluator.EvaluateStrategy builds the
// single configuration's name with it too). A name written as an expression is used as evaluated
// (EvaluateJobName).
describe('job display names', () => {
  it('caps names at 100 characters as GitHub does', async () => {
    const r = await run(fixtureRepo('matrix'), 'long-names.yml', { concurrency: 4 });
    const names = (id: string): string[] => r.result.jobs.filter((j) => j.id === id).map((j) => j.name);
    expect(names('long')).toEqual([
      'Integration tests against the staging cluster with every supported database engine (postgresql-16...',
      'Integration tests against the staging cluster with every supported database engine (mysql, eu-wes...',
    ]);
    expect(names('plain')).toEqual([
      'A job without a matrix whose name is much longer than the hundred characters GitHub shows for it ...',
    ]);
    for (const name of [...names('long'), ...names('plain')]) expect(name).toHaveLength(100);
    expect(names('empty')).toEqual(['empty']);
    expect(names('expression')).toEqual([
      'Named by an expression that is long enough to pass the hundred character limit that GitHub puts on names 1',
    ]);
    expect(r.result.exitCode, r.all).toBe(0);
  });
});
