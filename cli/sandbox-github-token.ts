/**
 * `paved run --sandbox`'s GITHUB_TOKEN: one token per job, minted by the sandbox's GitHub API stand-in
 * with exactly the job's effective `permissions` (so a call the workflow did not ask for is refused with
 * GitHub's 403), and revoked when the job ends, as GitHub revokes its own.
 *
 * The engine calls this through `RunOptions.githubToken`; this file only turns a sandbox's state into
 * that callback, so the wiring in cli/commands/run.ts is one line.
 */
import type { GitHubPermissions } from '../shared/github-permissions.js';
import { addGitHubPullRequest, mintGitHubToken, revokeGitHubToken } from '../sandbox/github/client.js';
import type { StackState } from '../sandbox/stack.js';

export interface GitHubTokenRequest {
  /** `owner/name` of the repository the run is for. */
  repository: string;
  workflow: string;
  job: string;
  permissions: GitHubPermissions;
}

export type GitHubTokenSource = (
  request: GitHubTokenRequest,
) => Promise<{ token: string; revoke?: () => Promise<void> }>;

/**
 * The pull request a run is for: `pull_request.number` (or `number`) of the payload given with
 * `--eventpath`, or the engine's synthetic one when a `pull_request`/`pull_request_target` run has none.
 */
export function pullRequestNumber(
  eventName: string | undefined,
  payload: Record<string, unknown> | undefined,
  synthetic: number,
): number | undefined {
  if (eventName !== 'pull_request' && eventName !== 'pull_request_target') return undefined;
  if (!payload) return synthetic;
  const pr = payload['pull_request'] as { number?: unknown } | undefined;
  const number = pr?.number ?? payload['number'];
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined;
}

/**
 * The token source of a running sandbox, or undefined when it has no GitHub stand-in. With
 * `pullRequest`, that pull request is made to exist in the run's repository before the first token is
 * minted (the stand-in, like GitHub, answers 404 to comments on a pull request it does not know).
 */
export function sandboxGitHubToken(
  state: StackState,
  options: { pullRequest?: number | undefined } = {},
): GitHubTokenSource | undefined {
  const github = state.services.find((service) => service.name === 'github');
  const api = github?.details?.['api'];
  const adminToken = github?.details?.['admin-token'];
  if (!api || !adminToken) return undefined;
  const pulls = new Map<string, Promise<void>>();
  return async (request) => {
    const pullRequest = options.pullRequest;
    if (pullRequest !== undefined) {
      if (!pulls.has(request.repository))
        pulls.set(request.repository, addGitHubPullRequest(api, adminToken, request.repository, pullRequest));
      await pulls.get(request.repository);
    }
    const { token } = await mintGitHubToken(api, adminToken, {
      repository: request.repository,
      permissions: request.permissions,
    });
    return { token, revoke: () => revokeGitHubToken(api, adminToken, token) };
  };
}
