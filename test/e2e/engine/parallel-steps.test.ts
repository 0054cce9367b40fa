// GitHub's parallel steps (jobs.<job_id>.steps[*].background, wait, wait-all, cancel, parallel) and
// actions/runner's BackgroundStepCoordinator. Order is proven with marker files: a background step
// that waits (bounded) for a file only a later step creates fails unless both ran at once.
import { afterAll, describe, expect, it } from 'vitest';
import { WorkflowSyntaxError } from '../../../engine/index.js';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('background steps', () => {
  it('run while the next steps run; outputs, outcome and GITHUB_ENV reach the job at the wait', async () => {
    const r = await run(fixtureRepo('parallel-steps'), 'background.yml', {
      secrets: { TOKEN: 's3cr3t-value' },
    });
    const job = r.job('background');
    expect(job.conclusion, r.all).toBe('success');
    expect(r.lines('background', 'Run bash -c "$AWAIT" _ foreground-ran')).toEqual([
      "bg saw the foreground step's marker",
      'secret in bg: ***',
    ]);
    expect(r.lines('background', 'foreground')).toEqual(['foreground ran while bg waited']);
    expect(r.lines('background', 'before wait')).toEqual(["before outputs='' outcome='' env=unset"]);
    expect(r.lines('background', 'after wait')).toEqual([
      "after outputs='from-bg' outcome='success' conclusion='success' env=set-by-bg wait=success",
    ]);
    expect(r.all).not.toContain('s3cr3t-value');
    // The background step is recorded when the wait covers it, so it follows the steps that ran meanwhile.
    expect(job.steps.map((step) => step.id)).toEqual(['__run', '__run_2', 'bg', 'waited', '__run_3']);
    expect(job.steps.find((step) => step.id === 'bg')?.outputs).toEqual({ result: 'from-bg' });
  });

  it('wait-all waits for every earlier background step, and a parallel group for its own steps', async () => {
    const r = await run(fixtureRepo('parallel-steps'), 'wait-all.yml');
    expect(r.lines('wait-all').at(-1), r.all).toBe('all done 1 2 success success');
    expect(r.lines('parallel').at(-1), r.all).toBe('group done left right');
    const group = r.job('parallel').steps;
    expect(group.map((step) => `${step.name}=${step.conclusion}`)).toEqual([
      'skipped in the group=skipped',
      'left=success',
      'right=success',
      'Parallel group=success',
      'Run echo "group done left right"=success',
    ]);
    expect(r.result.exitCode, r.all).toBe(0);
  });

  it('cancel signals a long-running background step, which concludes cancelled without failing the job', async () => {
    const r = await run(fixtureRepo('parallel-steps'), 'cancel.yml');
    expect(r.lines('cancel', 'server')).toContain('server got SIGINT');
    expect(r.lines('cancel').at(-1)).toBe('server outcome=cancelled conclusion=cancelled');
    const job = r.job('cancel');
    expect(job.steps.find((step) => step.id === 'server')?.conclusion).toBe('cancelled');
    expect(job.steps.find((step) => step.name === 'Cancel')?.conclusion).toBe('success');
    expect(job.conclusion, r.all).toBe('success');
  });

  it('a failing background step fails the job at its wait, or at the job end when nothing waited', async () => {
    const r = await run(fixtureRepo('parallel-steps'), 'failing.yml');
    expect(r.lines('at-wait')).toEqual(['runs before the wait', 'failure seen outcome=failure']);
    expect(r.job('at-wait').steps.find((step) => step.name === 'Wait')?.conclusion).toBe('failure');
    expect(r.job('at-wait').conclusion).toBe('failure');
    expect(r.lines('tolerated')).toEqual(['tolerated outcome=failure conclusion=success wait=success']);
    expect(r.job('tolerated').conclusion).toBe('success');
    expect(r.lines('never-waited')).toEqual(['last step']);
    expect(r.all).toContain('never-waited | Wait for all background steps | failure');
    expect(r.job('never-waited').conclusion).toBe('failure');
    expect(r.result.exitCode).toBe(1);
  });

  it('waits for background steps still running at the end of the job before post steps', async () => {
    const r = await run(fixtureRepo('parallel-steps'), 'end.yml');
    const lines = r.lines('end');
    expect(lines.indexOf('late finished'), r.all).toBeGreaterThanOrEqual(0);
    expect(lines.indexOf('late finished')).toBeLessThan(lines.indexOf('post sees late-finished=true'));
    expect(r.all).toContain('end | Wait for all background steps | Waiting for background step(s)');
    expect(r.job('end').conclusion).toBe('success');
  });

  it("the job's timeout stops a background step a wait is blocked on", async () => {
    const r = await run(fixtureRepo('parallel-steps'), 'timeout.yml', { minuteMs: 1500 });
    expect(r.lines('timeout').at(-1), r.all).toBe('forever outcome=cancelled');
    expect(r.job('timeout').conclusion).toBe('cancelled');
  });
});

describe('parallel steps: what GitHub refuses', () => {
  it.each([
    ['unknown-wait.yml', /unknown-wait\.yml:9:20: Step references unknown step ID 'nope'$/],
    // wait, wait-all and cancel take no if: (the workflow schema has none for them).
    ['if-on-cancel.yml', /if-on-cancel\.yml:10:9: Unexpected value 'if'$/],
  ])('%s is a workflow error, before anything runs', async (file, problem) => {
    const error = (await run(fixtureRepo('parallel-steps'), file).catch(
      (e: unknown) => e,
    )) as WorkflowSyntaxError;
    expect(error).toBeInstanceOf(WorkflowSyntaxError);
    expect(error.problems).toEqual([expect.stringMatching(problem)]);
  });

  it('a composite action cannot declare a background step: the step that uses it fails and says why', async () => {
    const r = await run(fixtureRepo('parallel-steps'), 'composite.yml');
    expect(r.job('composite').conclusion).toBe('failure');
    expect(r.result.annotations.map((a) => a.message)).toContainEqual(
      expect.stringContaining(
        "step 1 uses 'background:', which GitHub allows only in a workflow job's steps, not in a composite action",
      ),
    );
    expect(r.lines('composite')).not.toContain('inner');
  });
});
