/**
 * Every committed action bundle, run with no inputs on Node 20 and on Node 24 (what `using: node24`
 * means on GitHub), must stop at the missing-input error: exit 1, exactly one ::error:: line naming an
 * input, no stack trace. This is the first thing a user with a typo in `with:` sees.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadActionManifest } from '../../shared/action-manifest.js';
import { bundledActions, requireNode24, runBare } from '../support/bundles.js';

const actions = bundledActions();

describe.each(actions.map((a) => [a.name, a] as const))('%s', (_name, action) => {
  const manifest = loadActionManifest(action.dir);

  test('action.yml runs the committed bundle on node24', () => {
    expect(manifest.runs.using).toBe('node24');
    expect(manifest.runs['main']).toBe(`../../dist/${action.name}/index.js`);
    expect(existsSync(action.bundle)).toBe(true);
    expect(existsSync(join(action.dir, '..', '..', 'dist', action.name, 'licenses.txt'))).toBe(true);
    expect(readFileSync(action.bundle, 'utf8')).not.toContain('sourceMappingURL');
  });

  test.each([
    ['Node 20', () => process.execPath],
    ['Node 24', requireNode24],
  ])('with no inputs on %s: one ::error:: naming a missing input, exit 1, no stack', (_label, node) => {
    const result = runBare(node(), action.bundle);
    const output = result.stdout + result.stderr;
    expect(result.status, output).toBe(1);
    const errors = result.stdout.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors, output).toHaveLength(1);
    // An action whose inputs are required only as alternatives (token or webhook-url) has no
    // required: true input; its error must still name one of its inputs.
    // An input that a deprecated alias may stand in for (deploy-argocd's argocd-server for server) is
    // declared required: false, but it is required all the same when neither name is given.
    const replacedByAlias = manifest.inputs.flatMap(
      (i) => /Use '([^']+)' instead/.exec(i.deprecationMessage ?? '')?.slice(1, 2) ?? [],
    );
    const required = [...manifest.inputs.filter((i) => i.required).map((i) => i.name), ...replacedByAlias];
    const named = required.length > 0 ? required : manifest.inputs.map((i) => i.name);
    expect(
      named.some((name) => errors[0]?.includes(`'${name}'`)),
      errors[0],
    ).toBe(true);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(result.stderr).toBe('');
  });
});

test('the Node 24 used here is a 24.x release', () => {
  const result = spawnSync(requireNode24(), ['--version'], { encoding: 'utf8' });
  expect(result.stdout.trim()).toMatch(/^v24\.\d+\.\d+$/);
});
