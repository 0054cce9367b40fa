/**
 * State shared by everything in one `paved run`: options, the repository, masking, logging, the job
 * slots, and the `github`/`runner` contexts and the runner's default environment variables.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Annotation, LogEvent, RunOptions } from './types.js';
import type { Masker } from './commands.js';
import type { RepoInfo } from './repo.js';
import { accountIds } from './event-payload.js';
import type { Value } from './expressions.js';
import type { WorkflowModel } from './workflow.js';
import type { GitHubPermissions } from '../shared/github-permissions.js';
import type { RunFeatures } from './admission.js';

/** A counting semaphore for job slots and max-parallel. */
export class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = Math.max(1, size);
  }
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}

export interface RunShared {
  options: RunOptions;
  repo: RepoInfo;
  /** Working-tree file list of the repository (computed once), undefined when not a git repo. */
  files: string[] | undefined;
  /**
   * A copy of the repository made once per run (the first time a job needs one); each job's
   * workspace is cloned from it without running git.
   */
  template(): Promise<string>;
  runDir: string;
  masker: Masker;
  annotations: Annotation[];
  slots: Slots;
  nodePath: string;
  actionMap: Record<string, string>;
  /** Host environment without variables that belong to an enclosing runner. */
  hostEnv: Record<string, string>;
  runId: string;
  runNumber: string;
  eventName: string;
  eventPath: string;
  payload: Record<string, unknown>;
  /** github.ref / sha / head_ref / base_ref for this event. */
  ref: string;
  sha: string;
  headRef: string;
  baseRef: string;
  signal: AbortSignal;
  debug: boolean;
  nextJobNumber(): number;
  emit(event: LogEvent): void;
  /** Environments, concurrency groups, permissions, tokens and OIDC (engine/admission.ts). */
  features: RunFeatures;
}

/** A workflow being run: the top-level one or a called reusable workflow. */
export interface WorkflowScope {
  model: WorkflowModel;
  /** Path relative to the repository, e.g. `.github/workflows/ci.yml`. */
  relativePath: string;
  inputs: Record<string, Value>;
  secrets: Record<string, string>;
  /** Display prefix for nested jobs: `caller / `. */
  namePrefix: string;
  idPrefix: string;
  depth: number;
  /** Cancels this workflow's jobs (the run's signal, or a calling matrix leg's fail-fast). */
  signal?: AbortSignal;
  /**
   * Aborts when this workflow's run as a whole is cancelled — the `paved run`, this workflow's own
   * `concurrency:` group, or a calling job's — so `cancelled()` holds and jobs not yet started are
   * skipped. Without it, the `paved run`'s signal.
   */
  runSignal?: AbortSignal;
  /**
   * Concurrency groups (lower-cased) that this workflow's run already holds: its own workflow-level
   * group and, in a called workflow, those of the calling jobs and workflows above it. A job here
   * asking for one of them is a deadlock (engine/concurrency-admission.ts).
   */
  heldGroups?: ReadonlySet<string>;
  /** In a called workflow: the calling job's permissions, which its jobs can keep or lower. */
  permissions?: GitHubPermissions;
  /** In a called workflow: `owner/repo/path@ref` of the file (the OIDC `job_workflow_ref`). */
  jobWorkflowRef?: string;
  /**
   * For a called workflow: the workflow that started the run. Inside a reusable workflow the
   * `github` context is the caller's (`github.workflow`, `github.workflow_ref`, …), as GitHub
   * documents for reusable workflows.
   */
  caller?: { name: string; relativePath: string };
}

/**
 * Jobs run at once by default: the CPUs this process may use. `availableParallelism()` asks the
 * scheduler (affinity included); `cpus()` would read and parse /proc/cpuinfo, a few ms per run.
 */
export function defaultConcurrency(): number {
  return Math.max(1, availableParallelism());
}

/** Drop variables an enclosing runner (or a previous paved run) set, so the step sees only ours. */
export function sanitizeHostEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (/^(GITHUB_|RUNNER_|INPUT_|STATE_|ACTIONS_)/i.test(key) || key === 'CI') continue;
    out[key] = value;
  }
  return out;
}

/** `github.workflow`: the name of the workflow that started the run (the caller's, in a called one). */
export function workflowDisplayName(scope: WorkflowScope): string {
  return scope.caller?.name ?? scope.model.name ?? scope.relativePath;
}

/** The path in `github.workflow_ref`: the calling workflow's, in a called one. */
export function workflowPath(scope: WorkflowScope): string {
  return scope.caller?.relativePath ?? scope.relativePath;
}

/** The `github` context for a job (step-specific fields are added per step). */
export function githubContext(
  shared: RunShared,
  scope: WorkflowScope,
  jobId: string,
  workspace: string,
  token: string | undefined,
): Record<string, Value> {
  const repo = shared.repo;
  const repository = `${repo.owner}/${repo.name}`;
  const ids = accountIds(shared.payload, repo);
  const refName = shared.ref
    .replace(/^refs\/(heads|tags)\//, '')
    .replace(/^refs\/pull\/(\d+)\/merge$/, '$1/merge');
  return {
    action: '',
    action_path: '',
    action_ref: '',
    action_repository: '',
    action_status: '',
    actor: repo.actor,
    actor_id: ids.actorId,
    // A runner that names its API (GHES, or the sandbox's GitHub stand-in) sets GITHUB_API_URL.
    api_url: shared.options.runnerEnv?.['GITHUB_API_URL'] ?? 'https://api.github.com',
    base_ref: shared.baseRef,
    event: shared.payload as Value,
    event_name: shared.eventName,
    event_path: shared.eventPath,
    graphql_url: 'https://api.github.com/graphql',
    head_ref: shared.headRef,
    job: jobId,
    ref: shared.ref,
    ref_name: refName,
    ref_protected: false,
    ref_type: shared.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    repository,
    repository_id: ids.repositoryId,
    repository_owner: repo.owner,
    repository_owner_id: ids.repositoryOwnerId,
    repositoryUrl: `git://github.com/${repository}.git`,
    retention_days: '90',
    run_id: shared.runId,
    run_number: shared.runNumber,
    run_attempt: '1',
    secret_source: 'Actions',
    server_url: 'https://github.com',
    sha: shared.sha,
    token: token ?? '',
    triggering_actor: repo.actor,
    workflow: workflowDisplayName(scope),
    workflow_ref: `${repository}/${workflowPath(scope)}@${shared.ref}`,
    workflow_sha: shared.sha,
    workspace,
  };
}

export function runnerContext(shared: RunShared, temp: string, toolCache: string): Record<string, Value> {
  return {
    name: 'paved',
    os: 'Linux',
    arch: process.arch === 'arm64' ? 'ARM64' : process.arch === 'arm' ? 'ARM' : 'X64',
    temp,
    tool_cache: toolCache,
    debug: shared.debug ? '1' : '',
    environment: 'self-hosted',
    workspace: join(temp, '..'),
  };
}
