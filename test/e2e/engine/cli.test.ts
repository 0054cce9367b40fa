import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRepo, removeFixtureRepos } from './helpers.js';
import { ensureCliBundle } from '../../support/cli-bundle.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

beforeAll(() => {
  // The CLI runs from its ncc bundle, rebuilt when the engine or the run command is newer.
  ensureCliBundle();
}, 600_000);
afterAll(removeFixtureRepos);

function paved(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'paved.js'), 'run', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_OUTPUT: '' },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('paved run (CLI bundle)', () => {
  it('prints prefixed live lines, the job table and exits 0 on success', () => {
    const repo = fixtureRepo('basics');
    const r = paved(repo);
    expect(r.err).toBe('');
    expect(r.out).toContain(
      '[first] Run echo "hello from $WF on $RUNNER_OS" | hello from workflow-level on Linux',
    );
    expect(r.out).toMatch(/^JOB\s+CONCLUSION\s+DURATION$/m);
    expect(r.out).toMatch(/^second\s+success\s+\d/m);
    expect(r.code).toBe(0);
  });

  it('exits 1 when a job fails and lists annotations; masks secrets given by flag', () => {
    const repo = fixtureRepo('workflow-commands');
    const r = paved(repo, '.github/workflows/commands.yml', '--secret', 'API_KEY=s3cr3t-api-key');
    expect(r.out).toContain('Annotations:');
    expect(r.out).toContain('secret from context: ***');
    expect(r.out).not.toContain('s3cr3t-api-key');
    expect(r.code).toBe(0);
    const failing = paved(fixtureRepo('status'), '--job', 'fails');
    expect(failing.out).toMatch(/^fails\s+failure/m);
    expect(failing.out).toContain('Error: Process completed with exit code 4.');
    expect(failing.code).toBe(1);
  });

  it.each([
    [['missing.yml'], /^paved run: missing\.yml: no such file or directory\n$/],
    [
      ['.github/workflows/dispatch.yml', '--job', 'nope'],
      /^paved run: --job 'nope' is not a job in .*dispatch\.yml; jobs: go\n$/,
    ],
    [['--input', 'novalue'], /^paved run: --input must be KEY=VALUE; got "novalue"\n$/],
    [['--jobs', '0'], /^paved run: --jobs must be a positive whole number; got "0"\n$/],
    [
      ['.github/workflows/unknown-action.yml'],
      /^paved run: .*'uses: someone\/unmapped-action@v3' is a remote action.*--action-map someone\/unmapped-action@v3=DIR\n$/,
    ],
    [
      ['.github/workflows/cycle.yml'],
      /cycle\.yml:\d+:\d+: Job '\w' depends on job '\w' which creates a cycle in the dependency graph\.\n$/,
    ],
    [['.github/workflows/schema.yml'], /schema\.yml:7:9: Unexpected value 'with'\n$/],
  ])('bad input %j: one line on stderr, exit 2, nothing run', (args, message) => {
    const repo = fixtureRepo('bad-input');
    const r = paved(repo, ...args);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
    expect(r.code).toBe(2);
  });

  it('lists workflows and does a dry run without running', () => {
    const repo = fixtureRepo('basics');
    const list = paved(repo, '--list');
    expect(list.out).toContain('first');
    expect(list.code).toBe(0);
    const dry = paved(repo, '--dry-run');
    expect(dry.out).toContain('[second] would run 1 step(s) after first');
    expect(dry.out).not.toContain('hello from');
    expect(dry.code).toBe(0);
  });
});
