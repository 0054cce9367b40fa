/**
 * The `--sandbox` GITHUB_TOKEN source against a real GitHub API stand-in: the token it mints can do what
 * the job's permissions allow and is refused (GitHub's 403) for the rest, and revoking it makes it a bad
 * credential (401).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pullRequestNumber, sandboxGitHubToken } from '../../../cli/sandbox-github-token.js';
import { resolvePermissions, defaultPermissions } from '../../../shared/github-permissions.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../../sandbox/github/server.js';
import type { StackState } from '../../../sandbox/stack.js';

let standIn: GitHubStandIn;
let state: StackState;

beforeAll(async () => {
  standIn = await startGitHubStandIn();
  state = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    dir: '/nonexistent',
    services: [
      { name: 'github', url: standIn.url, details: { api: standIn.url, 'admin-token': standIn.adminToken } },
    ],
  };
});
afterAll(() => standIn.stop());

async function call(
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: { message?: string } }> {
  const response = await fetch(`${standIn.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as { message?: string } };
}

describe('sandboxGitHubToken', () => {
  test('is undefined for a sandbox without the GitHub stand-in', () => {
    expect(sandboxGitHubToken({ ...state, services: [] })).toBeUndefined();
  });

  test("mints a token scoped to the job's permissions, refused beyond them, revoked at the end", async () => {
    const source = sandboxGitHubToken(state);
    expect(source).toBeDefined();
    const permissions = resolvePermissions(
      { contents: 'read', deployments: 'write' },
      defaultPermissions('restricted'),
    );
    const { token, revoke } = await source!({
      repository: 'acme/shop',
      workflow: 'ci',
      job: 'deploy',
      permissions,
    });
    const sha = 'c'.repeat(40);

    const created = await call(token, 'POST', '/repos/acme/shop/deployments', {
      ref: sha,
      environment: 'staging',
      auto_merge: false,
      required_contexts: [],
    });
    expect(created.status).toBe(201);

    const refused = await call(token, 'POST', `/repos/acme/shop/statuses/${sha}`, { state: 'success' });
    expect(refused).toEqual({
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: expect.stringContaining('docs.github.com/rest/commits/statuses'),
        status: '403',
      },
    });
    // Another repository is invisible to the token: 404, not 403.
    standIn.mintToken({ repository: 'acme/other', permissions: 'write-all' });
    expect((await call(token, 'GET', '/repos/acme/other/deployments')).status).toBe(404);

    await revoke?.();
    const afterRevoke = await call(token, 'GET', '/repos/acme/shop/deployments');
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body.message).toBe('Bad credentials');
    expect(standIn.violations()).toEqual([]);
  });
});

describe('pullRequestNumber: which pull request a sandbox run makes exist', () => {
  test.each([
    ['pull_request', { pull_request: { number: 7 } }, 7],
    ['pull_request_target', { number: 12, pull_request: {} }, 12],
    ['pull_request', undefined, 1],
    ['pull_request', { pull_request: { number: 'seven' } }, undefined],
    ['pull_request', { pull_request: { number: 0 } }, undefined],
    ['push', { pull_request: { number: 7 } }, undefined],
    [undefined, undefined, undefined],
  ] as const)('%s with %j: %s', (event, payload, expected) => {
    expect(pullRequestNumber(event, payload as Record<string, unknown> | undefined, 1)).toBe(expected);
  });
});
