/**
 * Talking to a running GitHub API stand-in's control routes from another process (the CLI, the demo, a
 * test): mint a job's token, revoke it when the job ends, make a pull request exist. Each call has a
 * timeout; the stand-in is local, so there is nothing to retry.
 */
import type { GitHubPermissions } from '../../shared/github-permissions.js';

export interface MintRequest {
  /** `owner/name` */
  repository: string;
  permissions: GitHubPermissions;
}

async function control(
  apiUrl: string,
  adminToken: string,
  method: string,
  path: string,
  body: unknown,
): Promise<unknown> {
  const response = await fetch(`${apiUrl.replace(/\/$/, '')}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(
      `the GitHub stand-in at ${apiUrl} answered ${response.status} to ${method} ${path}: ${text.trim() || response.statusText}`,
    );
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** A GITHUB_TOKEN for one job: it can do in `repository` what `permissions` allow, and nothing else. */
export async function mintGitHubToken(
  apiUrl: string,
  adminToken: string,
  request: MintRequest,
): Promise<{ token: string }> {
  const answer = (await control(apiUrl, adminToken, 'POST', '/_paved/tokens', request)) as {
    token?: unknown;
  };
  if (typeof answer.token !== 'string') throw new Error(`the GitHub stand-in at ${apiUrl} minted no token`);
  return { token: answer.token };
}

/** Revoke a token (GitHub revokes GITHUB_TOKEN when its job ends); later calls with it get 401. */
export async function revokeGitHubToken(apiUrl: string, adminToken: string, token: string): Promise<void> {
  await control(apiUrl, adminToken, 'DELETE', '/_paved/tokens', { token });
}

/** Make pull request `number` exist in `repository`, so a `pull_request` run can comment on it. */
export async function addGitHubPullRequest(
  apiUrl: string,
  adminToken: string,
  repository: string,
  number: number,
): Promise<void> {
  await control(apiUrl, adminToken, 'POST', `/_paved/repos/${repository}/pulls`, { number });
}
