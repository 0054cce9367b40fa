/**
 * Behaviours found by running other projects' workflow test data through `paved run` and comparing
 * with GitHub's documented semantics and the actions/runner source. Each case names its reference.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('local actions are loaded when their step runs', () => {
  // Docs ("Referencing an action in the same repository"): the `./` path is relative to
  // github.workspace; actions/runner loads a local action from the workspace when its step runs,
  // so an action an earlier step wrote is usable, and a missing one fails only its step.
  it('runs a composite action that an earlier step of the job created', async () => {
    const repo = fixtureRepo('conformance');
    const r = await run(repo, 'generated-action.yml', { job: 'generated' });
    expect(r.result.exitCode, r.all).toBe(0);
    expect(r.lines('generated')).toContain('stamped=[release]');
  });

  it('fails the step of an action that is never written, not the start of the run', async () => {
    const repo = fixtureRepo('conformance');
    const r = await run(repo, 'generated-action.yml', { job: 'absent' });
    expect(r.result.exitCode).toBe(1);
    expect(r.job('absent').conclusion).toBe('failure');
    expect(r.lines('absent')).toEqual(['before', 'outcome=failure']);
    const messages = r.result.annotations.map((a) => a.message).join('\n');
    expect(messages).toMatch(
      /Can't find 'action\.yml', 'action\.yaml' or 'Dockerfile' under '.*tools\/never-written'\. Did you forget to run actions\/checkout/,
    );
  });
});

describe('workflow_dispatch inputs from the event payload', () => {
  // Docs ("inputs context"): a dispatched workflow's inputs are the ones in the event; the payload's
  // `inputs` are strings (github.event.inputs), the inputs context is typed by the declarations.
  it('takes the inputs of an --eventpath payload, with defaults and --input on top', async () => {
    const repo = fixtureRepo('conformance');
    const r = await run(repo, 'dispatch-payload.yml', {
      eventName: 'workflow_dispatch',
      eventPayload: { inputs: { target: 'web', 'dry-run': 'true' } },
    });
    expect(r.result.exitCode, r.all).toBe(0);
    expect(r.lines('show')).toEqual([
      'target=web region=eu-north dry=true',
      'event target=web region=eu-north dry=true',
    ]);

    const overridden = await run(repo, 'dispatch-payload.yml', {
      eventName: 'workflow_dispatch',
      eventPayload: { inputs: { target: 'web', 'dry-run': 'true' } },
      inputs: { target: 'api' },
    });
    expect(overridden.lines('show')).toEqual([
      'target=api region=eu-north dry=true',
      'event target=api region=eu-north dry=true',
    ]);
  });

  it('still refuses a payload that lacks a required input', async () => {
    const repo = fixtureRepo('conformance');
    await expect(
      run(repo, 'dispatch-payload.yml', { eventName: 'workflow_dispatch', eventPayload: { inputs: {} } }),
    ).rejects.toThrow("input 'target' is required but was not provided");
  });
});

describe('a block scalar that is a single expression', () => {
  // actions/runner TemplateReader.ParseScalar returns a lone `${{ }}` as the expression itself, so
  // `matrix: |-` + `${{ fromJSON(...) }}` is a mapping (not format()'s string 'Object').
  it('expands a matrix from fromJSON in a |- block, from needs outputs and from a literal', async () => {
    const repo = fixtureRepo('conformance');
    const r = await run(repo, 'block-matrix.yml');
    expect(r.result.exitCode, r.all).toBe(0);
    expect(r.lines('build (arm)')).toEqual(['target=arm']);
    expect(r.lines('build (x86)')).toEqual(['target=x86']);
    expect(r.lines('literal (s)')).toEqual(['size=s']);
    expect(r.lines('literal (m)')).toEqual(['size=m']);
  });
});
