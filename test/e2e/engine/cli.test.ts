import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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

  it('checks --activity against the event: an unknown type exits 2 naming the option and the types', () => {
    const repo = fixtureRepo('triggers');
    const bad = paved(repo, '.github/workflows/activity.yml', '--event', 'issues', '--activity', 'clossed');
    expect(bad.err).toMatch(
      /^paved run: --activity must be one of the issues activity types: opened, edited, .*, untyped; got "clossed"\n$/,
    );
    expect(bad.out).toBe('');
    expect(bad.code).toBe(2);
    const opened = paved(repo, '.github/workflows/activity.yml', '--event', 'issues');
    expect(opened.out).toBe(
      "skipped: the issues activity 'opened' is not in on.issues.types [closed]; use --force to run it anyway\n",
    );
    expect(opened.code).toBe(0);
    const closed = paved(repo, '.github/workflows/activity.yml', '--event', 'issues', '--activity', 'closed');
    expect(closed.out).toContain('event=issues action=closed');
    expect(closed.code).toBe(0);
  });

  it('says when uncommitted changes were part of the paths comparison', () => {
    const repo = fixtureRepo('triggers');
    writeFileSync(join(repo, 'guide.md'), '# guide\n');
    for (const args of [
      ['add', 'guide.md'],
      ['commit', '-q', '-m', 'guide'],
    ])
      expect(spawnSync('git', args, { cwd: repo }).status).toBe(0);
    writeFileSync(join(repo, 'notes.md'), 'not source\n');
    const r = paved(repo, '.github/workflows/paths.yml');
    expect(r.out).toBe(
      'skipped: none of the 2 changed files (HEAD~1..HEAD plus uncommitted changes) matches on.push.paths [src/**]; use --force to run it anyway\n',
    );
    expect(r.code).toBe(0);
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
