/**
 * Concurrency groups across separate `paved run` processes, and the CLI's trigger skip, approvals and
 * environment column: real processes of the CLI bundle.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRepo, removeFixtureRepos } from './helpers.js';
import { ensureCliBundle } from '../../support/cli-bundle.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'paved-concurrency-cli-'));
  // The CLI runs from its ncc bundle, rebuilt when the engine or the run command is newer.
  ensureCliBundle();
  // A cold build type-checks the whole project first, which takes minutes on a busy machine.
}, 600_000);
afterAll(() => {
  removeFixtureRepos();
  rmSync(work, { recursive: true, force: true });
});

interface Process {
  output(): string;
  exited: Promise<number | null>;
}

function start(cwd: string, label: string, ...args: string[]): Process {
  let output = '';
  const child = spawn(
    process.execPath,
    [
      join(root, 'bin', 'paved.js'),
      'run',
      ...args,
      '--env',
      `MARKER_DIR=${work}`,
      '--env',
      `RUN_LABEL=${label}`,
    ],
    {
      cwd,
      env: { ...process.env, GITHUB_OUTPUT: '', PAVED_STATE_DIR: join(work, 'state') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { output: () => output, exited: new Promise((resolve) => child.on('close', resolve)) };
}

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const release = (label: string): void => writeFileSync(join(work, `release-${label}`), '');

describe('concurrency across paved run processes', () => {
  it('cancel-in-progress cancels the running process, whose always() steps still run', async () => {
    const repo = fixtureRepo('features');
    const workflow = '.github/workflows/concurrency-cancel.yml';
    const first = start(repo, 'a', workflow);
    await until('the first run to start its step', () => existsSync(join(work, 'started-a')));
    const second = start(repo, 'b', workflow);
    expect(await first.exited).toBe(1);
    expect(first.output()).toContain(
      "Canceling since a higher priority waiting request for 'cancel-refs/heads/main' exists",
    );
    expect(first.output()).toMatch(/slow\s+cancelled/);
    expect(existsSync(join(work, 'always-a'))).toBe(true);
    await until('the second run to start its step', () => existsSync(join(work, 'started-b')));
    release('b');
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('Run success');
  }, 120_000);

  it('keeps one pending run per group: a newer one cancels the older pending one', async () => {
    const repo = fixtureRepo('features');
    const workflow = '.github/workflows/concurrency-queue.yml';
    const first = start(repo, 'qa', workflow);
    await until('the first run to start its step', () => existsSync(join(work, 'started-qa')));
    const second = start(repo, 'qb', workflow);
    await until('the second run to wait', () => second.output().includes("concurrency group 'queue'"));
    const third = start(repo, 'qc', workflow);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain("Canceling since a higher priority waiting request for 'queue' exists");
    expect(existsSync(join(work, 'started-qb'))).toBe(false);
    await until('the third run to wait', () => third.output().includes("concurrency group 'queue'"));
    expect(existsSync(join(work, 'started-qc'))).toBe(false);
    release('qa');
    expect(await first.exited).toBe(0);
    await until('the third run to start its step', () => existsSync(join(work, 'started-qc')));
    release('qc');
    expect(await third.exited).toBe(0);
  }, 120_000);

  it('cancels one workflow of a directory run; the others finish and each has its own line', async () => {
    const repo = fixtureRepo('concurrency-pair');
    const directory = start(repo, 'd', '.github/workflows');
    await until('both workflows of the directory run to start', () =>
      ['started-hold-d', 'started-other-d'].every((name) => existsSync(join(work, name))),
    );
    const newer = start(repo, 'e', '.github/workflows/hold.yml', '--event', 'push');
    await until('the newer run to start', () => existsSync(join(work, 'started-hold-e')));
    writeFileSync(join(work, 'release-other-d'), '');
    release('hold-e');
    expect(await directory.exited).toBe(1);
    const out = directory.output();
    expect(out).toContain(
      "Canceling since a higher priority waiting request for 'hold-refs/heads/main' exists",
    );
    expect(out).toMatch(/hold\.yml \/ slow\s+cancelled/);
    expect(out).toMatch(/other\.yml \/ wait\s+success/);
    expect(out).toMatch(/WORKFLOW\s+CONCLUSION\n\S*hold\.yml\s+cancelled\n\S*other\.yml\s+success/);
    expect(out).toContain('Run cancelled');
    expect(existsSync(join(work, 'always-hold-d'))).toBe(true);
    expect(await newer.exited).toBe(0);
  }, 120_000);
});

describe('paved run: triggers and environments', () => {
  it('says why a workflow would not start and exits 0; --force runs it', async () => {
    const repo = fixtureRepo('features');
    spawnSync('git', ['checkout', '-q', '-b', 'feature'], { cwd: repo });
    const skipped = start(repo, 'x', '.github/workflows/triggers.yml');
    expect(await skipped.exited).toBe(0);
    expect(skipped.output()).toContain(
      'skipped: the push to refs/heads/feature does not match on.push.branches [main, releases/**, !releases/**-alpha]; use --force to run it anyway',
    );
    expect(skipped.output()).not.toContain('built');
    const forced = start(repo, 'x', '.github/workflows/triggers.yml', '--force');
    expect(await forced.exited).toBe(0);
    expect(forced.output()).toContain('built refs/heads/feature');
  }, 60_000);

  it('reads environments from .github/paved.yml, needs --approve for a protected one, and shows the column', async () => {
    const repo = fixtureRepo('features');
    writeFileSync(
      join(repo, '.github', 'paved.yml'),
      [
        'environments:',
        '  staging:',
        '    vars: { REGION: eu-west-1 }',
        '    secrets:',
        '      DEPLOY_TOKEN: { env: STAGING_TOKEN_FOR_TEST }',
        '  production:',
        '    protected: true',
        '    url: https://prod.example.com',
        '    vars: { REGION: us-east-1 }',
        '',
      ].join('\n'),
    );
    process.env['STAGING_TOKEN_FOR_TEST'] = 'from-env-s3cr3t';
    try {
      const refused = start(repo, 'x', '.github/workflows/environments.yml');
      expect(await refused.exited).toBe(1);
      expect(refused.output()).toContain(
        "protected environment 'production' and was not approved; pass --approve production",
      );
      const approved = start(repo, 'x', '.github/workflows/environments.yml', '--approve', 'production');
      expect(await approved.exited).toBe(0);
      const out = approved.output();
      expect(out).toContain('token=***');
      expect(out).not.toContain('from-env-s3cr3t');
      expect(out).toMatch(/JOB\s+CONCLUSION\s+ENVIRONMENT\s+DURATION/);
      expect(out).toMatch(/deploy\s+success\s+staging\s+.*https:\/\/staging\.example\.com\/eu-west-1/);
      expect(out).toMatch(/prod\s+success\s+production\s+.*https:\/\/prod\.example\.com/);
    } finally {
      delete process.env['STAGING_TOKEN_FOR_TEST'];
    }
  }, 60_000);
});
