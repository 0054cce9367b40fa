import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('status functions, skipping and timeouts', () => {
  it('follows GitHub status rules for steps and jobs', async () => {
    const repo = fixtureRepo('status');
    // timeout-minutes is whole minutes; a test minute lasts 1.2 s.
    const r = await run(repo, 'status.yml', { concurrency: 4, minuteMs: 1200 });
    expect(r.lines('fails')).toEqual(['one', 'failure handler saw failure', 'always']);
    expect(r.result.annotations.find((a) => a.job === 'fails')?.message).toBe(
      'Process completed with exit code 4.',
    );
    const steps = r.job('fails').steps.map((s) => `${s.name}:${s.conclusion}`);
    expect(steps).toEqual([
      'Run echo "one":success',
      'Run exit 4:failure',
      'skipped after failure:skipped',
      'runs on failure:success',
      'always runs:success',
      'success only:skipped',
    ]);
    expect(r.job('fails').conclusion).toBe('failure');
    expect(r.job('dependent').conclusion).toBe('skipped');
    expect(r.job('transitive').conclusion).toBe('skipped');
    // failure() at job level sees a failed ancestor through skipped jobs.
    expect(r.lines('on-failure')).toEqual(['cleanup after skipped']);
    expect(r.lines('always')).toEqual(['needs result=failure']);
    expect(r.job('condition-false').conclusion).toBe('skipped');
    expect(r.lines('timeout')).toEqual(['after timeout outcome=failure conclusion=success']);
    expect(r.job('timeout').conclusion).toBe('success');
    expect(r.job('job-timeout').conclusion).toBe('cancelled');
    expect(r.job('job-timeout').steps.map((s) => s.outcome)).toEqual(['cancelled', 'success']);
    expect(r.lines('job-timeout')).toEqual(['cleanup ran, job status=cancelled']);
    expect(r.result.exitCode).toBe(1);
  });

  it('stops processes a job left running in the background when it ends', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const pidFile = join(mkdtempSync(join(tmpdir(), 'paved-bg-')), 'pid');
    const repo = fixtureRepo('status');
    const r = await run(repo, 'status.yml', { job: 'background', env: { BG_PID_FILE: pidFile } });
    expect(r.lines('background')).toEqual(['started']);
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 50 && alive(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive()).toBe(false);
  });

  it('runs only the selected job and what it needs with --job', async () => {
    const repo = fixtureRepo('status');
    const r = await run(repo, 'status.yml', { job: 'dependent' });
    expect(r.result.jobs.map((j) => j.name)).toEqual(['fails', 'dependent']);
  });
});
