/**
 * Cold start of every bundled action on its failing path (no inputs: it must stop at the missing-input
 * error), against `node -e 0` measured in the same run, interleaved so machine noise hits both alike.
 * Median of RUNS runs each, on Node 20 (the machine's) and Node 24 (GitHub's node24).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundledActions, node24Path, runBare } from '../test/support/bundles.js';
import { median } from './_stats.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 25);

function timeOnce(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function bundleBytes(bundle: string): number {
  const dir = dirname(bundle);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

const actions = bundledActions().filter((a) => existsSync(a.bundle));
if (actions.length === 0) {
  console.log('no bundled actions yet (dist/<name>/index.js); nothing to measure');
  process.exit(0);
}
const nodes = [
  ['node20', process.execPath] as const,
  ...(existsSync(node24Path) ? [['node24', node24Path] as const] : []),
];

for (const [label, node] of nodes) {
  const baseline: number[] = [];
  const samples = new Map<string, number[]>(actions.map((a) => [a.name, []]));
  for (let i = 0; i < RUNS; i++) {
    baseline.push(timeOnce(() => spawnSync(node, ['-e', '0'])));
    for (const action of actions) {
      let status: number | null = null;
      (samples.get(action.name) as number[]).push(
        timeOnce(() => (status = runBare(node, action.bundle).status)),
      );
      if (status !== 1) throw new Error(`${action.name}: expected exit 1 on missing inputs, got ${status}`);
    }
  }
  const base = median(baseline);
  console.log(
    `\ncold start on ${label} (${spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()}), median of ${RUNS} runs`,
  );
  console.log(
    `${'action'.padEnd(16)} ${'bundle KiB'.padStart(10)} ${'median ms'.padStart(10)} ${'vs node -e 0'.padStart(13)}`,
  );
  console.log(
    `${'node -e 0'.padEnd(16)} ${'-'.padStart(10)} ${base.toFixed(1).padStart(10)} ${'1.00x'.padStart(13)}`,
  );
  for (const action of actions) {
    const m = median(samples.get(action.name) as number[]);
    console.log(
      `${action.name.padEnd(16)} ${(bundleBytes(action.bundle) / 1024).toFixed(0).padStart(10)} ${m.toFixed(1).padStart(10)} ${`${(m / base).toFixed(2)}x`.padStart(13)}`,
    );
  }
}
