/**
 * What happens between a job being ready (its needs done, its `if:` true) and its first step, in the
 * order GitHub applies it: the job's permissions are resolved, its `environment:` is chosen and — when
 * protected — approved, it joins its `concurrency:` group (waiting, or being cancelled by a newer
 * request), and it is given its token (`RunOptions.githubToken`) and, with `id-token: write`, its OIDC
 * request variables. `finish()` gives back what the job held when it ends.
 *
 * Workflow-level `concurrency:`, and a calling job's, join the same groups (concurrency-admission.ts).
 */
import { allows, describePermissions, type GitHubPermissions } from '../shared/github-permissions.js';
import type { JobIdentity } from '../shared/oidc/claims.js';
import { ConcurrencyGroups, defaultConcurrencyDir } from './concurrency.js';
import { joinGroup, refusal } from './concurrency-admission.js';
import { workflowDisplayName, workflowPath, type RunShared, type WorkflowScope } from './context.js';
import { approvalHint, isProtected, jobEnvironment, type JobEnvironment } from './environments.js';
import { evaluateToken, asString, type ExpressionScope } from './expressions.js';
import { accountIds } from './event-payload.js';
import { OidcBroker } from './oidc.js';
import { jobPermissions } from './permissions.js';
import type { JobResult, RunOptions } from './types.js';
import type { JobModel } from './workflow.js';
import type { RepoInfo } from './repo.js';

/** Run-wide state of the features above; created once per `runWorkflow`. */
export interface RunFeatures {
  oidc: OidcBroker;
  groups: ConcurrencyGroups;
  close(): Promise<void>;
}

export function createRunFeatures(options: RunOptions, repo: RepoInfo): RunFeatures {
  const oidc = new OidcBroker(options.oidc);
  return {
    oidc,
    groups: new ConcurrencyGroups(
      options.concurrencyDir ?? defaultConcurrencyDir(options.hostEnv ?? process.env),
      `${repo.owner}/${repo.name}`,
    ),
    close: () => oidc.close(),
  };
}

/** What a job gets from admission, read by the job (engine/job-run.ts) instead of the workflow-wide values. */
export interface JobExtras {
  /** `vars`: the repository's with the environment's over them. */
  vars: Record<string, string>;
  /** `secrets`: the workflow's with the environment's over them, and the job's GITHUB_TOKEN. */
  secrets: Record<string, string>;
  /** Added to every step's process environment (the OIDC request variables). */
  runnerEnv: Record<string, string>;
  environment: JobEnvironment | undefined;
  permissions: GitHubPermissions;
}

export type JobAdmission =
  | { admitted: true; extras: JobExtras; signal: AbortSignal; finish(): Promise<void> }
  | { admitted: false; result: JobResult };

/** `owner/repo/path@ref` of a called workflow: the `uses:` itself, or for `./…` this repository at the run's ref. */
export function calledWorkflowRef(uses: string, shared: RunShared): string {
  if (!uses.startsWith('./')) return uses;
  return `${shared.repo.owner}/${shared.repo.name}/${uses.slice(2)}@${shared.ref}`;
}

/** The permissions a calling job hands to the workflow it calls. */
export function callerPermissions(
  shared: RunShared,
  caller: WorkflowScope,
  job: JobModel,
): GitHubPermissions {
  return jobPermissions(
    job.permissions,
    caller.model.permissions,
    caller.permissions,
    shared.options.defaultPermissions ?? 'restricted',
    job.id,
  );
}

function identity(shared: RunShared, scope: WorkflowScope, environment: string | undefined): JobIdentity {
  const repository = `${shared.repo.owner}/${shared.repo.name}`;
  // The run's top-level workflow (the caller's, in a called one) names `workflow` and `workflow_ref`.
  const workflowRef = `${repository}/${workflowPath(scope)}@${shared.ref}`;
  return {
    ...accountIds(shared.payload, shared.repo),
    repository,
    repositoryOwner: shared.repo.owner,
    ref: shared.ref,
    sha: shared.sha,
    eventName: shared.eventName,
    environment,
    actor: shared.repo.actor,
    workflow: workflowDisplayName(scope),
    workflowRef,
    jobWorkflowRef: scope.jobWorkflowRef ?? workflowRef,
    runId: shared.runId,
    runNumber: shared.runNumber,
    runAttempt: '1',
    headRef: shared.headRef || undefined,
    baseRef: shared.baseRef || undefined,
    serverUrl: 'https://github.com',
  };
}

/**
 * A job (or a reusable-workflow call) that ended before its first step: the error annotation, its log
 * lines and its result. `job-start` is the caller's to emit.
 */
export function endedBeforeFirstStep(
  shared: RunShared,
  end: {
    id: string;
    name: string;
    matrix: Record<string, unknown> | undefined;
    conclusion: 'failure' | 'cancelled';
    message: string;
    durationMs: number;
    environment?: JobEnvironment | undefined;
  },
): JobResult {
  const { name, conclusion, environment } = end;
  const masked = shared.masker.mask(end.message);
  shared.annotations.push({ level: 'error', message: masked, job: name });
  shared.emit({ kind: 'command', job: name, text: `##[error]${masked}` });
  shared.emit({ kind: 'job-end', job: name, text: conclusion });
  return {
    id: end.id,
    name,
    matrix: end.matrix,
    outcome: conclusion,
    conclusion,
    outputs: {},
    steps: [],
    durationMs: end.durationMs,
    summary: '',
    workspace: undefined,
    ...(environment ? { environment: { name: environment.name } } : {}),
  };
}

/** A job that ended before its first step: its events and its result. */
function notStarted(
  shared: RunShared,
  scope: WorkflowScope,
  job: JobModel,
  name: string,
  matrix: Record<string, unknown> | undefined,
  conclusion: 'failure' | 'cancelled',
  message: string,
  environment: JobEnvironment | undefined,
): JobAdmission {
  shared.emit({ kind: 'job-start', job: name, text: name });
  const id = `${scope.idPrefix}${job.id}`;
  const end = { id, name, matrix, conclusion, message, durationMs: 0, environment };
  return { admitted: false, result: endedBeforeFirstStep(shared, end) };
}

/**
 * Admit one job (one matrix leg). `exprScope` is the job-level scope (github, needs, vars, inputs,
 * matrix, strategy); `signal` cancels waiting. Never throws: problems become a job that did not start.
 */
export async function admitJob(request: {
  shared: RunShared;
  scope: WorkflowScope;
  job: JobModel;
  name: string;
  matrix: Record<string, unknown> | undefined;
  exprScope: ExpressionScope;
  signal: AbortSignal;
}): Promise<JobAdmission> {
  const { shared, scope, job, name, matrix, exprScope, signal } = request;
  const options = shared.options;
  const refuse = (
    conclusion: 'failure' | 'cancelled',
    message: string,
    environment?: JobEnvironment,
  ): JobAdmission => notStarted(shared, scope, job, name, matrix, conclusion, message, environment);
  let permissions: GitHubPermissions;
  let environment: JobEnvironment | undefined;
  try {
    permissions = jobPermissions(
      job.permissions,
      scope.model.permissions,
      scope.permissions,
      options.defaultPermissions ?? 'restricted',
      job.id,
    );
  } catch (error) {
    return refuse('failure', `permissions: ${(error as Error).message}`);
  }
  try {
    environment = jobEnvironment(job.environment, exprScope, options.environments);
  } catch (error) {
    return refuse('failure', `environment: ${(error as Error).message}`);
  }
  if (environment) {
    for (const value of Object.values(environment.settings.secrets ?? {})) shared.masker.add(value);
    if (isProtected(environment.settings)) {
      let url = environment.settings.url;
      try {
        // The job's own url when it does not need the steps context yet.
        const early = environment.url ? asString(evaluateToken(environment.url, exprScope)) : '';
        if (early) url = early;
      } catch {
        // needs step outputs: known when the job ends
      }
      shared.emit({
        kind: 'info',
        job: name,
        text: `Waiting for approval to deploy to the protected environment '${environment.name}'`,
      });
      let approved = false;
      try {
        approved = options.approve
          ? await options.approve({ environment: environment.name, job: name, ...(url ? { url } : {}) })
          : false;
      } catch (error) {
        return refuse(
          'failure',
          `environment '${environment.name}': ${(error as Error).message}`,
          environment,
        );
      }
      if (!approved)
        return refuse(
          'failure',
          `The job '${name}' needs an approval to deploy to the protected environment '${environment.name}' and was not approved; ${approvalHint(environment.name)}`,
          environment,
        );
      shared.emit({ kind: 'info', job: name, text: `Approved: environment '${environment.name}'` });
    }
  }
  const joined = await joinGroup({
    shared,
    token: job.concurrency,
    exprScope,
    held: scope.heldGroups,
    name: name.slice(scope.namePrefix.length),
    logAs: name,
    label: `job '${name}' (pid ${process.pid})`,
    signal,
  });
  if (!('lease' in joined)) {
    const { conclusion, message } = refusal(joined);
    return refuse(conclusion, message, environment);
  }
  const lease = joined.lease;
  const cleanups: Array<() => Promise<void>> = [];
  const finish = async (): Promise<void> => {
    lease?.release();
    for (const cleanup of cleanups.splice(0)) {
      await cleanup().catch((error: unknown) =>
        shared.emit({ kind: 'info', job: name, text: `cleanup: ${(error as Error).message}` }),
      );
    }
  };
  const secrets = { ...scope.secrets, ...(environment?.settings.secrets ?? {}) };
  secrets['GITHUB_TOKEN'] = scope.secrets['GITHUB_TOKEN'] ?? '';
  const runnerEnv: Record<string, string> = {};
  try {
    if (options.githubToken) {
      const minted = await options.githubToken({
        repository: `${shared.repo.owner}/${shared.repo.name}`,
        workflow: scope.relativePath,
        job: job.id,
        permissions,
      });
      shared.masker.add(minted.token);
      secrets['GITHUB_TOKEN'] = minted.token;
      if (minted.revoke) cleanups.push(minted.revoke);
    }
    if (allows(permissions, 'id-token', 'write')) {
      const issued = await shared.features.oidc.register(identity(shared, scope, environment?.name));
      shared.masker.add(issued.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
      Object.assign(runnerEnv, issued.env);
      cleanups.push(issued.revoke);
    }
  } catch (error) {
    await finish();
    return refuse('failure', `the job's token: ${(error as Error).message}`, environment);
  }
  if (shared.debug)
    shared.emit({
      kind: 'info',
      job: name,
      text: `GITHUB_TOKEN permissions: ${describePermissions(permissions)}`,
    });
  return {
    admitted: true,
    extras: {
      vars: { ...(options.vars ?? {}), ...(environment?.settings.vars ?? {}) },
      secrets,
      runnerEnv,
      environment,
      permissions,
    },
    signal: lease ? AbortSignal.any([signal, lease.signal]) : signal,
    finish,
  };
}
