/**
 * `on:` filters through runWorkflow against real git repositories: the activity a run stands for,
 * uncommitted changes in paths filters, GitHub's diff limits, and pushes that delete their ref.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRepo, git, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

function commitDocs(repo: string, name = 'guide.md'): void {
  mkdirSync(join(repo, 'docs'), { recursive: true });
  writeFileSync(join(repo, 'docs', name), `# ${name}\n`);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', `docs ${name}`);
}

/** Make main the default branch, as a clone of a GitHub repository has it (origin/HEAD -> origin/main). */
function cloneLike(repo: string): void {
  git(repo, 'update-ref', 'refs/remotes/origin/main', 'refs/heads/main');
  git(repo, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
}

describe('activity types', () => {
  it('gives a synthetic payload the activity it stands for, so types filters apply', async () => {
    const repo = fixtureRepo('triggers');
    const opened = await run(repo, 'activity.yml', { eventName: 'issues' });
    expect(opened.result.jobs).toEqual([]);
    expect(opened.result.skipped[0]?.reason).toBe(
      "the issues activity 'opened' is not in on.issues.types [closed]",
    );
    const closed = await run(repo, 'activity.yml', { eventName: 'issues', activity: 'closed' });
    expect(closed.lines('show')).toEqual(['event=issues action=closed']);
    // An event without declared types accepts every activity; the payload still has one.
    const release = await run(repo, 'activity.yml', { eventName: 'release' });
    expect(release.lines('show')).toEqual(['event=release action=published']);
  });

  it("applies pull_request's default types to a chosen activity, and overrides a given payload's", async () => {
    const repo = fixtureRepo('triggers');
    const closed = await run(repo, 'activity.yml', { eventName: 'pull_request', activity: 'closed' });
    expect(closed.result.skipped[0]?.reason).toBe(
      "the pull_request activity 'closed' is not in on.pull_request.types [opened, synchronize, reopened] (GitHub's default)",
    );
    const payload = { action: 'closed', number: 4, pull_request: { number: 4, base: { ref: 'main' } } };
    const reopened = await run(repo, 'activity.yml', {
      eventName: 'pull_request',
      eventPayload: payload,
      activity: 'reopened',
    });
    expect(reopened.lines('show')).toEqual(['event=pull_request action=reopened']);
  });

  it('takes any repository_dispatch event type, and filters it by the declared types', async () => {
    const repo = fixtureRepo('triggers');
    const deploy = await run(repo, 'activity.yml', { eventName: 'repository_dispatch', activity: 'deploy' });
    expect(deploy.lines('show')).toEqual(['event=repository_dispatch action=deploy']);
    const other = await run(repo, 'activity.yml', { eventName: 'repository_dispatch', activity: 'rebuild' });
    expect(other.result.skipped[0]?.reason).toBe(
      "the repository_dispatch activity 'rebuild' is not in on.repository_dispatch.types [deploy]",
    );
  });

  it('refuses an activity the event does not have, naming the option and the accepted types', async () => {
    const repo = fixtureRepo('triggers');
    await expect(run(repo, 'activity.yml', { eventName: 'release', activity: 'shipped' })).rejects.toThrow(
      '--activity must be one of the release activity types: published, unpublished, created, edited, deleted, prereleased, released; got "shipped"',
    );
    await expect(run(repo, 'any-push.yml', { activity: 'opened' })).rejects.toThrow(
      '--activity "opened": the push event has no activity types; leave --activity out',
    );
  });
});

describe('paths filters and the working tree', () => {
  it('counts staged, unstaged and untracked changes, but not ignored files', async () => {
    const repo = fixtureRepo('triggers');
    commitDocs(repo);
    const clean = await run(repo, 'paths.yml');
    expect(clean.result.skipped[0]?.reason).toBe(
      'none of the 1 changed file (HEAD~1..HEAD) matches on.push.paths [src/**]',
    );
    writeFileSync(join(repo, 'src', 'debug.log'), 'ignored\n');
    const ignored = await run(repo, 'paths.yml');
    expect(ignored.result.skipped[0]?.reason).toBe(
      'none of the 1 changed file (HEAD~1..HEAD) matches on.push.paths [src/**]',
    );
    writeFileSync(join(repo, 'src', 'new.js'), 'export const added = 1;\n');
    const untracked = await run(repo, 'paths.yml');
    expect(untracked.result.skipped).toEqual([]);
    expect(untracked.lines('build')).toEqual(['built push']);
    rmSync(join(repo, 'src', 'new.js'));
    writeFileSync(join(repo, 'src', 'app.js'), 'export const answer = 43;\n');
    git(repo, 'add', 'src/app.js');
    const staged = await run(repo, 'paths.yml');
    expect(staged.result.skipped).toEqual([]);
    git(repo, 'reset', '-q');
    const unstaged = await run(repo, 'paths.yml');
    expect(unstaged.result.skipped).toEqual([]);
    git(repo, 'checkout', '--', 'src/app.js');
    writeFileSync(join(repo, 'docs', 'more.md'), 'more\n');
    const docsOnly = await run(repo, 'paths.yml');
    expect(docsOnly.result.skipped[0]?.reason).toBe(
      'none of the 2 changed files (HEAD~1..HEAD plus uncommitted changes) matches on.push.paths [src/**]',
    );
  });

  it('adds uncommitted changes to a pull request whose head is the checked-out commit', async () => {
    const repo = fixtureRepo('triggers');
    cloneLike(repo);
    git(repo, 'checkout', '-q', '-b', 'feature');
    commitDocs(repo);
    const docs = await run(repo, 'paths.yml', { eventName: 'pull_request' });
    expect(docs.result.skipped[0]?.reason).toMatch(
      /^every one of the 1 changed file \(merge-base\(origin\/main, [0-9a-f]{40}\)\.\.[0-9a-f]{40}\) matches on\.pull_request\.paths-ignore \[docs\/\*\*\]$/,
    );
    writeFileSync(join(repo, 'notes.txt'), 'not docs\n');
    const dirty = await run(repo, 'paths.yml', { eventName: 'pull_request' });
    expect(dirty.result.skipped).toEqual([]);
    expect(dirty.lines('build')).toEqual(['built pull_request']);
  });
});

describe("GitHub's diff limits", () => {
  it('compares paths with the first 300 changed files only', async () => {
    const repo = fixtureRepo('triggers');
    mkdirSync(join(repo, 'docs'));
    for (let i = 0; i < 300; i++)
      writeFileSync(join(repo, 'docs', `page-${String(i).padStart(3, '0')}.md`), `${i}\n`);
    writeFileSync(join(repo, 'src', 'app.js'), 'export const answer = 43;\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', '300 docs and src/app.js, which sorts last');
    const r = await run(repo, 'paths.yml');
    expect(r.result.skipped[0]?.reason).toBe(
      'none of the first 300 of the 301 changed files (HEAD~1..HEAD; GitHub compares only the first 300) matches on.push.paths [src/**]',
    );
  });

  it('runs a push of more than 1,000 commits without evaluating paths', async () => {
    const repo = fixtureRepo('triggers');
    const first = git(repo, 'rev-parse', 'HEAD');
    // 1,001 docs-only commits, written by fast-import in one process.
    let stream = '';
    for (let i = 1; i <= 1001; i++) {
      stream += `commit refs/heads/main\ncommitter Test <test@example.com> ${1_700_000_000 + i} +0000\n`;
      stream += `data 4\nc${String(i).padStart(3, '0').slice(-3)}\n`;
      if (i === 1) stream += `from ${first}\n`;
      stream += `M 100644 inline docs/log.md\ndata ${String(i).length + 1}\n${i}\n\n`;
    }
    const imported = spawnSync('git', ['fast-import', '--quiet'], { cwd: repo, input: stream });
    expect(imported.status, imported.stderr?.toString()).toBe(0);
    git(repo, 'reset', '-q', '--hard');
    const after = git(repo, 'rev-parse', 'HEAD');
    const payload = { ref: 'refs/heads/main', before: first, after };
    const r = await run(repo, 'paths.yml', { eventPayload: payload });
    expect(r.result.skipped).toEqual([]);
    expect(r.lines('build')).toEqual(['built push']);
    expect(r.all).toContain(
      `on.push.paths not applied: the push has 1001 commits (${first.slice(0, 7)}..${after.slice(0, 7)}), and GitHub runs every push of more than 1,000 commits`,
    );
    // 1,000 commits are compared file by file: docs only, so that push does not start.
    const fewer = await run(repo, 'paths.yml', {
      eventPayload: { ...payload, before: git(repo, 'rev-parse', 'HEAD~1000') },
    });
    expect(fewer.result.skipped[0]?.reason).toMatch(/^none of the 1 changed file \(/);
  });
});

describe('pushes that delete their ref', () => {
  it('starts no push workflow, and --force runs it on the default branch', async () => {
    const repo = fixtureRepo('triggers');
    cloneLike(repo);
    const main = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '-q', '-b', 'feature');
    commitDocs(repo);
    const payload = {
      ref: 'refs/heads/feature',
      before: git(repo, 'rev-parse', 'HEAD'),
      after: '0'.repeat(40),
      deleted: true,
    };
    const deleted = await run(repo, 'any-push.yml', { eventPayload: payload });
    expect(deleted.result.jobs).toEqual([]);
    expect(deleted.result.skipped[0]?.reason).toBe(
      'the push deletes refs/heads/feature, and GitHub starts no push workflow for a deleted branch or tag (on: delete does run)',
    );
    const forced = await run(repo, 'any-push.yml', { eventPayload: payload, force: true });
    expect(forced.lines('show')).toEqual([`ref=refs/heads/main sha=${main}`]);
  });
});

describe('pushes that create a branch', () => {
  // "Git diff comparisons", Pushes to new branches: "A two-dot diff against the parent of the ancestor
  // of the deepest commit pushed." With the payload's commits, that is oldest listed commit's parent.
  // https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#git-diff-comparisons
  it('compares from the parent of the oldest pushed commit, not the last commit alone', async () => {
    const repo = fixtureRepo('triggers');
    const main = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '-q', '-b', 'feature');
    writeFileSync(join(repo, 'src', 'app.js'), 'export const answer = 43;\n');
    git(repo, 'commit', '-q', '-am', 'src change');
    const first = git(repo, 'rev-parse', 'HEAD');
    commitDocs(repo);
    const last = git(repo, 'rev-parse', 'HEAD');
    const payload = {
      ref: 'refs/heads/feature',
      before: '0'.repeat(40),
      after: last,
      created: true,
      commits: [{ id: first }, { id: last }],
    };
    const r = await run(repo, 'paths.yml', { eventPayload: payload });
    expect(r.result.skipped).toEqual([]);
    expect(r.lines('build')).toEqual(['built push']);
    // Only the docs commit was pushed: the same comparison, from its parent, finds no src change.
    const docsOnly = await run(repo, 'paths.yml', {
      eventPayload: { ...payload, commits: [{ id: last }] },
    });
    expect(docsOnly.result.skipped[0]?.reason).toBe(
      `none of the 1 changed file (new branch: ${first.slice(0, 7)}..${last.slice(0, 7)}) matches on.push.paths [src/**]`,
    );
    expect(main).not.toBe(first);
  });
});

describe('skip instructions in the commit message', () => {
  // "Skipping workflow runs": "Workflows that would otherwise be triggered using on: push or
  // on: pull_request won't be triggered if you add any of the following strings to the commit message
  // in a push, or the HEAD commit of a pull request: [skip ci] [ci skip] [no ci] [skip actions]
  // [actions skip]", or a skip-checks trailer after two empty lines; "Skip instructions only apply to
  // the push and pull_request events".
  // https://docs.github.com/en/actions/how-tos/manage-workflow-runs/skip-workflow-runs
  it('skips a synthetic push or pull_request whose HEAD commit says [skip ci], and --force runs it', async () => {
    const repo = fixtureRepo('triggers');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'docs tweak [skip ci]');
    const push = await run(repo, 'any-push.yml');
    expect(push.result.jobs).toEqual([]);
    expect(push.result.exitCode).toBe(0);
    expect(push.result.skipped[0]?.reason).toBe(
      "the pushed commit's message has '[skip ci]', and GitHub starts no push workflow for it",
    );
    const forced = await run(repo, 'any-push.yml', { force: true });
    expect(forced.lines('show')).toHaveLength(1);
    const pr = await run(repo, 'activity.yml', { eventName: 'pull_request' });
    expect(pr.result.skipped[0]?.reason).toBe(
      "the pull request's head commit's message has '[skip ci]', and GitHub starts no pull_request workflow for it",
    );
    // Other events run whatever the message says.
    const release = await run(repo, 'activity.yml', { eventName: 'release' });
    expect(release.lines('show')).toEqual(['event=release action=published']);
  });

  it("reads a push payload's head_commit.message, and a skip-checks trailer after two empty lines", async () => {
    const repo = fixtureRepo('triggers');
    const sha = git(repo, 'rev-parse', 'HEAD');
    const push = (message: string) =>
      run(repo, 'any-push.yml', {
        eventPayload: { ref: 'refs/heads/main', after: sha, head_commit: { id: sha, message } },
      });
    expect((await push('Update README\n\n\nskip-checks: true')).result.skipped[0]?.reason).toBe(
      "the pushed commit's message has a 'skip-checks: true' trailer, and GitHub starts no push workflow for it",
    );
    expect((await push('Release [actions skip]')).result.skipped).toHaveLength(1);
    // One empty line is not enough, and the fixture commit's own message ('fixture') does not count.
    expect((await push('Update README\n\nskip-checks: true')).lines('show')).toHaveLength(1);
  });
});
