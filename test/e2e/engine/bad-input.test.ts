import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineUsageError, WorkflowSyntaxError } from '../../../engine/index.js';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('bad input is refused before anything runs', () => {
  it('reports schema errors as file:line:col: message', async () => {
    const repo = fixtureRepo('bad-input');
    const error = await run(repo, 'schema.yml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowSyntaxError);
    expect((error as WorkflowSyntaxError).problems).toEqual([
      expect.stringMatching(/schema\.yml:7:9: Unexpected value 'with'$/),
    ]);
  });

  it('reports a needs cycle in one line', async () => {
    const repo = fixtureRepo('bad-input');
    const error = (await run(repo, 'cycle.yml').catch((e: unknown) => e)) as WorkflowSyntaxError;
    expect(error).toBeInstanceOf(WorkflowSyntaxError);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/cycle/);
  });

  it('refuses an unknown action without running the steps before it', async () => {
    const repo = fixtureRepo('bad-input');
    const error = await run(repo, 'unknown-action.yml', { keepTemp: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineUsageError);
    expect((error as Error).message).toMatch(
      /someone\/unmapped-action@v3.*--action-map someone\/unmapped-action@v3=DIR/,
    );
    expect(existsSync(join(repo, '..', 'ran.txt'))).toBe(false);
  });

  it('refuses an unknown --job, a missing file and missing required inputs', async () => {
    const repo = fixtureRepo('bad-input');
    await expect(run(repo, 'unknown-action.yml', { job: 'nope' })).rejects.toThrow(
      /--job 'nope' is not a job in .*unknown-action\.yml; jobs: build/,
    );
    await expect(run(repo, 'missing.yml')).rejects.toThrow(/missing\.yml: no such file or directory/);
    await expect(run(repo, 'dispatch.yml')).rejects.toThrow(
      /input 'level' is required but was not provided; pass --input level=VALUE/,
    );
    await expect(run(repo, 'dispatch.yml', { eventName: 'push' })).rejects.toThrow(/does not run on 'push'/);
  });

  it('refuses a filter pattern that cannot be compiled, naming the workflow and the event', async () => {
    const repo = fixtureRepo('bad-input');
    const error = await run(repo, 'bad-pattern.yml').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineUsageError);
    expect((error as Error).message).toMatch(
      /bad-pattern\.yml: on\.push: the filter pattern '\[z-a\]' is not valid/,
    );
  });

  // POST /repos/{owner}/{repo}/actions/workflows/{id}/dispatches answers 422 for a `choice` input
  // given a value that is not one of its options; the run never starts.
  it('refuses a choice input whose value is not one of its options', async () => {
    const repo = fixtureRepo('bad-input');
    await expect(run(repo, 'dispatch.yml', { inputs: { level: 'medium' } })).rejects.toThrow(
      "Provided value 'medium' for input 'level' not in the list of allowed values (low, high)",
    );
  });
});
