// Every test or bench that runs an action as a process gives it inputs the way the runner does, through
// runnerInputEnv (test/support/runner-io.ts): action.yml defaults first, then the step's values. A
// harness with its own INPUT_* loop would run the action without the defaults the runner always sets.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory())
      return entry.name === 'fixtures' || entry.name === 'node_modules' ? [] : files(join(dir, entry.name));
    return entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [];
  });
}

test('no harness builds INPUT_* variables itself', () => {
  const own = /inputEnvName\(|`INPUT_\$\{/;
  const offenders = [...files(join(root, 'test')), ...files(join(root, 'bench'))]
    .filter(
      (file) =>
        !file.endsWith('test/support/runner-io.ts') && !file.endsWith('test/unit/shared/inputs.test.ts'),
    )
    .filter((file) => own.test(readFileSync(file, 'utf8')))
    .map((file) => relative(root, file));
  expect(offenders).toEqual([]);
});
