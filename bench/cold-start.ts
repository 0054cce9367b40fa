/**
 * Cold start of every bundled action on its failing path (no inputs: it must stop at the missing-input
 * error), against `node -e 0` measured in the same run, interleaved so machine noise hits both alike.
 * Median of RUNS runs each, on Node 20 (the machine's) and Node 24 (GitHub's node24). Target: at most
 * 50 ms over `node -e 0` on both.
 *
 * `--write-readme` rewrites the table between the bench:cold-start markers in README.md with these
 * figures, so the README shows what this benchmark measured, not numbers typed by hand.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { bundledActions, node24Path, repoRoot, runBare } from '../test/support/bundles.js';
import { median } from './_stats.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 25);
// Printed with the figures: on a busy machine every row, node -e 0 included, is slower.
const loadAtStart = loadavg()[0] as number;

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

interface Measured {
  label: string;
  version: string;
  base: number;
  medians: Map<string, number>;
}
const measured: Measured[] = [];

for (const [label, node] of nodes) {
  const baseline: number[] = [];
  const samples = new Map<string, number[]>(actions.map((a) => [a.name, []]));
  for (let i = 0; i < RUNS; i++) {
    baseline.push(timeOnce(() => spawnSync(node, ['-e', '0'])));
    // Each round starts at a different action, so none is always the one right after `node -e 0`.
    for (let k = 0; k < actions.length; k++) {
      const action = actions[(i + k) % actions.length] as (typeof actions)[number];
      const { status, ms } = runBare(node, action.bundle);
      (samples.get(action.name) as number[]).push(ms);
      if (status !== 1) throw new Error(`${action.name}: expected exit 1 on missing inputs, got ${status}`);
    }
  }
  const base = median(baseline);
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const medians = new Map(actions.map((a) => [a.name, median(samples.get(a.name) as number[])]));
  measured.push({ label, version, base, medians });
  console.log(`\ncold start on ${label} (${version}), median of ${RUNS} runs`);
  console.log(
    `${'action'.padEnd(16)} ${'bundle KiB'.padStart(10)} ${'median ms'.padStart(10)} ${'vs node -e 0'.padStart(13)} ${'over'.padStart(9)}`,
  );
  console.log(
    `${'node -e 0'.padEnd(16)} ${'-'.padStart(10)} ${base.toFixed(1).padStart(10)} ${'1.00x'.padStart(13)}`,
  );
  for (const action of actions) {
    const m = medians.get(action.name) as number;
    console.log(
      `${action.name.padEnd(16)} ${(bundleBytes(action.bundle) / 1024).toFixed(0).padStart(10)} ${m.toFixed(1).padStart(10)} ${`${(m / base).toFixed(2)}x`.padStart(13)} ${`+${(m - base).toFixed(0)} ms`.padStart(9)}`,
    );
  }
  const worst = Math.max(...medians.values()) - base;
  console.log(
    `target: at most +50 ms over node -e 0 → worst +${worst.toFixed(0)} ms ${worst <= 50 ? 'met' : 'NOT met'}`,
  );
}

if (process.argv.includes('--write-readme')) await writeReadme();

/** Replace the table between the bench:cold-start markers in README.md with this run's figures. */
async function writeReadme(): Promise<void> {
  const readme = join(repoRoot, 'README.md');
  const begin = '<!-- bench:cold-start:begin (npm run bench -- cold-start --write-readme) -->';
  const end = '<!-- bench:cold-start:end -->';
  const text = readFileSync(readme, 'utf8');
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${begin} … ${end} section to rewrite`);
  const header = ['action', 'bundle KiB'];
  for (const m of measured) header.push(`${m.version} ms`, 'over `node -e 0`');
  const rows = [
    ['`node -e 0`', '', ...measured.flatMap((m) => [m.base.toFixed(1), ''])],
    ...actions.map((a) => [
      a.name,
      (bundleBytes(a.bundle) / 1024).toFixed(0),
      ...measured.flatMap((m) => {
        const ms = m.medians.get(a.name) as number;
        return [ms.toFixed(1), `+${(ms - m.base).toFixed(0)} ms`];
      }),
    ]),
  ];
  const table = [header, header.map((_, i) => (i === 0 ? '---' : '---:')), ...rows]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
  const body = `${begin}\n\nCold start of every bundled action on its failing path (no inputs), median of ${RUNS} runs, measured with \`node -e 0\` in the same run (1-minute load average ${loadAtStart.toFixed(1)} at the start):\n\n${table}\n\n`;
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(readme)) ?? {};
  const next = await prettier.format(text.slice(0, from) + body + text.slice(to), {
    ...options,
    filepath: readme,
  });
  writeFileSync(readme, next);
  console.log(`\nREADME.md: cold-start table rewritten`);
}
