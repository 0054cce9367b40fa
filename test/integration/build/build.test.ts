/**
 * The build action on real fixture projects, built for real (npm; pnpm and yarn through corepack; Python;
 * Rust; Go), with the dependency cache going through the unmodified @actions/cache client to Paved's
 * local cache service: a first build saves, a second build in a fresh checkout and a fresh HOME restores.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCacheService, type CacheService } from '../../../sandbox/actions-cache/service.js';
import { requireCommand } from '../../../sandbox/process.js';
import { readOutputFile, runnerInputEnv } from '../../support/runner-io.js';
import { hashKeyFiles } from '../../../actions/build/src/cache.js';
import { planBuild } from '../../../actions/build/src/detect.js';
import { projectFiles } from '../../../actions/build/src/main.js';

const repo = join(import.meta.dirname, '../../..');
const fixtures = join(repo, 'test/fixtures/build');
let root: string;
let service: CacheService;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'paved-build-'));
  service = await startCacheService({ dir: join(root, 'cache-service') });
});
afterAll(async () => {
  await service.stop();
  rmSync(root, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): void {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Paved',
      GIT_AUTHOR_EMAIL: 'paved@example.com',
      GIT_COMMITTER_NAME: 'Paved',
      GIT_COMMITTER_EMAIL: 'paved@example.com',
    },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
}

/** A fresh checkout of a fixture in its own workspace, committed (and tagged when asked). */
function checkout(fixture: string, tag?: string, at?: string): string {
  // GitHub checks out to the same path on every run; a warm-cache run reuses `at` after wiping it.
  if (at) rmSync(at, { recursive: true, force: true });
  const workspace = at ?? mkdtempSync(join(root, `${fixture}-`));
  mkdirSync(workspace, { recursive: true });
  cpSync(join(fixtures, fixture), workspace, { recursive: true });
  git(workspace, 'init', '-q', '-b', 'main');
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-q', '-m', 'fixture');
  if (tag) git(workspace, 'tag', tag);
  return workspace;
}

interface BuildRun {
  status: number | null;
  log: string;
  outputs: Record<string, string>;
  errors: string[];
  notices: string[];
}

/** Asynchronous on purpose: the cache service runs in this process and must keep answering meanwhile. */
async function runBuild(
  workspace: string,
  inputs: Record<string, string> = {},
  options: { cache?: boolean; home?: string; path?: string } = {},
): Promise<BuildRun> {
  const outputFile = join(workspace, '..', `${workspace.split('/').pop()}.output`);
  writeFileSync(outputFile, '');
  // A fresh runner: an empty HOME, at the same path each time (cache versions include the paths).
  const home = options.home ?? mkdtempSync(join(root, 'home-'));
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  // The machine's own settings (CA certificates, proxies) pass through; nothing of a runner does.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(INPUT_|GITHUB_|ACTIONS_|RUNNER_|COREPACK_|npm_|VITEST|CARGO_|GO)/i.test(name),
    ),
  ) as Record<string, string>;
  const env: Record<string, string> = {
    ...inherited,
    HOME: home,
    // Toolchains installed for the real user stay usable with a throwaway HOME.
    RUSTUP_HOME: process.env['RUSTUP_HOME'] ?? join(homedir(), '.rustup'),
    CARGO_HOME: join(home, '.cargo'),
    GOFLAGS: '-modcacherw',
    COREPACK_HOME: join(root, 'corepack'),
    // This sandbox's npm registry mirror serves metadata without signatures, and repo.yarnpkg.com is not
    // reachable: corepack is told to fetch from the npm registry and not to check signatures.
    COREPACK_INTEGRITY_KEYS: '0',
    COREPACK_NPM_REGISTRY: 'https://registry.npmjs.org',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    RUNNER_TEMP: join(home, 'runner-temp'),
    RUNNER_OS: 'Linux',
    PATH: options.path ? `${options.path}:${process.env['PATH'] ?? ''}` : (process.env['PATH'] ?? ''),
    ...(options.cache === false ? {} : service.env),
  };
  Object.assign(env, runnerInputEnv(join(repo, 'actions/build'), inputs));
  const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(
        process.execPath,
        [join(repo, 'node_modules/tsx/dist/cli.mjs'), join(repo, 'actions/build/src/index.ts')],
        { cwd: workspace, env },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    },
  );
  const outputs = readOutputFile(readFileSync(outputFile, 'utf8'));
  const lines = result.stdout.split('\n');
  return {
    status: result.status,
    log: result.stdout + result.stderr,
    outputs,
    errors: lines.filter((l) => l.startsWith('::error')),
    notices: lines.filter((l) => l.startsWith('::notice')),
  };
}

describe('real builds with a cold then warm dependency cache', () => {
  test.each([
    ['npm', 'node', 'npm', '1.4.0-'],
    ['pnpm', 'node', 'pnpm', '2.0.1-'],
    ['yarn-classic', 'node', 'yarn', '0.3.0-'],
    ['yarn-berry', 'node', 'yarn-berry', '5.1.0-'],
  ])('%s', async (fixture, toolchain, packageManager, versionPrefix) => {
    const home = join(root, `home-${fixture}`);
    const workspace = checkout(fixture);
    const first = await runBuild(workspace, {}, { home });
    expect(first.errors, first.log).toEqual([]);
    expect(first.status, first.log).toBe(0);
    expect(first.outputs).toMatchObject({
      toolchain,
      'package-manager': packageManager,
      'cache-hit': 'false',
    });
    expect(first.outputs['version']).toMatch(
      new RegExp(`^${versionPrefix.replace(/\./g, '\\.')}[0-9a-f]{7}$`),
    );
    expect(Number(first.outputs['duration-ms'])).toBeGreaterThan(0);
    expect(first.outputs['cache-key'], first.log).toMatch(
      new RegExp(`^Linux-${packageManager}-[0-9a-f]{64}$`),
    );
    expect(service.entries().some((e) => e.key === first.outputs['cache-key'] && e.finalized)).toBe(true);

    const again = checkout(fixture, undefined, workspace);
    const second = await runBuild(again, {}, { home });
    expect(second.status, second.log).toBe(0);
    expect(second.outputs).toMatchObject({ 'cache-hit': 'true', 'cache-key': first.outputs['cache-key'] });
    expect(second.log).toContain(`Cache hit for: ${first.outputs['cache-key']}`);
    expect(readFileSync(join(again, 'dist/out.txt'), 'utf8')).toBe('built in 2s\n');
  });

  test('python (Debian python3, pip into .venv), version from a v-tag', async () => {
    requireCommand('/usr/bin/python3', 'python3-venv');
    const workspace = checkout('python', 'v3.2.1');
    const run = await runBuild(workspace);
    expect(run.status, run.log).toBe(0);
    expect(run.outputs).toMatchObject({ toolchain: 'python', 'package-manager': 'pip', version: '3.2.1' });
    expect(existsSync(join(workspace, '.venv/bin/python'))).toBe(true);
    expect(existsSync(join(workspace, 'app/__pycache__'))).toBe(true);
  });

  test('rust (cargo), cached registry and target', async () => {
    requireCommand('cargo', 'cargo');
    const home = join(root, 'home-rust');
    const workspace = checkout('rust');
    const first = await runBuild(workspace, {}, { home });
    expect(first.status, first.log).toBe(0);
    expect(first.outputs).toMatchObject({
      toolchain: 'cargo',
      'package-manager': 'cargo',
      'cache-hit': 'false',
    });
    expect(first.outputs['version']).toMatch(/^0\.7\.2-[0-9a-f]{7}$/);
    const again = checkout('rust', undefined, workspace);
    const second = await runBuild(again, {}, { home });
    expect(second.outputs['cache-hit'], first.log + second.log).toBe('true');
    expect(existsSync(join(again, 'target/release/fixture-rust'))).toBe(true);
  });

  test('go with no external modules', async () => {
    requireCommand('go', 'golang-go');
    const run = await runBuild(checkout('go'));
    expect(run.status, run.log).toBe(0);
    expect(run.outputs).toMatchObject({ toolchain: 'go', 'package-manager': 'go', 'cache-hit': 'false' });
    expect(run.outputs['version']).toMatch(/^0\.0\.0-[0-9a-f]{7}$/);
  });
});

describe('Maven and Gradle (their plugins cannot be fetched here): the exact commands the action runs', () => {
  /** A stand-in executable that records its arguments, one run per line. */
  function recorder(dir: string, name: string): string {
    const log = join(dir, `${name}.calls`);
    writeFileSync(join(dir, name), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\n`, { mode: 0o755 });
    return log;
  }

  test('maven: dependency:go-offline, then package without tests; version from the pom', async () => {
    const workspace = checkout('maven');
    const bin = mkdtempSync(join(root, 'bin-'));
    const calls = recorder(bin, 'mvn');
    const run = await runBuild(workspace, { cache: 'false' }, { path: bin });
    expect(run.status, run.log).toBe(0);
    expect(readFileSync(calls, 'utf8').split('\n').filter(Boolean)).toEqual([
      '--batch-mode --no-transfer-progress dependency:go-offline',
      '--batch-mode --no-transfer-progress package -DskipTests',
    ]);
    expect(run.outputs).toMatchObject({ toolchain: 'maven', 'package-manager': 'maven' });
    expect(run.outputs['version']).toMatch(/^2\.4\.0-[0-9a-f]{7}$/);
  });

  test('gradle: the project wrapper (./gradlew assemble); version from gradle.properties', async () => {
    const workspace = checkout('gradle');
    const calls = recorder(workspace, 'gradlew');
    const run = await runBuild(workspace, { cache: 'false' });
    expect(run.status, run.log).toBe(0);
    expect(readFileSync(calls, 'utf8').split('\n').filter(Boolean)).toEqual([
      'assemble --no-daemon --console=plain',
    ]);
    expect(run.outputs).toMatchObject({ toolchain: 'gradle', 'package-manager': 'gradle' });
    expect(run.outputs['version']).toMatch(/^1\.9\.0-[0-9a-f]{7}$/);
  });
});

describe('cache edge cases', () => {
  test('no cache service: one notice, and the build still runs', async () => {
    const run = await runBuild(checkout('go'), {}, { cache: false });
    expect(run.status, run.log).toBe(0);
    expect(run.notices).toEqual([
      '::notice::Building without a dependency cache: no cache service is configured for this run (ACTIONS_RESULTS_URL/ACTIONS_CACHE_URL is not set).',
    ]);
    expect(run.log).not.toMatch(/::warning/);
  });

  test('cache: false skips the cache without a notice', async () => {
    const run = await runBuild(checkout('go'), { cache: 'false' });
    expect(run.status).toBe(0);
    expect(run.notices).toEqual([]);
    expect(run.outputs['cache-key']).toBe('');
  });

  test('a failing build still saves the cache (save-on-failure), and not when it is off', async () => {
    const workspace = checkout('yarn-classic');
    writeFileSync(join(workspace, 'build.cjs'), 'process.exit(7)\n');
    // Different lockfile bytes give a key of their own.
    writeFileSync(
      join(workspace, 'yarn.lock'),
      `${readFileSync(join(workspace, 'yarn.lock'), 'utf8')}\n# failing variant\n`,
    );
    const home = join(root, 'home-failing');
    const off = await runBuild(workspace, { 'save-on-failure': 'false' }, { home });
    expect(off.status).toBe(1);
    expect(service.entries().some((e) => e.key === off.outputs['cache-key'])).toBe(false);
    const on = await runBuild(workspace, {}, { home });
    expect(on.status).toBe(1);
    expect(on.errors, on.log).toEqual([
      `::error::Build failed: corepack yarn run build exited with code 7 (see the "Build" log group above)`,
    ]);
    expect(service.entries().some((e) => e.key === on.outputs['cache-key'] && e.finalized)).toBe(true);
  });

  test("the key hash equals hashFiles() as GitHub computes it (sha256 over each file's sha256)", async () => {
    const workspace = checkout('npm');
    const plan = planBuild(projectFiles(workspace), 'auto', workspace);
    const expected = createHash('sha256')
      .update(
        createHash('sha256')
          .update(readFileSync(join(workspace, 'package-lock.json')))
          .digest(),
      )
      .digest('hex');
    expect(await hashKeyFiles(plan, workspace, workspace)).toBe(expected);
    // From a subfolder of the workspace (monorepo), the same file gives the same hash.
    const mono = mkdtempSync(join(root, 'mono-'));
    mkdirSync(join(mono, 'services'), { recursive: true });
    cpSync(workspace, join(mono, 'services/web'), { recursive: true });
    expect(await hashKeyFiles(plan, join(mono, 'services/web'), mono)).toBe(expected);
  });
});

describe('bad input: one ::error::, exit 1, nothing run', () => {
  test.each([
    [
      { toolchain: 'bazel' },
      `::error::Input 'toolchain' must be one of 'auto', 'npm', 'pnpm', 'yarn', 'go', 'python', 'maven', 'gradle', 'cargo'; got "bazel"`,
    ],
    [
      { 'build-command': 'npm ci && npm run build' },
      /^::error::Input 'build-command' is run without a shell, so the shell operator "&&" would not work/,
    ],
    [
      { 'working-directory': '../elsewhere' },
      `::error::Input 'working-directory' must be a folder inside the workspace, like "services/api"; got "../elsewhere"`,
    ],
    [
      { 'working-directory': 'missing' },
      `::error::Input 'working-directory' must be an existing folder in the workspace; got "missing"`,
    ],
    [
      { toolchain: 'cargo' },
      /^::error::Input 'toolchain' is "cargo" but none of Cargo.toml is in the working directory; found: go$/,
    ],
    [{ cache: 'maybe' }, `::error::Input 'cache' must be true or false; got "maybe"`],
  ])('%j', async (inputs, error) => {
    const run = await runBuild(checkout('go'), inputs, { cache: false });
    expect(run.status).toBe(1);
    expect(run.errors).toHaveLength(1);
    if (typeof error === 'string') expect(run.errors[0]).toBe(error);
    else expect(run.errors[0]).toMatch(error);
    expect(run.log).not.toContain('go build');
  });

  test('an unknown layout names every file that was looked for', async () => {
    const workspace = mkdtempSync(join(root, 'empty-'));
    writeFileSync(join(workspace, 'README.md'), '# nothing to build\n');
    const run = await runBuild(workspace, {}, { cache: false });
    expect(run.status).toBe(1);
    expect(run.errors).toEqual([
      `::error::Could not tell how to build ${workspace}: none of package.json, go.mod, Cargo.toml, pyproject.toml, requirements.txt, pom.xml, build.gradle, build.gradle.kts, settings.gradle, settings.gradle.kts is there. Set 'working-directory' to the project's folder, or 'toolchain' (and 'install-command'/'build-command') to build it anyway.`,
    ]);
  });
});
