/**
 * `paved run` serves GitHub's Actions cache service from a local directory on every run: the build
 * action (the unmodified @actions/cache inside it) saves its dependency cache in the first run and
 * restores it, exactly, in the second — with nothing but `paved run` and a cache directory.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { command as run } from '../../../cli/commands/run.js';
import type { CliIo } from '../../../cli/command.js';

const root = resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'paved-run-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function git(cwd: string, ...args: string[]): void {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
}

function makeRepo(): string {
  const source = join(root, 'examples', 'sample-service');
  const repo = join(work, 'repo');
  cpSync(source, repo, {
    recursive: true,
    filter: (path) => !/(^|\/)node_modules$/.test(relative(source, path)),
  });
  mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
  writeFileSync(
    join(repo, '.github', 'workflows', 'build.yml'),
    `name: build
on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8
      - id: build
        uses: paved-dev/paved/actions/build@v0.1.0
      - run: echo "cache-hit=\${{ steps.build.outputs.cache-hit }}"
`,
  );
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'sample');
  return repo;
}

/** The CLI's I/O for one run: a fresh HOME (an empty ~/.npm, so only a restore can fill it), lines kept. */
function testIo(cwd: string, lines: string[], home = mkdtempSync(join(work, 'home-'))): CliIo {
  return {
    cwd,
    env: { ...process.env, HOME: home, ACTIONS_RESULTS_URL: undefined },
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    usageError: (message) => {
      lines.push(message);
      return 2;
    },
    interactive: false,
  };
}

async function runOnce(repo: string, cacheDir: string, home: string): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const io = testIo(repo, lines, home);
  const code = await run.run(
    ['.github/workflows/build.yml', '--action-map', `paved-dev/paved=${root}`, '--cache-dir', cacheDir],
    io,
  );
  return { code, out: lines.join('\n') };
}

test('the build action saves its cache in one run and restores it in the next', async () => {
  const repo = makeRepo();
  const cacheDir = join(work, 'cache');
  const first = await runOnce(repo, cacheDir, mkdtempSync(join(work, 'home-')));
  expect(first.out).toContain('cache-hit=false');
  expect(first.out).toMatch(/Saved .*\.npm.* as /);
  expect(first.code).toBe(0);
  // The entries live in the directory given, outside the repository.
  expect(existsSync(cacheDir)).toBe(true);
  expect(readdirSync(cacheDir).length).toBeGreaterThan(0);

  const second = await runOnce(repo, cacheDir, mkdtempSync(join(work, 'home-')));
  expect(second.code).toBe(0);
  expect(second.out).toContain('cache-hit=true');
  expect(second.out).toContain('was restored exactly; not saving it again');
}, 300_000);

test('--no-cache runs without a cache service: the build has nothing to restore from or save to', async () => {
  const repo = join(work, 'repo');
  const lines: string[] = [];
  const code = await run.run(
    ['.github/workflows/build.yml', '--action-map', `paved-dev/paved=${root}`, '--no-cache'],
    testIo(repo, lines),
  );
  expect(code).toBe(0);
  expect(lines.join('\n')).toContain('cache-hit=false');
  expect(lines.join('\n')).not.toContain('Saved ');
}, 300_000);

test('a cache service named with --env is used instead of the run starting its own', async () => {
  const { startCacheService } = await import('../../../sandbox/actions-cache/service.js');
  const service = await startCacheService({ dir: join(work, 'callers-cache') });
  try {
    const repo = existsSync(join(work, 'repo')) ? join(work, 'repo') : makeRepo();
    const ownDir = join(work, 'own-cache');
    const lines: string[] = [];
    const code = await run.run(
      [
        '.github/workflows/build.yml',
        '--action-map',
        `paved-dev/paved=${root}`,
        '--cache-dir',
        ownDir,
        ...Object.entries(service.env).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
      ],
      testIo(repo, lines),
    );
    expect(code, lines.join('\n')).toBe(0);
    expect(lines.join('\n')).toMatch(/Saved .*\.npm.* as /);
    expect(service.entries().filter((entry) => entry.finalized)).toHaveLength(1);
    expect(existsSync(ownDir)).toBe(false);
  } finally {
    await service.stop();
  }
}, 300_000);
