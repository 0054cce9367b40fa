#!/usr/bin/env node
// npm test: make sure the real services the tests use are installed (Debian packages; Node 24 for the
// bundle checks), run the whole vitest suite, and end with the plain line CI reads:
//   N passed, N failed, N skipped
// computed from vitest's JSON results. Any failure (including a file that failed to load) exits non-zero.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const setup = spawnSync('bash', [join(root, 'scripts/ensure-test-deps.sh')], { cwd: root, stdio: 'inherit' });
if (setup.status !== 0) {
  console.error('Installing the test dependencies failed (see above).');
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

const resultsFile = join(root, '.vitest-results.json');
rmSync(resultsFile, { force: true });
const vitest = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${resultsFile}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests ?? 0;
  failed = results.numFailedTests ?? 0;
  skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  // A test file that fails to load has no failed tests but is still a failure.
  for (const file of results.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).every((t) => t.status !== 'failed'))
      failed++;
  }
} else {
  failed = 1;
}
if (vitest.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || vitest.status !== 0 ? 1 : 0);
