/**
 * How actions are loaded and what their steps see, where `paved run` must behave as GitHub does: each
 * test names the actions/runner source or the GitHub documentation it follows.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('actions as GitHub runs them', () => {
  // actions/runner src/Runner.Worker/Expressions/SuccessFunction.cs and FailureFunction.cs: in a step
  // of a composite action they look at `github.action_status`, which
  // src/Runner.Worker/Handlers/CompositeActionHandler.cs (RunStepsAsync) sets from the composite's own
  // result, Success until one of its steps fails (actions/runner#1271, fixed in 2.280.3). cancelled()
  // stays the job's.
  it("gives a composite action's steps the action's own status, not the job's", async () => {
    const r = await run(fixtureRepo('action-rules'), 'composite-status.yml');
    expect(r.lines('after-failure')).toEqual(['plain step ran job=failure', 'probe outcome=success']);
    expect(r.lines('inside')).toEqual(['failure() step ran', 'always() step ran', 'inner outcome=failure']);
    expect(r.job('inside').conclusion).toBe('success');
  });

  // actions/runner src/Runner.Worker/action_yaml.json: a composite action's run step
  // (`composite-step-run`) has `shell` as a required property, so the action fails to load with the
  // template reader's "Required property is missing: shell" at the step's line and column.
  it("refuses a composite action's run step without shell, at the step's line and column", async () => {
    const repo = fixtureRepo('action-rules');
    await expect(run(repo, 'composite-no-shell.yml')).rejects.toThrow(
      /actions\/no-shell\/action\.yml \(Line: 8, Col: 7\): Required property is missing: shell/,
    );
    // An action that appears only when the job runs fails the step that uses it.
    const r = await run(repo, 'composite-no-shell-later.yml');
    expect(r.job('made').conclusion).toBe('failure');
    expect(r.lines('made')).toEqual(['the step that uses it failed']);
    expect(r.result.annotations.map((a) => a.message).join('\n')).toMatch(
      /made-later\/action\.yml \(Line: 8, Col: 7\): Required property is missing: shell/,
    );
  });

  // Docs, "Contexts > github context": github.action is "the name of the action currently running, or
  // the id of a step", `__run` for a script without an id; actions/runner StepsRunner sets it for each
  // step (as it sets GITHUB_ACTION) before the step's if: is evaluated.
  it('sets github.action to the value of GITHUB_ACTION in every step, pre and post', async () => {
    const repo = fixtureRepo('action-rules');
    const r = await run(repo, 'action-context.yml', {
      actionMap: { 'acme/js-name@v1': join(repo, 'actions', 'js-name') },
    });
    expect(r.result.exitCode, r.all).toBe(0);
    const js = 'js env=__acme_js-name input=__acme_js-name';
    // pre, main and post of the JavaScript action; pre-if and post-if see github.action too.
    const lines = r.lines('ids');
    expect(lines.slice(0, 4)).toEqual([
      js,
      'ctx=__run env=__run',
      'ctx=__run_2 env=__run_2',
      'ctx=named env=named',
    ]);
    expect(lines[4]).toMatch(/^inner ctx=(\S+) env=\1$/);
    expect(lines.slice(5)).toEqual([js, js]);
  });

  // actions/runner ActionRunner.RunAsync never checks `required` (docs, metadata syntax: "Actions
  // using required: true will not automatically return an error if the input is not specified"), and
  // ActionManifestManager.ConvertInputs gives every input without a default '' — so INPUT_REQ is set
  // and empty, inputs.req is '', and nothing is logged.
  it('gives a required input that is not supplied the empty string, without a warning', async () => {
    const r = await run(fixtureRepo('action-rules'), 'required-input.yml');
    expect(r.result.exitCode, r.all).toBe(0);
    expect(r.lines('unset')).toEqual(['INPUT_REQ=[]', 'req=[] empty=true declared=true']);
    expect(r.result.annotations).toEqual([]);
  });

  // actions/runner ActionManager.PrepareActionsRecursiveAsync downloads repository actions at job
  // start but loads `./` actions, also inside a composite action, only when their step runs: a step
  // that is skipped never looks for its action, and a missing one fails only its step.
  it('looks for a local action inside a composite action only when its step runs', async () => {
    const r = await run(fixtureRepo('action-rules'), 'nested-missing.yml');
    expect(r.lines('skipped')).toEqual(['after the missing action use-it=false']);
    expect(r.job('skipped').conclusion).toBe('success');
    expect(r.lines('used')).toEqual(['outcome=failure']);
    expect(r.job('used').conclusion).toBe('failure');
    expect(r.result.annotations.map((a) => a.message).join('\n')).toMatch(
      /Can't find 'action\.yml', 'action\.yaml' or 'Dockerfile' under '.*actions\/never-written'/,
    );
  });

  // actions/runner ActionManager.PrepareActionsRecursiveAsync: the pre steps of actions inside a
  // composite action from a repository are collected (`_cachedEmbeddedPreSteps`) and run at job start
  // as the composite step's Pre stage (CompositeActionHandler with ActionRunStage.Pre); the state they
  // save reaches the nested action's main and post as STATE_* (EmbeddedIntraActionState).
  it('runs the pre of an action nested in a mapped composite action at job start, with its state', async () => {
    const repo = fixtureRepo('action-rules');
    const r = await run(repo, 'nested-pre.yml', {
      actionMap: {
        'acme/wrapper@v1': join(repo, 'actions', 'wrapper'),
        'acme/stateful@v1': join(repo, 'actions', 'stateful'),
      },
    });
    expect(r.result.exitCode, r.all).toBe(0);
    expect(r.lines('nested')).toEqual([
      'pre who=nested',
      'first step',
      'main who=nested STATE_fromPre=p1',
      'post STATE_fromPre=p1 STATE_fromMain=m1',
    ]);
    expect(r.events.filter((e) => e.kind === 'step-start').map((e) => e.text)[0]).toBe(
      'Pre Run acme/wrapper@v1',
    );
  });

  // actions/runner src/Runner.Worker/action_yaml.json: an input default sees github, strategy,
  // matrix, job and runner (`input-default-context`; actions/runner#407 for env), and a composite
  // action's steps and outputs have no `secrets` and no `needs` (`string-steps-context`,
  // `output-value`), so such an expression is an unrecognized named-value.
  it('gives action.yml expressions only the contexts the runner gives them', async () => {
    const r = await run(fixtureRepo('action-rules'), 'action-contexts.yml', {
      secrets: { TOKEN: 'tok-123456' },
    });
    expect(r.job('secret-inside').conclusion).toBe('failure');
    expect(r.job('env-default').conclusion).toBe('failure');
    expect(r.result.annotations.map((a) => a.message)).toEqual(
      expect.arrayContaining([
        "The expression 'secrets.TOKEN' is not valid: Unrecognized named-value: 'secrets'",
        "The expression 'env.WHO' is not valid: Unrecognized named-value: 'env'",
      ]),
    );
    // The caller passes the value instead, and the github context still reaches the default.
    expect(r.lines('given')).toEqual(['who=[someone] where=acme/widgets']);
  });
});
