import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { getGitHubContext } from '../../../shared/github-context.js';

const dir = mkdtempSync(join(tmpdir(), 'paved-ctx-'));
const event = (name: string, payload: unknown): string => {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(payload));
  return path;
};
const base = {
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '42',
  GITHUB_ACTOR: 'ada',
};

describe('getGitHubContext', () => {
  test('push to a branch', () => {
    const ctx = getGitHubContext({
      ...base,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_SHA: 'a'.repeat(40),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_EVENT_PATH: event('push', { repository: { default_branch: 'main' } }),
    });
    expect(ctx).toMatchObject({
      repository: 'acme/shop',
      owner: 'acme',
      repo: 'shop',
      sha: 'a'.repeat(40),
      branch: 'main',
      tag: undefined,
      defaultBranch: 'main',
      actor: 'ada',
      runUrl: 'https://github.com/acme/shop/actions/runs/42',
    });
  });

  test('pull_request uses the PR head sha, not the merge commit', () => {
    const ctx = getGitHubContext({
      ...base,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_SHA: 'm'.repeat(40),
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_HEAD_REF: 'feature/x',
      GITHUB_EVENT_PATH: event('pr', {
        number: 7,
        pull_request: { number: 7, head: { sha: 'h'.repeat(40), ref: 'feature/x' } },
      }),
    });
    expect(ctx.sha).toBe('h'.repeat(40));
    expect(ctx.githubSha).toBe('m'.repeat(40));
    expect(ctx.branch).toBe('feature/x');
    expect(ctx.prNumber).toBe(7);
  });

  test('tag push', () => {
    const ctx = getGitHubContext({
      ...base,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: 'refs/tags/v1.2.3',
      GITHUB_SHA: 'b'.repeat(40),
    });
    expect(ctx.tag).toBe('v1.2.3');
    expect(ctx.branch).toBeUndefined();
  });

  test('re-run attempts link to the attempt', () => {
    expect(getGitHubContext({ ...base, GITHUB_RUN_ATTEMPT: '3' }).runUrl).toBe(
      'https://github.com/acme/shop/actions/runs/42/attempts/3',
    );
  });

  test('GHES server and API URLs', () => {
    const ctx = getGitHubContext({
      ...base,
      GITHUB_SERVER_URL: 'https://ghe.corp/',
      GITHUB_API_URL: 'https://ghe.corp/api/v3',
    });
    expect(ctx.runUrl).toBe('https://ghe.corp/acme/shop/actions/runs/42');
    expect(ctx.apiUrl).toBe('https://ghe.corp/api/v3');
  });

  test('missing event file is an empty payload; the repository can come from the payload', () => {
    expect(getGitHubContext({ GITHUB_EVENT_PATH: join(dir, 'absent.json') }).payload).toEqual({});
    expect(
      getGitHubContext({ GITHUB_EVENT_PATH: event('repo', { repository: { full_name: 'o/r' } }) }).repository,
    ).toBe('o/r');
  });
});
