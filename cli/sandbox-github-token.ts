/**
 * `paved run --sandbox`'s GITHUB_TOKEN: one token per job, minted by the sandbox's GitHub API stand-in
 * with exactly the job's effective `permissions` (so a call the workflow did not ask for is refused with
 * GitHub's 403), and revoked when the job ends, as GitHub revokes its own.
 *
 * The engine calls this through `RunOptions.githubToken`; this file only turns a sandbox's state into
 * that callback, so the wiring in cli/commands/run.ts is one line.
 */
import type { GitHubPermissions } from '../shared/github-permissions.js';
import { mintGitHubToken, revokeGitHubToken } from '../sandbox/github/client.js';
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

/** The token source of a running sandbox, or undefined when it has no GitHub stand-in. */
export function sandboxGitHubToken(state: StackState): GitHubTokenSource | undefined {
  const github = state.services.find((service) => service.name === 'github');
  const api = github?.details?.['api'];
  const adminToken = github?.details?.['admin-token'];
  if (!api || !adminToken) return undefined;
  return async (request) => {
    const { token } = await mintGitHubToken(api, adminToken, {
      repository: request.repository,
      permissions: request.permissions,
    });
    return { token, revoke: () => revokeGitHubToken(api, adminToken, token) };
  };
}
