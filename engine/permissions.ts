/**
 * A job's GITHUB_TOKEN permissions, as GitHub decides them ("Assigning permissions to jobs", "Reusing
 * workflows: access and permissions"): the job's `permissions:`, else its workflow's, else — in a
 * called workflow — what the caller granted, else the repository default. A called workflow can keep
 * or lower what its caller granted, never raise it: GitHub refuses such a job, naming what it asked for.
 */
import {
  defaultPermissions,
  describePermissions,
  intersectPermissions,
  PERMISSION_SCOPES,
  resolvePermissions,
  type GitHubPermissions,
} from '../shared/github-permissions.js';
import { evaluateToken } from './expressions.js';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';

export type DefaultPermissionsMode = 'permissive' | 'restricted';

/** `permissions:` is not an expression: read the token as literal YAML. */
function declared(token: TemplateToken | undefined): unknown {
  return token === undefined ? undefined : evaluateToken(token, { contexts: {} });
}

/**
 * The effective permissions of a job.
 * @param cap what the calling job granted, for a job of a called workflow (undefined at the top level)
 * @throws Error with GitHub's wording when a called workflow's job asks for more than `cap`
 */
export function jobPermissions(
  jobToken: TemplateToken | undefined,
  workflowToken: TemplateToken | undefined,
  cap: GitHubPermissions | undefined,
  mode: DefaultPermissionsMode,
  jobId: string,
): GitHubPermissions {
  const fallback = cap ?? defaultPermissions(mode);
  const own = declared(jobToken);
  const requested =
    own !== undefined && own !== null
      ? resolvePermissions(own, fallback)
      : resolvePermissions(declared(workflowToken), fallback);
  if (!cap) return requested;
  const granted = intersectPermissions(cap, requested);
  const raised = PERMISSION_SCOPES.filter((scope) => granted[scope] !== requested[scope]);
  if (raised.length > 0) {
    const pick = (from: GitHubPermissions): string =>
      raised.map((scope) => `${scope}: ${from[scope]}`).join(', ');
    throw new Error(
      `The nested job '${jobId}' is requesting '${pick(requested)}', but is only allowed '${pick(cap)}'.`,
    );
  }
  return granted;
}

export { describePermissions };
