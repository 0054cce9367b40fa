import { describe, expect, it } from 'vitest';
import { evaluateTrigger, isDeletePush, matchesPatterns, skipInstruction } from '../../../engine/triggers.js';
import { parseWorkflowText, WorkflowSyntaxError } from '../../../engine/workflow.js';

const none = () => ({ files: [], compared: 'HEAD~1..HEAD' });
const changed =
  (...files: string[]) =>
  () => ({ files, compared: 'HEAD~1..HEAD' });

describe('filter patterns (GitHub cheat sheet)', () => {
  it.each([
    ['feature/*', 'feature/my-branch', true],
    ['feature/*', 'feature/beta-a/my-branch', false],
    ['feature/**', 'feature/beta-a/my-branch', true],
    ['*', 'main', true],
    ['*', 'releases/v1', false],
    ['**', 'releases/v1', true],
    ['*feature', 'ver-10-feature', true],
    ['v2*', 'v2.0', true],
    ['v2*', 'v3', false],
    ['v[12].[0-9]+.[0-9]+', 'v1.10.1', true],
    ['v[12].[0-9]+.[0-9]+', 'v2.0.0', true],
    ['v[12].[0-9]+.[0-9]+', 'v3.0.0', false],
    ['v[12].[0-9]+.[0-9]+', 'v1x10x1', false],
    ['*.jsx?', 'page.js', true],
    ['*.jsx?', 'page.jsx', true],
    ['*.js', 'js/index.js', false],
    ['**.js', 'src/js/app.js', true],
    ['docs/*', 'docs/README.md', true],
    ['docs/**/*.md', 'docs/README.md', true],
    ['docs/**/*.md', 'docs/a/markdown/file.md', true],
    ['**/docs/**', 'docs/hello.md', true],
    ['**/docs/**', 'space/docs/plan/space.doc', true],
    ['**/README.md', 'README.md', true],
    ['**/*src/**', 'my-src/code/js/app.js', true],
    ['**/migrate-*.sql', 'db/migrate-v1.0.sql', true],
    ['octo\\*cat', 'octo*cat', true],
    ['octo\\*cat', 'octoXcat', false],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(matchesPatterns(name, [pattern])).toBe(expected);
  });

  it('lets the last matching pattern decide, so ! excludes and a later pattern includes again', () => {
    const patterns = ['*.md', '!README.md', 'README*'];
    expect(matchesPatterns('hello.md', patterns)).toBe(true);
    expect(matchesPatterns('README.md', patterns)).toBe(true);
    expect(matchesPatterns('README.doc', patterns)).toBe(true);
    expect(matchesPatterns('docs/hello.md', patterns)).toBe(false);
    expect(matchesPatterns('releases/10-alpha', ['releases/**', '!releases/**-alpha'])).toBe(false);
    expect(matchesPatterns('releases/10', ['releases/**', '!releases/**-alpha'])).toBe(true);
    expect(matchesPatterns('main', ['!main'])).toBe(false);
  });

  it('takes ? and + after a wildcard or another quantifier as the characters themselves', () => {
    // `?` and `+` quantify the character before them; a `*` or a quantifier is not one, so
    // `ma*+` is "ma, anything, then +" rather than a broken expression.
    expect(matchesPatterns('main+', ['ma*+'])).toBe(true);
    expect(matchesPatterns('main', ['ma*+'])).toBe(false);
    expect(matchesPatterns('a?', ['a??'])).toBe(true);
    expect(matchesPatterns('v1.2.3', ['v[12].[0-9]+.[0-9]+'])).toBe(true);
  });

  it('names a pattern that cannot be compiled', () => {
    expect(() => matchesPatterns('main', ['[z-a]'])).toThrow("the filter pattern '[z-a]' is not valid");
  });
});

describe('evaluateTrigger', () => {
  it('runs on any push without filters', () => {
    expect(evaluateTrigger('push', {}, {}, 'refs/heads/x', none)).toEqual({ run: true });
    expect(evaluateTrigger('push', undefined, {}, 'refs/tags/v1', none)).toEqual({ run: true });
  });

  it('skips tags when only branches are filtered, and branches when only tags are', () => {
    expect(evaluateTrigger('push', { branches: ['main'] }, {}, 'refs/tags/v1', none)).toEqual({
      run: false,
      reason: 'the push to refs/tags/v1 is a tag, and on.push filters branches only',
    });
    expect(evaluateTrigger('push', { tags: ['v*'] }, {}, 'refs/tags/v1', none)).toEqual({ run: true });
    expect(evaluateTrigger('push', { 'tags-ignore': ['v*'] }, {}, 'refs/tags/v1', none)).toEqual({
      run: false,
      reason: 'the push to refs/tags/v1 matches on.push.tags-ignore [v*]',
    });
  });

  it('checks branches-ignore', () => {
    expect(
      evaluateTrigger(
        'push',
        { 'branches-ignore': ['dependabot/**'] },
        {},
        'refs/heads/dependabot/npm/x',
        none,
      ),
    ).toEqual({
      run: false,
      reason: 'the push to refs/heads/dependabot/npm/x matches on.push.branches-ignore [dependabot/**]',
    });
  });

  it('needs one changed file in paths, and one outside paths-ignore', () => {
    expect(
      evaluateTrigger('push', { paths: ['src/**'] }, {}, 'refs/heads/main', changed('README.md', 'src/a.ts')),
    ).toEqual({ run: true });
    expect(
      evaluateTrigger(
        'push',
        { paths: ['src/**', '!src/**/*.md'] },
        {},
        'refs/heads/main',
        changed('src/a.md'),
      ),
    ).toEqual({
      run: false,
      reason: 'none of the 1 changed file (HEAD~1..HEAD) matches on.push.paths [src/**, !src/**/*.md]',
    });
    expect(
      evaluateTrigger(
        'push',
        { 'paths-ignore': ['docs/**'] },
        {},
        'refs/heads/main',
        changed('docs/a.md', 'docs/b.md'),
      ),
    ).toEqual({
      run: false,
      reason: 'every one of the 2 changed files (HEAD~1..HEAD) matches on.push.paths-ignore [docs/**]',
    });
    expect(
      evaluateTrigger(
        'push',
        { 'paths-ignore': ['docs/**'] },
        {},
        'refs/heads/main',
        changed('docs/a.md', 'x.ts'),
      ),
    ).toEqual({ run: true });
  });

  it('does not ask for changed files when no paths filter needs them', () => {
    const fail = () => {
      throw new Error('not needed');
    };
    expect(evaluateTrigger('push', { branches: ['main'] }, {}, 'refs/heads/main', fail)).toEqual({
      run: true,
    });
    expect(evaluateTrigger('push', { tags: ['v*'], paths: ['src/**'] }, {}, 'refs/tags/v1', fail)).toEqual({
      run: true,
    });
  });

  it("uses pull_request's default activity types and filters branches on the base", () => {
    const payload = (action: string) => ({ action, pull_request: { base: { ref: 'main' } } });
    expect(evaluateTrigger('pull_request', {}, payload('synchronize'), 'refs/pull/1/merge', none)).toEqual({
      run: true,
    });
    expect(evaluateTrigger('pull_request', {}, payload('closed'), 'refs/pull/1/merge', none)).toEqual({
      run: false,
      reason:
        "the pull_request activity 'closed' is not in on.pull_request.types [opened, synchronize, reopened] (GitHub's default)",
    });
    expect(
      evaluateTrigger(
        'pull_request_target',
        { branches: ['release/*'] },
        payload('opened'),
        'refs/heads/main',
        none,
      ),
    ).toEqual({
      run: false,
      reason: 'the pull request into main does not match on.pull_request_target.branches [release/*]',
    });
  });

  it('filters other events by activity type and workflow_run by workflow and branch', () => {
    expect(
      evaluateTrigger('issues', { types: ['opened'] }, { action: 'labeled' }, 'refs/heads/main', none),
    ).toMatchObject({ run: false });
    expect(evaluateTrigger('issues', {}, { action: 'labeled' }, 'refs/heads/main', none)).toEqual({
      run: true,
    });
    const run = { action: 'completed', workflow_run: { name: 'CI', head_branch: 'main' } };
    expect(
      evaluateTrigger(
        'workflow_run',
        { workflows: ['CI'], branches: ['main'] },
        run,
        'refs/heads/main',
        none,
      ),
    ).toEqual({ run: true });
    expect(evaluateTrigger('workflow_run', { workflows: ['Build'] }, run, 'refs/heads/main', none)).toEqual({
      run: false,
      reason: "the run of workflow 'CI' is not in on.workflow_run.workflows [Build]",
    });
  });

  it('compares paths with the first 300 changed files only, as GitHub does', () => {
    const docs = Array.from({ length: 300 }, (_, i) => `docs/${String(i).padStart(3, '0')}.md`);
    expect(
      evaluateTrigger('push', { paths: ['src/**'] }, {}, 'refs/heads/main', changed(...docs, 'src/a.ts')),
    ).toEqual({
      run: false,
      reason:
        'none of the first 300 of the 301 changed files (HEAD~1..HEAD; GitHub compares only the first 300) matches on.push.paths [src/**]',
    });
    expect(
      evaluateTrigger(
        'push',
        { 'paths-ignore': ['docs/**'] },
        {},
        'refs/heads/main',
        changed(...docs, 'src/a.ts'),
      ),
    ).toEqual({
      run: false,
      reason:
        'every one of the first 300 of the 301 changed files (HEAD~1..HEAD; GitHub compares only the first 300) matches on.push.paths-ignore [docs/**]',
    });
    expect(
      evaluateTrigger(
        'push',
        { paths: ['src/**'] },
        {},
        'refs/heads/main',
        changed(...docs.slice(1), 'src/a.ts'),
      ),
    ).toEqual({ run: true });
  });

  it('runs without evaluating paths when GitHub would not evaluate them, and says why', () => {
    const unfiltered = () => ({ files: [], compared: 'a..b', unfiltered: 'the push has 1001 commits' });
    expect(
      evaluateTrigger('pull_request', { paths: ['src/**'] }, {}, 'refs/pull/1/merge', unfiltered),
    ).toEqual({
      run: true,
      note: 'on.pull_request.paths not applied: the push has 1001 commits',
    });
  });

  it('asks for the event type of a repository_dispatch whose workflow declares types', () => {
    expect(
      evaluateTrigger('repository_dispatch', { types: ['deploy'] }, {}, 'refs/heads/main', none),
    ).toEqual({
      run: false,
      reason:
        'the repository_dispatch event has no event type (action) to match on.repository_dispatch.types [deploy]; pass --activity with one of them',
    });
    expect(evaluateTrigger('repository_dispatch', {}, {}, 'refs/heads/main', none)).toEqual({ run: true });
  });

  it('starts no push workflow for a push that deletes its branch or tag, whatever the filters', () => {
    const reason = (ref: string) =>
      `the push deletes ${ref}, and GitHub starts no push workflow for a deleted branch or tag (on: delete does run)`;
    expect(
      evaluateTrigger('push', {}, { ref: 'refs/heads/x', deleted: true }, 'refs/heads/main', none),
    ).toEqual({ run: false, reason: reason('refs/heads/x') });
    expect(
      evaluateTrigger(
        'push',
        { tags: ['v*'] },
        { ref: 'refs/tags/v1', after: '0'.repeat(40) },
        'refs/heads/main',
        none,
      ),
    ).toEqual({ run: false, reason: reason('refs/tags/v1') });
    expect(isDeletePush({ ref: 'refs/heads/x', after: 'a'.repeat(40), deleted: false })).toBe(false);
  });
});

describe('a filter and its -ignore form together are an invalid workflow', () => {
  // Workflow syntax, on.push.<branches|tags|branches-ignore|tags-ignore>: "You cannot use both the
  // branches and branches-ignore filters for the same event" (likewise tags, and paths/paths-ignore);
  // the same for pull_request, pull_request_target (branches, paths) and workflow_run (branches).
  // https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#onpushbranchestagsbranches-ignoretags-ignore
  const problems = async (on: string): Promise<string[]> => {
    try {
      await parseWorkflowText(
        'w.yml',
        `on:\n${on}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps: [{ run: echo }]\n`,
      );
    } catch (error) {
      if (error instanceof WorkflowSyntaxError) return error.problems;
      throw error;
    }
    return [];
  };

  it.each([
    ['push', 'branches'],
    ['push', 'tags'],
    ['push', 'paths'],
    ['pull_request', 'branches'],
    ['pull_request', 'paths'],
    ['pull_request_target', 'branches'],
    ['pull_request_target', 'paths'],
  ])('on.%s with %s and its -ignore form', async (event, filter) => {
    expect(await problems(`  ${event}:\n    ${filter}: [a]\n    ${filter}-ignore: [b]`)).toEqual([
      `w.yml:4:5: you may only define one of ${filter} and ${filter}-ignore for a single event`,
    ]);
  });

  it('on.workflow_run with branches and branches-ignore; each event is judged on its own', async () => {
    expect(
      await problems('  workflow_run:\n    workflows: [CI]\n    branches-ignore: [b]\n    branches: [a]'),
    ).toEqual(['w.yml:5:5: you may only define one of branches and branches-ignore for a single event']);
    expect(
      await problems(
        '  push:\n    branches: [a]\n    tags-ignore: [v*]\n    paths-ignore: [docs/**]\n  pull_request:\n    branches-ignore: [b]',
      ),
    ).toEqual([]);
  });
});

describe('skip instructions (Skipping workflow runs)', () => {
  // https://docs.github.com/en/actions/how-tos/manage-workflow-runs/skip-workflow-runs
  it.each([
    ['fix typo [skip ci]', '[skip ci]'],
    ['[ci skip] fix', '[ci skip]'],
    ['wip [no ci]', '[no ci]'],
    ['[skip actions]', '[skip actions]'],
    ['chore [actions skip]\n\nbody', '[actions skip]'],
    ['Update README\n\n\nskip-checks: true', "a 'skip-checks: true' trailer"],
    ['Update README\n\n\nskip-checks:true\n', "a 'skip-checks:true' trailer"],
    ['Update README\n\n\nSigned-off-by: A <a@b>\nskip-checks: true', "a 'skip-checks: true' trailer"],
    ['Update README\n\nskip-checks: true', undefined],
    ['Update README\n\n\nskip-checks: true\nSigned-off-by: A <a@b>', undefined],
    ['skip ci', undefined],
  ])('%j: %s', (message, expected) => {
    expect(skipInstruction(message)).toBe(expected);
  });

  it('applies to push and pull_request, not pull_request_target or a deleting push', () => {
    const message = () => 'docs [skip ci]';
    expect(evaluateTrigger('push', {}, {}, 'refs/heads/main', none, message).run).toBe(false);
    expect(evaluateTrigger('pull_request', {}, {}, 'refs/pull/1/merge', none, message).run).toBe(false);
    expect(evaluateTrigger('pull_request_target', {}, {}, 'refs/heads/main', none, message).run).toBe(true);
    const deleted = evaluateTrigger('push', {}, { deleted: true }, 'refs/heads/x', none, message);
    expect(deleted.run === false && deleted.reason).toMatch(/deletes/);
  });
});
