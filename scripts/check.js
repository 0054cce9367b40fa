#!/usr/bin/env node
// npm run check: rebuild dist/ and action-catalog.md, then fail if either differs from what is committed
// (or if anything new appeared there). This is what keeps the bundles GitHub runs in step with the source.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run(process.execPath, ['scripts/build.js']);
run(process.execPath, ['scripts/catalog.js']);
const status = spawnSync('git', ['status', '--porcelain', '--', 'dist', 'action-catalog.md'], {
  cwd: root,
  encoding: 'utf8',
});
if (status.status !== 0) {
  console.error(status.stderr);
  process.exit(1);
}
if (status.stdout.trim()) {
  console.error('dist/ or action-catalog.md differs from the committed files:');
  console.error(status.stdout.trimEnd());
  console.error("Run 'npm run build && npm run catalog' and commit the result.");
  process.exit(1);
}
console.log('dist/ and action-catalog.md match the source');
