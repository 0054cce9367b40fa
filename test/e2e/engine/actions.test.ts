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

  it('fails the calling job when a required secret is missing', async () => {
    const repo = fixtureRepo('reusable');
    const r = await run(repo, 'missing-secret.yml');
    expect(r.job('call').conclusion).toBe('failure');
    expect(r.result.annotations.map((a) => a.message)).toContain(
      "job 'call' calling ./.github/workflows/callee.yml: secret 'token' is required, but not provided",
    );
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
