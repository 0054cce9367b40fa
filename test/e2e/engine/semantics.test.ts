/**
 * Places where `paved run` must behave exactly as GitHub does, each checked against the actions/runner
 * source or GitHub's documentation named in the test.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkflowSyntaxError, parseWorkflowText } from '../../../engine/workflow.js';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('GitHub semantics', () => {
  // actions/runner src/Sdk/WorkflowParser/Conversion/MatrixBuilder.cs, with the matrix only known once
  // the job it needs has produced its outputs.
  it('expands matrices built with fromJSON(needs.<job>.outputs.<x>) as GitHub does', async () => {
    const r = await run(fixtureRepo('semantics'), 'matrix-needs.yml');
    const lines = (id: string): string[] =>
      r.result.jobs.filter((j) => j.id === id).flatMap((j) => r.lines(j.name));
    // Whole-matrix object: `exclude: {cfg: {std: 20}, os: mac}` matches inside the cfg object.
    expect(r.result.jobs.filter((j) => j.id === 'whole').map((j) => j.name)).toEqual([
      'whole (linux, 20, O2)',
      'whole (linux, 17, O2)',
      'whole (mac, 17, O2)',
    ]);
    expect(lines('whole')).toEqual([
      'whole linux 20 big=true',
      'whole linux 17 big=true',
      'whole mac 17 big=',
    ]);
    // A vector and `include` from outputs, merged with literal vectors.
    expect(r.result.jobs.filter((j) => j.id === 'merged').map((j) => j.name)).toEqual([
      'merged (linux, 20)',
      'merged (bsd, 20)',
      'merged (win)',
    ]);
    expect(lines('merged')).toEqual([
      'merged linux 20 note=',
      'merged bsd 20 note=port',
      'merged win  note=',
    ]);
    expect(lines('entries')).toEqual(['entries linux cc=clang', 'entries mac cc=']);
    expect(r.result.exitCode).toBe(0);
  });

  // docs.github.com "Using jobs > Defining prerequisite jobs": a skipped or failed job skips every job
  // that needs it, directly or not, unless a status function says otherwise; the implicit success()
  // of a job's `if:` covers all its ancestors (actions/runner#491).
  it('skips the dependents of a skipped job through every generation; always() jobs run and see skipped', async () => {
    const r = await run(fixtureRepo('semantics'), 'needs.yml', { concurrency: 4 });
    expect(r.job('off').conclusion).toBe('skipped');
    expect(r.lines('after-off')).toEqual(['after-off sees skipped']);
    expect(r.job('after-off').conclusion).toBe('success');
    // Its direct need succeeded, but an ancestor was skipped: the implicit success() is false.
    expect(r.job('grandchild').conclusion).toBe('skipped');
    expect(r.lines('grandchild')).toEqual([]);
    expect(r.lines('grandchild-always')).toEqual(['grandchild-always sees success']);
    // Nothing upstream failed, so !failure() holds.
    expect(r.lines('grandchild-not-failure')).toEqual(['not-failure ran']);
    expect(r.lines('great-grandchild')).toEqual(['great-grandchild sees skipped']);
    expect(r.result.exitCode).toBe(0);
  });

  // actions/runner src/Runner.Worker/ActionManager.cs: "`pre` execution is not supported for local
  // action" (the action is not in the workspace before the job's steps run), a warning of the main
  // step (ExecutionContext.Warning in ActionRunner.RunAsync); its post runs, in reverse order of the
  // main steps.
  it("does not run a local action's pre:, runs its post: in reverse order", async () => {
    const repo = fixtureRepo('semantics');
    const r = await run(repo, 'local-action.yml', {
      actionMap: { 'acme/hooks@v1': join(repo, 'actions', 'hooks') },
    });
    expect(r.lines('hooks')).toEqual([
      'main first',
      'main second',
      'main steps done',
      'post second state=second',
      'post first state=first',
    ]);
    const warning = {
      level: 'warning',
      message: "`pre` execution is not supported for local action from './actions/hooks'",
    };
    expect(r.result.annotations).toEqual([
      expect.objectContaining({ ...warning, step: 'Run ./actions/hooks' }),
      expect.objectContaining({ ...warning, step: 'Run ./actions/hooks' }),
    ]);
    expect(r.job('hooks').conclusion).toBe('success');
    // The same action used from another repository (here mapped to a directory) runs its pre.
    expect(r.lines('remote')).toEqual(['pre mapped', 'main mapped', 'post mapped state=mapped']);
  });

  // docs.github.com "Reusing workflows": in a called workflow the github context is the caller's.
  it("gives a called workflow the caller's github context", async () => {
    const r = await run(fixtureRepo('semantics'), 'caller.yml', { eventName: 'workflow_dispatch' });
    expect(r.lines('call / inner')).toEqual([
      'workflow=the caller env=the caller',
      'event=workflow_dispatch ref=refs/heads/main',
      'workflow_ref=acme/widgets/.github/workflows/caller.yml@refs/heads/main',
    ]);
  });

  // actions/runner PipelineTemplateConverter.ConvertToStepTimeout: `(Int32)numberToken.Value`, and
  // StepsRunner sets a timeout only when it is > 0; a job's timeout-minutes of 0 is no limit.
  it('truncates fractional timeout-minutes and treats 0 as no limit', async () => {
    const r = await run(fixtureRepo('semantics'), 'timeouts.yml');
    expect(r.lines('zero')).toEqual(['zero means no limit']);
    expect(r.lines('fraction-step')).toEqual([
      'a fraction of a minute truncates to no limit',
      'fraction above one runs',
    ]);
    expect(r.result.exitCode).toBe(0);
  });

  // GitHub's template evaluator never converts a value to the schema's type
  // (src/Sdk/WorkflowParser/ObjectTemplating/TemplateEvaluator.cs, Validate): an expression that
  // yields the string "5" for timeout-minutes is refused with `Unexpected value '5'`. A step then
  // runs without a timeout (StepsRunner.RunStepAsync); a failed step whose continue-on-error is not
  // a boolean stays failed (ExecutionContext.ApplyContinueOnError, which evaluates it only once the
  // step failed, so it sees what the step wrote to GITHUB_ENV); a job fails before it starts
  // (WorkflowTemplateEvaluator.EvaluateJobTimeout / EvaluateJobContinueOnError).
  it('refuses timeout-minutes and continue-on-error expressions of the wrong type as GitHub does', async () => {
    const r = await run(fixtureRepo('semantics'), 'typed-values.yml', {
      eventName: 'workflow_dispatch',
      concurrency: 4,
    });
    const file = '.github/workflows/typed-values.yml';
    const errors = (job: string): string[] =>
      r.result.annotations.filter((a) => a.job === job && a.level === 'error').map((a) => a.message);
    expect(r.lines('step-values')).toEqual([
      'string timeout runs without a limit',
      'number timeout runs',
      'envcoe=failure/success strcoe=failure/failure',
    ]);
    expect(r.job('step-values').steps.map((s) => s.conclusion)).toEqual([
      'success',
      'success',
      'success',
      'failure',
      'success',
    ]);
    expect(errors('step-values')).toEqual([
      'An error occurred when attempting to determine the step timeout.',
      `The template is not valid. ${file} (Line: 19, Col: 26): Unexpected value '5'`,
      'Process completed with exit code 4.',
      'Process completed with exit code 3.',
      'The step failed and an error occurred when attempting to determine whether to continue on error.',
      `The template is not valid. ${file} (Line: 32, Col: 28): Unexpected value 'true'`,
    ]);
    expect(r.job('step-values').conclusion).toBe('failure');
    // Jobs: the error names the key and the job, and no step runs.
    expect(r.lines('job-timeout')).toEqual([]);
    expect(errors('job-timeout')).toEqual([
      `Error when evaluating 'timeout-minutes' for job 'job-timeout'. ${file} (Line: 38, Col: 22): Unexpected value '5'`,
    ]);
    expect(r.job('job-timeout').conclusion).toBe('failure');
    expect(r.lines('job-coe')).toEqual([]);
    expect(errors('job-coe')).toEqual([
      `Error when evaluating 'continue-on-error' for job 'job-coe'. ${file} (Line: 43, Col: 24): Unexpected value 'true'`,
    ]);
    expect(r.job('job-coe').conclusion).toBe('failure');
    // A number and a boolean from expressions are what the schema asks for.
    expect(r.lines('job-typed')).toEqual(['job-typed ran']);
    expect(r.job('job-typed').outcome).toBe('failure');
    expect(r.job('job-typed').conclusion).toBe('success');
  });

  // The same values written as literal strings are refused when the workflow is parsed, before
  // anything runs, with the parser's message (the engine already matched here).
  it('refuses literal string timeout-minutes and continue-on-error when parsing', async () => {
    const text = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      "    timeout-minutes: '5'",
      '    steps:',
      '      - run: echo hi',
      "        continue-on-error: 'true'",
      "        timeout-minutes: ${{ '5' }}",
    ].join('\n');
    const error = await parseWorkflowText('w.yml', text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowSyntaxError);
    expect((error as WorkflowSyntaxError).problems).toEqual([
      "w.yml:5:22: Unexpected value '5'",
      "w.yml:8:28: Unexpected value 'true'",
      "w.yml:9:26: Unexpected value '5'",
    ]);
  });

  // actions/runner src/Runner.Worker/StepsRunner.cs merges the step's env block into the env context
  // before it evaluates the step's condition.
  it("lets a step's if: see the step's own env", async () => {
    const r = await run(fixtureRepo('semantics'), 'step-env.yml');
    expect(r.lines('check')).toEqual(['own env seen by if', 'step env overrides in if']);
    expect(r.job('check').steps.map((s) => s.conclusion)).toEqual(['success', 'success', 'skipped']);
  });

  // actions/runner ValueEncoders.cs (registered in HostContext) and the line-by-line masking of
  // multi-line secrets: encoded forms of secrets and of ::add-mask:: values never reach the log.
  it('masks secrets and add-mask values in every encoded form the runner masks', async () => {
    const token = 'tok:en/with+odd?chars';
    const key = '-----BEGIN KEY-----\nMIIBsecretkeyline\n-----END KEY-----';
    const r = await run(fixtureRepo('semantics'), 'masking.yml', { secrets: { TOKEN: token, KEY: key } });
    const lines = r.lines('leak');
    expect(lines[0]).toBe('plain ***');
    expect(lines[1]).toMatch(/^basic \S*\*\*\*\S*$/);
    expect(lines[2]).toMatch(/^urlsafe \S*\*\*\*\S*$/);
    expect(lines[3]).toBe('json {"t":"***"}');
    expect(lines[4]).toBe('uri ***');
    expect(lines[5]).toBe('***');
    expect(lines[6]).toBe('added ***');
    expect(lines[7]).toMatch(/^added-b64 \*\*\*=*$/);
    const all = r.all;
    for (const leaked of [token, 'MIIBsecretkeyline', encodeURIComponent(token), 'generated-'])
      expect(all).not.toContain(leaked);
  });
});

describe('values as the runner holds them', () => {
  // actions/runner StepsRunner / ExecutionContext: on Linux and macOS the env context is a
  // CaseSensitiveDictionaryContextData (only Windows folds case), as the process environment is.
  it('keeps the env context case-sensitive, as the shell sees it', async () => {
    const r = await run(fixtureRepo('semantics'), 'env-case.yml');
    expect(r.result.exitCode, r.all).toBe(0);
    expect(r.lines('env-case').slice(-3)).toEqual([
      'foo=[] FOO=[upper] bar=[lower] BAR=[UPPER] step=[|own]',
      'shell bar=[lower] BAR=[UPPER]',
      'keys=FOO,bar,BAR in-env=true',
    ]);
  });

  // TemplateEvaluator: env, with, run and the job's env are string-typed, so a mapping or sequence is
  // refused (TemplateStrings: "A mapping was not expected") instead of turned into JSON.
  it('refuses a mapping or sequence where a string is expected, and takes numbers and booleans as text', async () => {
    const r = await run(fixtureRepo('semantics'), 'string-values.yml');
    const file = '.github/workflows/string-values.yml';
    expect(r.result.annotations.map((a) => a.message)).toEqual(
      expect.arrayContaining([
        `The template is not valid. ${file} (Line: 11, Col: 14): A mapping was not expected`,
        `The template is not valid. ${file} (Line: 18, Col: 14): A sequence was not expected`,
        `The template is not valid. ${file} (Line: 25, Col: 18): A sequence was not expected`,
        `The template is not valid. ${file} (Line: 39, Col: 10): A mapping was not expected`,
      ]),
    );
    expect(r.job('env-mapping (linux)').conclusion).toBe('failure');
    expect(r.job('with-sequence').conclusion).toBe('failure');
    expect(r.job('job-env').conclusion).toBe('failure');
    expect(r.all).not.toContain('must not run');
    // A `run:` refused while the step runs is covered by the step's continue-on-error.
    expect(r.job('run-sequence').conclusion).toBe('success');
    expect(r.lines('run-sequence')).toContain('after run-sequence outcome=failure');
    expect(r.lines('scalars')).toEqual(expect.arrayContaining(['scalars N=5 B=true', 'input=1.5']));
    expect(r.job('scalars').conclusion).toBe('success');
  });

  // FileCommandManager.cs: SetEnvFileCommand reports NODE_OPTIONS and goes on with the file;
  // CreateStepSummaryCommand reports a summary over 1 MiB (AttachmentSizeLimit) and leaves it out.
  // Neither fails the step.
  it('reports NODE_OPTIONS in GITHUB_ENV and an oversized summary without failing the step', async () => {
    const r = await run(fixtureRepo('semantics'), 'file-command-limits.yml');
    expect(r.result.exitCode, r.all).toBe(0);
    expect(r.lines('limits')).toContain('A=1 B=2 node-options=[] env=success summary=success');
    expect(r.result.annotations.map((a) => `${a.level} ${a.message}`)).toEqual([
      "error Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.",
      'error $GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got 1074k. For more information see: https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-markdown-summary',
    ]);
  });

  // actions/runner JobExtension.FinalizeJob: job outputs and the environment url are evaluated when
  // the job ends, and a failure to evaluate either fails the job ("Fail to evaluate job outputs",
  // "Failed to evaluate environment url"). Outputs over 1 MB fail it too (Workflow syntax,
  // jobs.<job_id>.outputs: "a maximum of 1 MB per job"; GitHub's message "Job outputs exceed 1,048,576 bytes").
  it('fails a job whose outputs or environment url cannot be evaluated, or whose outputs exceed 1 MB', async () => {
    const r = await run(fixtureRepo('semantics'), 'job-end.yml');
    expect(r.job('bad-output').conclusion).toBe('failure');
    expect(r.job('bad-url').conclusion).toBe('failure');
    expect(r.job('big-output').conclusion).toBe('failure');
    expect(r.job('small-output').conclusion).toBe('success');
    const messages = r.result.annotations.map((a) => `${a.job}: ${a.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'bad-output: Fail to evaluate job outputs',
        'bad-url: Failed to evaluate environment url',
        'big-output: Job outputs exceed 1,048,576 bytes',
      ]),
    );
    expect(r.lines('after')).toEqual(['big=[] result=failure small=ok']);
  });

  // GitHub refuses a workflow with a job that has nothing to run.
  it('refuses a job without steps', async () => {
    await expect(
      parseWorkflowText('w.yml', 'on: push\njobs:\n  empty:\n    runs-on: ubuntu-latest\n    steps: []\n'),
    ).rejects.toThrow(
      'w.yml: No steps defined in `steps` and no workflow called in `uses` for the following jobs: empty',
    );
  });
});
