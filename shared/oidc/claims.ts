/**
 * The claims of GitHub Actions' OIDC ID token, built from what a job knows about itself. Formats follow
 * GitHub's documentation ("About security hardening with OpenID Connect": example subject claims and the
 * token's claim list), so a Vault role or a cloud trust policy written for GitHub matches a local token.
 */
import { createHash } from 'node:crypto';

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
  /** GitHub's numeric ids, as strings of digits, when the event payload has them (`sender.id`, …). */
  actorId?: string | undefined;
  repositoryId?: string | undefined;
  repositoryOwnerId?: string | undefined;
}

/**
 * A stand-in for a GitHub account or repository id when the real one is unknown: a positive number
 * derived from the name (case-insensitive, as GitHub names are), so it is the same in every run and an
 * owner and an actor of the same name get the same id. `kind` keeps accounts and repositories apart.
 */
export function stableNumericId(kind: 'account' | 'repository', name: string): string {
  const digest = createHash('sha256').update(`${kind}:${name.toLowerCase()}`).digest();
  return String((digest.readUInt32BE(0) & 0x7fffffff) + 1);
}

/**
 * A value inside `sub`, where `:` separates the parts: GitHub writes a `:` in a value as `%3A`
 * ("OpenID Connect reference", Filtering for metadata containing `:`), so `environment: Production:V1`
 * gives `repo:o/r:environment:Production%3AV1`.
 */
const subjectValue = (value: string): string => value.replaceAll(':', '%3A');

/** `sub` as GitHub builds it: environment first, then pull_request, then the ref. */
export function subjectClaim(
  job: Pick<JobIdentity, 'repository' | 'environment' | 'eventName' | 'ref'>,
): string {
  const repo = `repo:${subjectValue(job.repository)}`;
  if (job.environment) return `${repo}:environment:${subjectValue(job.environment)}`;
  if (job.eventName === 'pull_request' || job.eventName === 'pull_request_target')
    return `${repo}:pull_request`;
  return `${repo}:ref:${subjectValue(job.ref)}`;
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
    repository_id: job.repositoryId ?? stableNumericId('repository', job.repository),
    repository_owner: job.repositoryOwner,
    repository_owner_id: job.repositoryOwnerId ?? stableNumericId('account', job.repositoryOwner),
    repository_visibility: job.repositoryVisibility ?? 'private',
    run_id: job.runId,
    run_number: job.runNumber,
    run_attempt: job.runAttempt,
    runner_environment: 'self-hosted',
    actor: job.actor,
    actor_id: job.actorId ?? stableNumericId('account', job.actor),
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
