import { describe, expect, it } from 'vitest';
import { hasActivityTypes, resolveActivity } from '../../../engine/activity-types.js';
import { refsFor, synthesizePayload } from '../../../engine/event-payload.js';
import type { RepoInfo } from '../../../engine/repo.js';

const repo: RepoInfo = {
  root: '/repo',
  isGit: true,
  sha: 'b'.repeat(40),
  ref: 'refs/heads/feature',
  branch: 'feature',
  owner: 'acme',
  name: 'widgets',
  defaultBranch: 'main',
  originUrl: undefined,
  indexPath: undefined,
  actor: 'dev',
};

describe('the activity a run stands for', () => {
  it.each([
    ['pull_request', 'opened'],
    ['pull_request_target', 'opened'],
    ['issues', 'opened'],
    ['issue_comment', 'created'],
    ['release', 'published'],
    ['workflow_run', 'completed'],
    ['merge_group', 'checks_requested'],
    ['push', undefined],
    ['workflow_dispatch', undefined],
    ['repository_dispatch', undefined],
  ])('a synthetic %s event stands for %s', (event, expected) => {
    expect(resolveActivity(event, undefined)).toBe(expected);
    const payload = synthesizePayload(event, repo, {}, resolveActivity(event, undefined));
    expect(payload['action']).toBe(expected);
  });

  it('accepts a type of the event and refuses others, naming the option, the value and the types', () => {
    expect(resolveActivity('pull_request', 'closed')).toBe('closed');
    expect(resolveActivity('repository_dispatch', 'deploy-eu')).toBe('deploy-eu');
    expect(() => resolveActivity('watch', 'stopped')).toThrow(
      '--activity must be one of the watch activity types: started; got "stopped"',
    );
    expect(() => resolveActivity('schedule', 'nightly')).toThrow(
      '--activity "nightly": the schedule event has no activity types; leave --activity out',
    );
    expect(() => resolveActivity('repository_dispatch', 'two words')).toThrow(
      '--activity must be a repository_dispatch event type (1 to 100 characters, no spaces); got "two words"',
    );
    expect(hasActivityTypes('check_suite')).toBe(true);
    expect(hasActivityTypes('push')).toBe(false);
  });

  it('gives a repository_dispatch payload its event type and a client_payload', () => {
    expect(synthesizePayload('repository_dispatch', repo, {}, 'deploy')).toMatchObject({
      action: 'deploy',
      client_payload: {},
    });
  });

  it('reverts ref and sha to the default branch for a push that deletes its ref', () => {
    const payload = { ref: 'refs/heads/feature', after: '0'.repeat(40), deleted: true };
    expect(refsFor('push', payload, repo, () => 'c'.repeat(40))).toEqual({
      ref: 'refs/heads/main',
      sha: 'c'.repeat(40),
      headRef: '',
      baseRef: '',
    });
    expect(refsFor('push', { ref: 'refs/heads/x', after: 'd'.repeat(40) }, repo).sha).toBe('d'.repeat(40));
  });
  it('gives a deployment made from a commit an empty ref and that commit ("Events that trigger workflows")', () => {
    // deployment: GITHUB_REF "Branch or tag to be deployed (empty if created with a commit SHA)",
    // GITHUB_SHA "Commit to be deployed".
    const sha = 'e'.repeat(40);
    expect(refsFor('deployment', { deployment: { ref: sha, sha } }, repo)).toMatchObject({ ref: '', sha });
    // pull_request_target runs on the default branch at its commit (GitHub.com); a synthetic payload
    // carries that commit as the base's sha.
    const base = 'b'.repeat(40);
    const payload = synthesizePayload('pull_request_target', repo, {}, 'opened', { baseSha: base });
    const commitOf = (ref: string): string | undefined =>
      ref === `refs/heads/${repo.defaultBranch}` ? base : undefined;
    expect(refsFor('pull_request_target', payload, repo, commitOf)).toMatchObject({
      ref: `refs/heads/${repo.defaultBranch}`,
      sha: base,
    });
  });
});
