#!/usr/bin/env node
// npm run catalog: regenerate action-catalog.md from every actions/*/action.yml (through tsx, so it
// does not depend on a fresh dist/).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/tsx/dist/cli.mjs'),
    'cli/index.ts',
    'catalog',
    '--write',
    ...process.argv.slice(2),
  ],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
