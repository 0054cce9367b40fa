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
