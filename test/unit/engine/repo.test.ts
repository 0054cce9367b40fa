import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneTree, copyRepository, gitTopLevel, surveyRepository } from '../../../engine/repo.js';

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Octo Cat',
  GIT_AUTHOR_EMAIL: 'octo@example.com',
  GIT_COMMITTER_NAME: 'Octo Cat',
  GIT_COMMITTER_EMAIL: 'octo@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** What a user of the workspace sees through git: these must not depend on how the clone was made. */
function gitView(dir: string) {
  const tryGit = (...args: string[]) => {
    try {
      return git(dir, ...args);
    } catch {
      return '<fails>';
    }
  };
  return {
    status: tryGit('status', '--porcelain=v2', '--branch', '--untracked-files=all'),
    head: tryGit('rev-parse', 'HEAD'),
    branch: tryGit('symbolic-ref', '-q', 'HEAD'),
    upstream: tryGit('rev-parse', '--abbrev-ref', '@{upstream}'),
    describe: tryGit('describe', '--tags', '--always'),
    tagsAtHead: tryGit('tag', '--points-at', 'HEAD'),
    refs: tryGit('for-each-ref', '--format=%(objectname) %(objecttype) %(refname)'),
    originUrl: tryGit('remote', 'get-url', 'origin'),
    originHead: tryGit('symbolic-ref', '-q', 'refs/remotes/origin/HEAD'),
    log: tryGit('log', '--format=%H %s', '--all'),
    shallow: tryGit('rev-parse', '--is-shallow-repository'),
    fsck: tryGit('fsck', '--no-dangling', '--no-progress') === '' ? 'ok' : 'problems',
  };
}

let base: string;
beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'paved-repo-')));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A repository with two branches, an annotated and a light tag, a staged and an untracked change. */
function makeSource(name: string): string {
  const dir = join(base, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.name', 'Octo Cat');
  writeFileSync(join(dir, 'src', 'a.txt'), 'one\n');
  writeFileSync(join(dir, '.gitignore'), 'build/\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'first');
  git(dir, 'tag', '-a', 'v1.0.0', '-m', 'release 1.0.0');
  git(dir, 'switch', '-q', '-c', 'feature/x"q');
  writeFileSync(join(dir, 'src', 'b.txt'), 'feature\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'feature work');
  git(dir, 'switch', '-q', 'main');
  writeFileSync(join(dir, 'src', 'a.txt'), 'two\n');
  git(dir, 'commit', '-q', '-am', 'second');
  git(dir, 'tag', 'light');
  writeFileSync(join(dir, 'src', 'a.txt'), 'staged\n');
  git(dir, 'add', 'src/a.txt');
  writeFileSync(join(dir, 'notes.md'), 'untracked\n');
  mkdirSync(join(dir, 'build'));
  writeFileSync(join(dir, 'build', 'out.bin'), 'ignored\n');
  git(dir, 'remote', 'add', 'origin', 'https://github.com/octo-org/hello.git');
  return dir;
}

/** The same repository copied twice: by `git clone --local` (reference) and written directly. */
async function bothCopies(source: string, linkFiles = false): Promise<{ cloned: string; written: string }> {
  const survey = await surveyRepository(source, ENV, { listFiles: true });
  expect(survey.cloneSource).toBeDefined();
  const cloned = join(base, `${source.split('/').pop()}-cloned`);
  const written = join(base, `${source.split('/').pop()}-written`);
  await copyRepository(source, cloned, survey.files, survey.info);
  await copyRepository(source, written, survey.files, survey.info, survey.cloneSource, { linkFiles });
  return { cloned, written };
}

describe('surveyRepository', () => {
  it('reports HEAD, the branch, origin and the working tree files from one process', async () => {
    const source = makeSource('survey');
    const survey = await surveyRepository(source, ENV, { listFiles: true });
    expect(survey.info.sha).toBe(git(source, 'rev-parse', 'HEAD'));
    expect(survey.info.ref).toBe('refs/heads/main');
    expect(survey.info.originUrl).toBe('https://github.com/octo-org/hello.git');
    expect(survey.info.headMessage).toBe('second\n'); // the raw message, for [skip ci]
    expect(survey.files?.sort()).toEqual(['.gitignore', 'notes.md', 'src/a.txt']);
    expect(survey.cloneSource?.refs.map(([, name]) => name).sort()).toEqual([
      'refs/heads/feature/x"q',
      'refs/heads/main',
      'refs/tags/light',
      'refs/tags/v1.0.0',
    ]);
    const withoutFiles = await surveyRepository(source, ENV, { listFiles: false });
    expect(withoutFiles.files).toBeUndefined();
    expect(withoutFiles.info.sha).toBe(survey.info.sha);
  });

  it('takes the default branch from origin/HEAD, else main, else master, else the current branch', async () => {
    // GitHub's default branch is the repository's; a clone knows it as origin/HEAD. Without it, a
    // branch named main (local or origin's), else master, stands for it: a feature branch checked
    // out is not the default branch (a synthetic pull_request would go from it into itself).
    const source = makeSource('default-branch');
    git(source, 'reset', '-q', '--hard');
    git(source, 'switch', '-q', 'feature/x"q');
    const survey = async () => (await surveyRepository(source, ENV, { listFiles: false })).info.defaultBranch;
    expect(await survey()).toBe('main');
    git(source, 'branch', '-q', '-m', 'main', 'master');
    expect(await survey()).toBe('master');
    git(source, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    expect(await survey()).toBe('main'); // origin's main counts too, before a local master
    git(source, 'update-ref', 'refs/remotes/origin/trunk', 'HEAD');
    git(source, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/trunk');
    expect(await survey()).toBe('trunk');
    git(source, 'symbolic-ref', '-d', 'refs/remotes/origin/HEAD');
    git(source, 'update-ref', '-d', 'refs/remotes/origin/main');
    git(source, 'branch', '-q', '-D', 'master');
    expect(await survey()).toBe('feature/x"q');
    // The remote-tracking branches are not the clone's: it has the local branches and tags only.
    git(source, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    const full = await surveyRepository(source, ENV, { listFiles: true });
    expect(full.cloneSource?.refs.map(([, name]) => name).sort()).toEqual([
      'refs/heads/feature/x"q',
      'refs/tags/light',
      'refs/tags/v1.0.0',
    ]);
  });

  it('leaves the clone to git for a repository with extensions, and for one without commits', async () => {
    const extended = makeSource('extended');
    git(extended, 'config', 'extensions.worktreeConfig', 'true');
    expect((await surveyRepository(extended, ENV, { listFiles: true })).cloneSource).toBeUndefined();
    const empty = join(base, 'empty');
    mkdirSync(empty);
    git(empty, 'init', '-q', '-b', 'main');
    const survey = await surveyRepository(empty, ENV, { listFiles: true });
    expect(survey.cloneSource).toBeUndefined();
    expect(survey.info.sha).toBe('0000000000000000000000000000000000000000');
  });
});

describe('copyRepository', () => {
  it('writes a clone git sees exactly as it sees `git clone --local`', async () => {
    const { cloned, written } = await bothCopies(makeSource('same'));
    const view = gitView(written);
    expect(view).toEqual(gitView(cloned));
    // Spelled out, so that an equal breakage of both copies fails too.
    expect(view.upstream).toBe('origin/main');
    expect(view.describe).toBe('light');
    expect(git(written, 'describe', '--tags', 'HEAD~1')).toBe('v1.0.0');
    expect(git(written, 'cat-file', '-t', 'v1.0.0')).toBe('tag');
    expect(view.status).toContain('# branch.ab +0 -0');
    expect(view.status).toContain('M. N... 100644 100644 100644');
    expect(view.status).toContain('? notes.md');
    expect(view.status).not.toContain('build/');
    expect(view.originUrl).toBe('https://github.com/octo-org/hello.git');
    expect(view.fsck).toBe('ok');
    expect(readFileSync(join(written, 'src', 'a.txt'), 'utf8')).toBe('staged\n');
  });

  it('keeps a detached HEAD detached, and a shallow repository shallow', async () => {
    const source = makeSource('detached');
    git(source, 'commit', '-q', '-m', 'staged');
    git(source, 'switch', '-q', '--detach', 'HEAD~1');
    let copies = await bothCopies(source);
    expect(gitView(copies.written)).toEqual(gitView(copies.cloned));
    expect(gitView(copies.written).branch).toBe('<fails>');

    const shallow = join(base, 'shallow');
    git(base, 'clone', '-q', '--depth', '1', `file://${makeSource('deep')}`, shallow);
    copies = await bothCopies(shallow);
    const view = gitView(copies.written);
    expect(view.shallow).toBe('true');
    expect(view.log.split('\n')).toHaveLength(1);
    expect(view.fsck).toBe('ok');
  });

  it('gives each job copy its own git state: commits in one reach neither the source nor another copy', async () => {
    const source = makeSource('isolated');
    // Written as the run's template is: its files hard links to the user's.
    const { written } = await bothCopies(source, true);
    expect(statSync(join(written, 'src', 'a.txt')).ino).toBe(statSync(join(source, 'src', 'a.txt')).ino);
    const jobA = join(base, 'job-a');
    const jobB = join(base, 'job-b');
    await cloneTree(written, jobA);
    await cloneTree(written, jobB);
    appendFileSync(join(jobA, 'src', 'a.txt'), 'edited in place by job a\n');
    git(jobA, 'commit', '-q', '-am', 'in job a');
    git(jobA, 'tag', 'job-a');
    writeFileSync(join(jobA, '.git', 'objects', 'info', 'alternates'), '/nowhere\n', { flag: 'a' });
    expect(git(jobB, 'rev-parse', 'HEAD')).toBe(git(source, 'rev-parse', 'HEAD'));
    expect(git(jobB, 'tag', '--list', 'job-a')).toBe('');
    expect(git(source, 'tag', '--list', 'job-a')).toBe('');
    expect(readFileSync(join(jobB, '.git', 'objects', 'info', 'alternates'), 'utf8')).not.toContain(
      '/nowhere',
    );
    expect(gitView(jobB).fsck).toBe('ok');
    for (const dir of [source, written, jobB])
      expect(readFileSync(join(dir, 'src', 'a.txt'), 'utf8')).toBe('staged\n');
  });
});

describe('gitTopLevel', () => {
  it('finds the work tree above a directory, through symlinks, as git does', () => {
    const source = makeSource('top');
    const nested = join(source, 'src');
    expect(gitTopLevel(nested, ENV)).toBe(git(nested, 'rev-parse', '--show-toplevel'));
    const link = join(base, 'link-to-src');
    symlinkSync(nested, link);
    expect(gitTopLevel(link, ENV)).toBe(git(link, 'rev-parse', '--show-toplevel'));
    const worktree = join(base, 'linked-worktree');
    git(source, 'worktree', 'add', '-q', worktree, 'feature/x"q');
    expect(gitTopLevel(join(worktree, 'src'), ENV)).toBe(worktree);
    expect(gitTopLevel(join(base, 'missing'), ENV)).toBeUndefined();
  });
});
