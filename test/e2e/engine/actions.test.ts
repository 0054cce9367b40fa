import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRepo, fixturesDir, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('local JavaScript actions', () => {
  it('passes INPUT_* with action.yml defaults, runs pre/main/post in the runner order with state', async () => {
    const repo = fixtureRepo('js-action');
    const r = await run(repo, 'js.yml', { job: 'greet' });
    expect(r.result.exitCode, r.all).toBe(0);
    const lines = r.lines('greet');
    // A local action's pre: does not run (ActionManager: not supported for local actions); post does.
    expect(lines).toEqual([
      'Hello, world!',
      'repo-default=acme/widgets dashed=kept state-from-pre=undefined',
      'node-major=true',
      'Hi, again!',
      'repo-default=acme/widgets dashed=kept state-from-pre=undefined',
      'node-major=true',
      'hook ran with state=none',
      'output=Hello, world!',
      'post: started=again pre=undefined',
      'post: started=world pre=undefined',
    ]);
    expect(r.job('greet').outputs).toEqual({ message: 'Hello, world!' });
    expect(r.result.annotations.map((a) => a.message)).toContain(
      "Unexpected input(s) 'unknown-input', valid inputs are ['who', 'greeting', 'repo default', 'dashed-name']",
    );
    const names = r.events.filter((e) => e.kind === 'step-start').map((e) => e.text);
    expect(names).toEqual([
      'Run ./actions/greet',
      'second greet',
      'Run ./actions/conditional',
      'Run echo "output=Hello, world!"',
      'Post second greet',
      'Post Run ./actions/greet',
    ]);
  });

  it('fails the job when the action exits non-zero and runs post-if: failure() hooks', async () => {
    const repo = fixtureRepo('js-action');
    const r = await run(repo, 'js.yml', { job: 'failing' });
    expect(r.job('failing').conclusion).toBe('failure');
    expect(r.events.filter((e) => e.kind === 'step-start').map((e) => e.text)).toContain(
      'Post Run ./actions/conditional',
    );
    expect(r.result.exitCode).toBe(1);
  });
});

describe("Paved's own action layout", () => {
  it('runs runs.main: ../../dist/<name>/index.js (node24) with main and post from one bundle', async () => {
    const repo = fixtureRepo('js-action');
    const r = await run(repo, 'js.yml', { job: 'bundled' });
    expect(r.lines('bundled')).toEqual([
      'main from dist/bundled token-empty=true',
      'output=dist/bundled',
      'post of the same bundle',
    ]);
    expect(r.result.exitCode).toBe(0);
  });
});

describe('composite actions', () => {
  it('scopes inputs, env and steps, maps outputs, nests uses and exports GITHUB_ENV to the job', async () => {
    const repo = fixtureRepo('composite');
    const r = await run(repo, 'composite.yml');
    expect(r.result.exitCode, r.all).toBe(0);
    const lines = r.lines('use');
    expect(lines).toContain(
      'name=ab caller-env=from-caller inner-env=composite-step-env action-path-set=yes',
    );
    expect(lines).toContain('after-inner=abab env-now=visible-later');
    expect(lines).toContain('action-path-context=outer cwd=outer');
    expect(lines).toContain('name=default-name caller-env= inner-env=composite-step-env action-path-set=yes');
    expect(lines).toContain('combined=abab-o env=visible-later caller-env-leak=[]');
    expect(lines).not.toContain('never');
    expect(r.job('use').outputs).toEqual({ combined: 'abab-o' });
  });
});

describe('reusable workflows', () => {
  it('passes typed inputs, mapped and inherited secrets, and returns outputs', async () => {
    const repo = fixtureRepo('reusable');
    const r = await run(repo, 'caller.yml', { secrets: { DEPLOY_KEY: 'dk-987654', token: 'own-token' } });
    expect(r.result.exitCode, r.all).toBe(0);
    expect(r.lines('call / work')).toEqual([
      'who=alice times=2 loud=false loud-is-bool=true',
      'token=*** length-ok=true deploy-key=[]',
    ]);
    expect(r.lines('inherit / work')).toEqual([
      'who=bob times=5 loud=true loud-is-bool=false',
      'token=*** length-ok=true deploy-key=[***]',
    ]);
    expect(r.lines('after')).toEqual(['call=alicex2 inherit=bobx5 result=success']);
    expect(r.job('call').outputs).toEqual({ shout: 'alicex2' });
    expect(r.all).not.toContain('dk-987654');
  });

  // GitHub validates a call before the run starts (actions/runner src/Sdk/WorkflowParser/Conversion/
  // WorkflowTemplateConverter.cs: ConvertToWorkflowJobInputs with isEarlyValidation,
  // ValidateWorkflowJobSecrets, ValidateUndefinedParameters): the run is refused and nothing runs.
  it('refuses a call with a missing required secret before anything runs', async () => {
    const repo = fixtureRepo('reusable');
    await expect(run(repo, 'missing-secret.yml')).rejects.toThrow(
      '.github/workflows/missing-secret.yml:5:11: Secret token is required, but not provided while calling.',
    );
  });

  it('refuses undeclared inputs and secrets, a literal of the wrong type and missing required inputs', async () => {
    const repo = fixtureRepo('reusable');
    const error = await run(repo, 'bad-call.yml').then(
      () => undefined,
      (e: unknown) => e as { problems?: string[] },
    );
    // Each problem is `file:line:col: message`, the file as the run was given it.
    const problems = error?.problems?.map((problem) => problem.replace(/^.*?(?=\.github\/)/, ''));
    expect(problems).toEqual([
      ".github/workflows/bad-call.yml:7:14: Unexpected value '5'",
      '.github/workflows/bad-call.yml:8:15: Invalid input, colour is not defined in the referenced workflow.',
      '.github/workflows/bad-call.yml:11:14: Invalid secret, extra is not defined in the referenced workflow.',
      '.github/workflows/bad-call.yml:13:11: Input who is required, but not provided while calling.',
      '.github/workflows/bad-call.yml:13:11: Secret token is required, but not provided while calling.',
    ]);
  });

  it('refuses a required input that is not given even when it has a default', async () => {
    const repo = fixtureRepo('reusable');
    await expect(run(repo, 'call-required-default.yml')).rejects.toThrow(
      'Input who is required, but not provided while calling.',
    );
  });

  it('runs ten levels of workflows (the caller and nine reusable ones) and refuses eleven', async () => {
    // "You can connect a maximum of ten levels of workflows - that is, the top-level caller workflow
    // and up to nine levels of reusable workflows" (docs: Reuse workflows, Nesting reusable workflows).
    const repo = fixtureRepo('reusable');
    const dir = join(repo, '.github', 'workflows');
    for (let level = 1; level <= 10; level++) {
      const jobs =
        level < 10
          ? `  next:\n    uses: ./.github/workflows/level-${level + 1}.yml\n`
          : '  leaf:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo deepest\n';
      writeFileSync(join(dir, `level-${level}.yml`), `on: workflow_call\njobs:\n${jobs}`);
    }
    const start = (first: number): string =>
      `on: push\njobs:\n  start:\n    uses: ./.github/workflows/level-${first}.yml\n`;
    writeFileSync(join(dir, 'nine-deep.yml'), start(2));
    writeFileSync(join(dir, 'ten-deep.yml'), start(1));
    const r = await run(repo, 'nine-deep.yml');
    expect(r.result.exitCode, r.all).toBe(0);
    expect(r.result.jobs.find((job) => job.name.endsWith(' / leaf'))?.name.split(' / ')).toHaveLength(10);
    await expect(run(repo, 'ten-deep.yml')).rejects.toThrow(
      'reusable workflows are nested more than 9 levels deep',
    );
  });

  it('types inputs as GitHub does: an evaluated string is not a number or a boolean', async () => {
    const repo = fixtureRepo('reusable');
    const r = await run(repo, 'typed-call.yml');
    // ConvertToInputValueDefinedType: TemplateEvaluator against number-/boolean-needs-context never
    // converts, so the calling job fails with the evaluator's message at the value's position.
    expect(r.job('string-for-number').conclusion).toBe('failure');
    expect(r.job('string-for-boolean').conclusion).toBe('failure');
    const messages = r.result.annotations.map((a) => a.message);
    expect(messages).toContain(
      "The template is not valid. .github/workflows/typed-call.yml (Line: 7, Col: 14): Unexpected value '7'",
    );
    expect(messages).toContain(
      "The template is not valid. .github/workflows/typed-call.yml (Line: 13, Col: 13): Unexpected value 'true'",
    );
    // A number and a boolean of the right type pass; a string input takes a number as its text.
    expect(r.lines('typed / show')).toEqual(['count=7 count-is-number=true flag=true label=42 token=[***]']);
    // `secrets: inherit` is not checked for required secrets (ValidateWorkflowJobSecrets returns).
    expect(r.job('inherit-without-required / show').conclusion).toBe('success');
    expect(r.lines('inherit-without-required / show')).toEqual([
      'count=1 count-is-number=false flag=false label=none token=[]',
    ]);
    expect(r.result.exitCode).toBe(1);
  });
});

describe('checkout and remote actions', () => {
  const actionMap = {
    'acme/tool@v1': join(fixturesDir, 'checkout-mapped', 'tool'),
    'acme/monorepo@v2': join(fixturesDir, 'checkout-mapped', 'monorepo'),
  };

  it('copies the repository for actions/checkout and resolves remote actions through the action map', async () => {
    const repo = fixtureRepo('checkout');
    const r = await run(repo, 'checkout.yml', { actionMap });
    expect(r.result.exitCode, r.all).toBe(0);
    const lines = r.lines('checkout');
    expect(lines).toContain('readme=original readme new-file=gone');
    expect(lines).toContain('head=ok');
    expect(lines).toContain('origin=https://github.com/acme/widgets.git changes=0');
    expect(lines).toContain('nested=original readme');
    expect(lines).toContain('mapped tool says mapped');
    expect(lines).toContain('sub action from a mapped repository');
  });

  it('never touches the user checkout without --bind, and works in it with --bind', async () => {
    const { readFileSync } = await import('node:fs');
    const repo = fixtureRepo('checkout');
    await run(repo, 'checkout.yml', { actionMap });
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('original readme\n');
    const bound = await run(repo, 'checkout.yml', { actionMap, bind: true });
    expect(bound.lines('checkout')).toContain('readme=scribble new-file=present');
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('scribble\n');
  });

  it('refuses an unmapped remote action before running anything, naming --action-map', async () => {
    const repo = fixtureRepo('checkout');
    await expect(run(repo, 'checkout.yml')).rejects.toThrow(
      /'uses: acme\/tool@v1' is a remote action.*--action-map acme\/tool@v1=DIR/,
    );
  });
});
