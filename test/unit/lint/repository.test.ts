/** The repository's own workflows, starter templates and action.yml files pass `paved lint` with no findings. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { runCli } from '../../../cli/main.js';

const root = resolve(import.meta.dirname, '../../..');

test('paved lint finds nothing in .github/workflows, workflows-templates and actions/', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const paths = ['.github/workflows', 'workflows-templates', 'actions'].filter((p) =>
    existsSync(join(root, p)),
  );
  const code = await runCli(['lint', ...paths], {
    cwd: root,
    env: {},
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    usageError: (m) => {
      err.push(m);
      return 2;
    },
    interactive: false,
  });
  expect([...out, ...err].join('\n')).toMatch(/no findings/);
  expect(code).toBe(0);
});
