/**
 * The claims of GitHub Actions' OIDC ID token, built from what a job knows about itself. Formats follow
 * GitHub's documentation ("About security hardening with OpenID Connect": example subject claims and the
 * token's claim list), so a Vault role or a cloud trust policy written for GitHub matches a local token.
 */

/** What the issuer needs to know about the job asking for a token. */
export interface JobIdentity {
  /** `owner/name` */
  repository: string;
  repositoryOwner: string;
  /** `refs/heads/main`, `refs/tags/v1`, `refs/pull/7/merge` */
  ref: string;
  sha: string;
  eventName: string;
  /** The job's environment name, when it has one (it then decides `sub`). */
  environment?: string | undefined;
  actor: string;
  workflow: string;
  /** `owner/repo/.github/workflows/file.yml@ref` of the top-level workflow. */
  workflowRef: string;
  /** The same for the workflow file that defines the job (a reusable workflow's, when called). */
  jobWorkflowRef: string;
  runId: string;
  runNumber: string;
  runAttempt: string;
  headRef?: string | undefined;
  baseRef?: string | undefined;
  /** `https://github.com` or a GHES URL; the default audience is `<serverUrl>/<owner>`. */
  serverUrl: string;
  repositoryVisibility?: string | undefined;
}

/** `sub` as GitHub builds it: environment first, then pull_request, then the ref. */
export function subjectClaim(
  job: Pick<JobIdentity, 'repository' | 'environment' | 'eventName' | 'ref'>,
): string {
  const repo = `repo:${job.repository}`;
  if (job.environment) return `${repo}:environment:${job.environment}`;
  if (job.eventName === 'pull_request' || job.eventName === 'pull_request_target')
    return `${repo}:pull_request`;
  return `${repo}:ref:${job.ref}`;
}

/** The audience GitHub uses when the caller names none: the repository owner's URL. */
export function defaultAudience(job: Pick<JobIdentity, 'serverUrl' | 'repositoryOwner'>): string {
  return `${job.serverUrl.replace(/\/+$/, '')}/${job.repositoryOwner}`;
}

const refType = (ref: string): string => (ref.startsWith('refs/tags/') ? 'tag' : 'branch');
const shaOf = (workflowRef: string, sha: string): string => (workflowRef ? sha : '');

/**
 * The job-specific claims (everything but `iss`, `aud`, `jti` and the times, which the issuer adds
 * when it signs).
 */
export function jobClaims(job: JobIdentity): Record<string, string> {
  const claims: Record<string, string> = {
    sub: subjectClaim(job),
    ref: job.ref,
    ref_type: refType(job.ref),
    ref_protected: 'false',
    sha: job.sha,
    repository: job.repository,
    repository_owner: job.repositoryOwner,
    repository_visibility: job.repositoryVisibility ?? 'private',
    run_id: job.runId,
    run_number: job.runNumber,
    run_attempt: job.runAttempt,
    runner_environment: 'self-hosted',
    actor: job.actor,
    workflow: job.workflow,
    head_ref: job.headRef ?? '',
    base_ref: job.baseRef ?? '',
    event_name: job.eventName,
    workflow_ref: job.workflowRef,
    workflow_sha: shaOf(job.workflowRef, job.sha),
    job_workflow_ref: job.jobWorkflowRef,
    job_workflow_sha: shaOf(job.jobWorkflowRef, job.sha),
  };
  if (job.environment) claims['environment'] = job.environment;
  return claims;
}
