/**
 * bench/build: the npm fixture built by the build action under `paved run`, first with an empty
 * dependency cache (cold), then again from a fresh checkout and a fresh HOME with the cache saved by the
 * first run (warm). Printed as a ratio, next to the same install + build run directly (no engine, no
 * cache) in the same session.
 *
 * The cache service is Paved's local one (sandbox/actions-cache), handed to the step through
 * `paved run --env`, exactly the variables a runner sets. Needs the bundles: dist/cli (with `run`) and
 * dist/build (`node scripts/build.js`).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCacheService } from '../sandbox/actions-cache/service.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);

for (const bundle of ['dist/cli/index.js', 'dist/build/index.js']) {
  if (!existsSync(join(root, bundle))) {
    console.error(`bench/build needs ${bundle}: run \`node scripts/build.js\` first`);
    process.exit(1);
  }
}

const WORKFLOW = `name: build
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: build
        uses: paved/paved/actions/build@v1
      - run: test "\${{ steps.build.outputs.toolchain }}" = node && test -f dist/out.txt
`;

function makeRepo(dir: string): void {
  cpSync(join(root, 'test/fixtures/build/npm'), dir, { recursive: true });
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  writeFileSync(join(dir, '.github/workflows/build.yml'), WORKFLOW);
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'b',
        GIT_AUTHOR_EMAIL: 'b@example.com',
        GIT_COMMITTER_NAME: 'b',
        GIT_COMMITTER_EMAIL: 'b@example.com',
      },
    });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'bench');
}

/** Run one command with a fresh HOME (an empty ~/.npm, like a new runner); returns wall time in ms. */
async function timed(command: string, args: string[], cwd: string, home: string): Promise<number> {
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  const started = performance.now();
  // Asynchronous so the cache service in this process keeps answering.
  const { spawn } = await import('node:child_process');
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) console.error(output.split('\n').slice(-30).join('\n'));
      resolve(status);
    });
  });
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
  return performance.now() - started;
}

const work = mkdtempSync(join(tmpdir(), 'paved-bench-build-'));
const results = { direct: [] as number[], cold: [] as number[], warm: [] as number[] };
try {
  for (let run = 0; run < RUNS; run++) {
    const service = await startCacheService({ dir: join(work, `cache-${run}`) });
    const envFlags = Object.entries(service.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    const paved = () => [
      join(root, 'bin/paved.js'),
      'run',
      '.github/workflows/build.yml',
      '--action-map',
      `paved/paved/actions/build@v1=${join(root, 'actions/build')}`,
      ...envFlags,
    ];
    const repo = join(work, `repo-${run}`);
    makeRepo(repo);
    const direct = join(work, `direct-${run}`);
    makeRepo(direct);
    results.direct.push(
      await timed('bash', ['-c', 'npm ci --no-audit --no-fund && npm run build'], direct, join(work, 'home')),
    );
    results.cold.push(await timed(process.execPath, paved(), repo, join(work, 'home')));
    results.warm.push(await timed(process.execPath, paved(), repo, join(work, 'home')));
    const saved = service.entries().filter((e) => e.finalized).length;
    await service.stop();
    if (saved !== 1) throw new Error(`expected the cold run to save one cache entry, found ${saved}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const best = (values: number[]) => Math.min(...values);
const direct = best(results.direct);
const cold = best(results.cold);
const warm = best(results.warm);
console.log(`npm fixture, best of ${RUNS} runs, fresh HOME each run`);
console.log('');
console.log('run                                  time       vs direct');
console.log(`direct: npm ci && npm run build   ${`${direct.toFixed(0)} ms`.padStart(9)}   1.00×`);
console.log(
  `paved run, cold cache             ${`${cold.toFixed(0)} ms`.padStart(9)}   ${(cold / direct).toFixed(2)}×`,
);
console.log(
  `paved run, warm cache             ${`${warm.toFixed(0)} ms`.padStart(9)}   ${(warm / direct).toFixed(2)}×`,
);
console.log('');
console.log(`cold / warm: ${(cold / warm).toFixed(2)}×`);
