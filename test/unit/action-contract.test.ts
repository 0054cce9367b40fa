import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { listActionDirs } from '../../cli/catalog.js';
import { checkActionContracts } from '../support/action-contract.js';

const root = resolve(import.meta.dirname, '../..');
const fixtures = join(root, 'test/fixtures/contract/actions');
const actions = listActionDirs(root);

describe('the contract check itself', () => {
  const reports = checkActionContracts([join(fixtures, 'good'), join(fixtures, 'drift')]);

  test('passes an action whose code matches action.yml', () => {
    const good = reports.get(join(fixtures, 'good'));
    expect(good?.problems).toEqual([]);
    expect(good?.inputs.map((i) => i.name)).toEqual(['server', 'timeout', 'cache', 'tags', 'token']);
    expect(good?.outputs).toEqual(['digest']);
  });

  test('finds every kind of drift', () => {
    const problems = (reports.get(join(fixtures, 'drift'))?.problems ?? []).map((p) =>
      p.replace(/^.*?: /, ''),
    );
    expect(problems.sort()).toEqual(
      [
        `input 'mode' defaults to "gitops" in action.yml but "api" in code`,
        `input 'required-in-yml' is required: true in action.yml but false in code`,
        `reads input 'undeclared', which action.yml does not declare`,
        'input name passed to InputReader.string must be a string literal',
        `input 'mode' is read twice (first at test/fixtures/contract/actions/drift/src/main.ts:6); read each input once in getInputs()`,
        'core.getInput bypasses the contract; use InputReader / setOutput from shared/',
        `declares input 'never-read', which the code never reads`,
        `sets output 'undeclared-output', which action.yml does not declare`,
        `declares output 'declared-not-set', which the code never sets`,
      ].sort(),
    );
  });
});

describe.runIf(actions.length > 0)('every action reads and sets exactly what its action.yml declares', () => {
  const reports = checkActionContracts(actions);
  test.each(actions.map((dir) => [dir.split('/').pop() as string, dir]))('%s', (_name, dir) => {
    const report = reports.get(dir);
    expect(report?.problems).toEqual([]);
    expect(report?.inputs.length).toBeGreaterThan(0);
  });
});
