import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRepo, git, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('events', () => {
  it('derives github.ref and sha for a push from the local repository', async () => {
    const repo = fixtureRepo('events');
    const r = await run(repo, 'events.yml');
    expect(r.lines('show').slice(0, 2)).toEqual([
      'event=push ref=refs/heads/main ref_name=main head= base=',
      'env-ref=refs/heads/main sha-matches=true',
    ]);
  });

  it('takes a pull_request payload and sets head_ref, base_ref and the merge ref', async () => {
    const repo = fixtureRepo('events');
    const payload = {
      action: 'synchronize',
      number: 7,
      pull_request: {
        number: 7,
        title: 'Add widgets',
        head: { ref: 'feature/x', sha: 'a'.repeat(40) },
        base: { ref: 'main' },
      },
    };
    const r = await run(repo, 'events.yml', { eventName: 'pull_request', eventPayload: payload });
    expect(r.lines('show')).toEqual([
      'event=pull_request ref=refs/pull/7/merge ref_name=7/merge head=feature/x base=main',
      'env-ref=refs/pull/7/merge sha-matches=true',
      'payload-title=Add widgets event-file=synchronize',
    ]);
  });

  it("gives a synthetic schedule event the workflow's first cron as github.event.schedule", async () => {
    // "Events that trigger workflows", schedule: github.event.schedule is the cron string that
    // triggered the run. A local run stands for the first one; --eventpath chooses another.
    const repo = fixtureRepo('events');
    writeFileSync(
      join(repo, '.github', 'workflows', 'nightly.yml'),
      [
        'on:',
        '  schedule:',
        "    - cron: '30 5 * * 1-5'",
        "    - cron: '0 0 * * 6'",
        'jobs:',
        '  show:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: echo "schedule=${{ github.event.schedule }}"',
        '',
      ].join('\n'),
    );
    const synthetic = await run(repo, 'nightly.yml');
    expect(synthetic.lines('show')).toEqual(['schedule=30 5 * * 1-5']);
    const given = await run(repo, 'nightly.yml', { eventPayload: { schedule: '0 0 * * 6' } });
    expect(given.lines('show')).toEqual(['schedule=0 0 * * 6']);
  });
  it('takes github.ref and sha for events that do not run on the current branch from the event', async () => {
    // "Events that trigger workflows", GITHUB_SHA / GITHUB_REF of each event (act: SetRef, SetSha):
    // release → "Tag ref of release refs/tags/<tag_name>", "Last commit in the tagged release";
    // create → "Branch or tag created", "Last commit on the created branch or tag"; issue_comment,
    // schedule, … → "Default branch", "Last commit on default branch"; pull_request_target too on
    // GitHub.com (GitHub Enterprise Server before 3.20: the PR's base branch).
    const repo = fixtureRepo('events');
    writeFileSync(
      join(repo, '.github', 'workflows', 'refs.yml'),
      [
        'on: [release, create, issue_comment, schedule, pull_request_target, deployment]',
        'jobs:',
        '  show:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: echo "ref=${{ github.ref }} name=${{ github.ref_name }} type=${{ github.ref_type }} sha=${{ github.sha }} env=$GITHUB_REF,$GITHUB_REF_NAME,$GITHUB_REF_TYPE,$GITHUB_SHA"',
        '',
      ].join('\n'),
    );
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'refs workflow');
    const main = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'tag', '-a', '-m', 'release', 'v1.2.3');
    git(repo, 'branch', 'topic');
    git(repo, 'checkout', '-q', '-b', 'feature');
    git(repo, 'commit', '-q', '--allow-empty', '-m', 'on feature');
    const head = git(repo, 'rev-parse', 'HEAD');
    const line = (ref: string, name: string, type: string, sha: string): string =>
      `ref=${ref} name=${name} type=${type} sha=${sha} env=${ref},${name},${type},${sha}`;
    const repository = { name: 'widgets', full_name: 'acme/widgets', default_branch: 'main' };
    const show = async (eventName: string, eventPayload: Record<string, unknown>): Promise<string[]> =>
      (await run(repo, 'refs.yml', { eventName, eventPayload })).lines('show');

    expect(
      await show('release', { action: 'published', release: { tag_name: 'v1.2.3' }, repository }),
    ).toEqual([line('refs/tags/v1.2.3', 'v1.2.3', 'tag', main)]);
    // A tag that is not here: the local HEAD stands for its commit.
    expect(
      await show('release', { action: 'published', release: { tag_name: 'v9.0.0' }, repository }),
    ).toEqual([line('refs/tags/v9.0.0', 'v9.0.0', 'tag', head)]);
    expect(await show('create', { ref: 'v1.2.3', ref_type: 'tag', repository })).toEqual([
      line('refs/tags/v1.2.3', 'v1.2.3', 'tag', main),
    ]);
    expect(await show('create', { ref: 'topic', ref_type: 'branch', repository })).toEqual([
      line('refs/heads/topic', 'topic', 'branch', main),
    ]);
    expect(await show('issue_comment', { action: 'created', repository })).toEqual([
      line('refs/heads/main', 'main', 'branch', main),
    ]);
    expect(await show('schedule', { schedule: '0 0 * * *', repository })).toEqual([
      line('refs/heads/main', 'main', 'branch', main),
    ]);
    // A PR into another branch still runs pull_request_target on the default branch.
    const pr = {
      number: 3,
      head: { ref: 'feature', sha: head },
      base: { ref: 'topic', sha: 'c'.repeat(40) },
    };
    expect(await show('pull_request_target', { action: 'opened', pull_request: pr, repository })).toEqual([
      line('refs/heads/main', 'main', 'branch', main),
    ]);
    // deployment: "Branch or tag to be deployed", "Commit to be deployed".
    expect(
      await show('deployment', { deployment: { ref: 'topic', sha: 'd'.repeat(40) }, repository }),
    ).toEqual([line('refs/heads/topic', 'topic', 'branch', 'd'.repeat(40))]);
  });
  it('sets GITHUB_ACTOR_ID, GITHUB_REPOSITORY_ID and GITHUB_REPOSITORY_OWNER_ID to the github context ids', async () => {
    // "Store information in variables", Default environment variables: GITHUB_ACTOR_ID "The account ID
    // of the person or app that triggered the initial workflow run", GITHUB_REPOSITORY_ID and
    // GITHUB_REPOSITORY_OWNER_ID the repository's and its owner's ids — the same values as
    // github.actor_id, github.repository_id and github.repository_owner_id.
    const repo = fixtureRepo('events');
    writeFileSync(
      join(repo, '.github', 'workflows', 'ids.yml'),
      [
        'on: push',
        'jobs:',
        '  show:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: |',
        '          echo "ctx=${{ github.actor_id }},${{ github.repository_id }},${{ github.repository_owner_id }}"',
        '          echo "env=$GITHUB_ACTOR_ID,$GITHUB_REPOSITORY_ID,$GITHUB_REPOSITORY_OWNER_ID"',
        '',
      ].join('\n'),
    );
    const given = await run(repo, 'ids.yml', {
      eventPayload: {
        ref: 'refs/heads/main',
        repository: { id: 123, full_name: 'acme/widgets', owner: { login: 'acme', id: 456 } },
        sender: { login: 'octocat', id: 583231 },
      },
    });
    expect(given.lines('show')).toEqual(['ctx=583231,123,456', 'env=583231,123,456']);
    const [ctx, env] = (await run(repo, 'ids.yml')).lines('show');
    expect(env?.slice(4)).toBe(ctx?.slice(4));
    expect(env).not.toContain('0,0,0');
  });
  it("takes github.actor and triggering_actor from the payload's sender, whose id is actor_id", async () => {
    // github context: actor "The username of the user that triggered the initial workflow run",
    // actor_id "The account ID of the person or app that triggered the initial workflow run"; in a
    // webhook payload that account is `sender`.
    const repo = fixtureRepo('events');
    writeFileSync(
      join(repo, '.github', 'workflows', 'actor.yml'),
      [
        'on: push',
        'jobs:',
        '  show:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: echo "${{ github.actor }} ${{ github.triggering_actor }} ${{ github.actor_id }} $GITHUB_ACTOR $GITHUB_TRIGGERING_ACTOR"',
        '',
      ].join('\n'),
    );
    const given = await run(repo, 'actor.yml', {
      eventPayload: { ref: 'refs/heads/main', sender: { login: 'octocat', id: 583231 } },
    });
    expect(given.lines('show')).toEqual(['octocat octocat 583231 octocat octocat']);
    // Without a sender, the local user (GITHUB_ACTOR, else git's user.name) as before.
    const local = await run(repo, 'actor.yml', { eventPayload: { ref: 'refs/heads/main' } });
    expect(local.lines('show')[0]).toMatch(/^(\S+) \1 \d+ \1 \1$/);
    expect(local.lines('show')[0]).not.toContain('octocat');
  });
});
