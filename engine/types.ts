/** The engine's public types: what `runWorkflow` takes and returns. */
import type { GitHubPermissions } from '../shared/github-permissions.js';
import type { OidcTokenSource } from '../shared/oidc/issuer.js';
import type { EnvironmentSettings } from './environments.js';

export type { EnvironmentSettings, GitHubPermissions, OidcTokenSource };

export type Conclusion = 'success' | 'failure' | 'cancelled' | 'skipped';

/** One line the engine produced, already masked. */
export interface LogEvent {
  /** `line` step output; `info` engine messages; `command` a rendered workflow command (group, annotation, debug). */
  kind: 'line' | 'info' | 'command' | 'step-start' | 'step-end' | 'job-start' | 'job-end';
  /** The job's display name including the matrix leg, e.g. `test (20, ubuntu)`; nested reusable jobs as `caller / callee`. */
  job: string;
  /** The step's display name, when the line belongs to a step. */
  step?: string;
  text: string;
  stream?: 'stdout' | 'stderr';
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  job: string;
  step?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
  title?: string;
}

export interface StepResult {
  id: string;
  name: string;
  outcome: Conclusion;
  conclusion: Conclusion;
  outputs: Record<string, string>;
  durationMs: number;
}

export interface JobResult {
  /** The job id in the workflow (for reusable workflow callees: `caller/callee`). */
  id: string;
  /** Display name with matrix leg. */
  name: string;
  matrix: Record<string, unknown> | undefined;
  /** What happened (`failure` even with continue-on-error). */
  outcome: Conclusion;
  /** What dependants and the run see (`success` for a failure under continue-on-error). */
  conclusion: Conclusion;
  outputs: Record<string, string>;
  steps: StepResult[];
  durationMs: number;
  /** Markdown written to GITHUB_STEP_SUMMARY by the job's steps. */
  summary: string;
  /** Where the job ran (deleted after the run unless `keepTemp`). */
  workspace: string | undefined;
  /** The job's deployment environment (`environment:`), with its URL when it has one. */
  environment?: { name: string; url?: string };
  /** What the job's GITHUB_TOKEN was allowed (jobs that ran steps). */
  permissions?: GitHubPermissions;
}

export interface WorkflowRunResult {
  workflow: string;
  conclusion: Exclude<Conclusion, 'skipped'>;
  jobs: JobResult[];
  annotations: Annotation[];
  /** Outputs of a `workflow_call` workflow (`on.workflow_call.outputs`). */
  outputs: Record<string, string>;
}

export interface RunOptions {
  /** A workflow file, or a directory of workflows (every one that runs on the event is run). */
  workflow: string;
  /** The repository the workflow belongs to; default: the git top level above the workflow, else cwd. */
  repoRoot?: string;
  /** Default: `push` when the workflow runs on push, else `workflow_dispatch`, else its first event. */
  eventName?: string;
  /** The event payload (`github.event`); default: a synthetic payload for the event from the local repo. */
  eventPayload?: Record<string, unknown>;
  /**
   * The activity type (`github.event.action`, e.g. `closed` for pull_request); must be one of the
   * event's types. Default: the payload's own, or the one a synthetic payload represents (`opened`).
   */
  activity?: string;
  /** Run only this job (and the jobs it needs). */
  job?: string;
  /** `inputs` for workflow_dispatch / workflow_call (typed by the workflow's input definitions). */
  inputs?: Record<string, string>;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** Extra environment for every step, visible in the env context below the workflow's own env. */
  env?: Record<string, string>;
  /**
   * Runner-provided environment merged into every step's process environment after the env context
   * (e.g. ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN, ACTIONS_CACHE_SERVICE_V2 for a local cache service).
   */
  runnerEnv?: Record<string, string>;
  /** `owner/repo[/path]@ref` (or without `@ref`, any ref) -> local directory holding that action or repo. */
  actionMap?: Record<string, string>;
  /** How many jobs run at once (default: CPU count). */
  concurrency?: number;
  /** Run in the repository itself instead of a temporary copy per job. */
  bind?: boolean;
  /** Write each job's step summary to `<dir>/<job>.md`. */
  summaryDir?: string;
  /** Receives every log line (masked). */
  onLog?: (event: LogEvent) => void;
  /** Validate and plan only; nothing runs. */
  dryRun?: boolean;
  /** The node binary for JavaScript actions (default: the one running the engine). */
  nodePath?: string;
  /** Keep temporary workspaces after the run (their paths are in the results). */
  keepTemp?: boolean;
  /** Cancels the run: running steps are stopped, `always()` steps still run. */
  signal?: AbortSignal;
  /** Environment the steps inherit (default: process.env, without the variables of an enclosing runner: GITHUB_…, RUNNER_…, INPUT_…). */
  hostEnv?: NodeJS.ProcessEnv;
  /** `runner.debug` and `::debug::` lines shown. */
  debug?: boolean;
  /** Run even when the event does not pass the workflow's `on:` filters. */
  force?: boolean;
  /** Deployment environments by name (vars, secrets, protection, default url). */
  environments?: Record<string, EnvironmentSettings>;
  /**
   * Asked before a job that uses a protected environment starts; false (or no hook) fails the job
   * with a message naming the environment.
   */
  approve?: (request: { environment: string; job: string; url?: string }) => Promise<boolean>;
  /** Issuer for jobs with `id-token: write`; default: one started in this process for the run. */
  oidc?: OidcTokenSource;
  /**
   * Mints each job's GITHUB_TOKEN for its effective permissions (masked; becomes `secrets.GITHUB_TOKEN`
   * and `github.token`). Without it the token is whatever `secrets.GITHUB_TOKEN` holds.
   */
  githubToken?: (request: {
    repository: string;
    /** The workflow file the job is defined in, e.g. `.github/workflows/ci.yml`. */
    workflow: string;
    job: string;
    permissions: GitHubPermissions;
  }) => Promise<{ token: string; revoke?: () => Promise<void> }>;
  /** The repository's default token permissions when a workflow declares none (GitHub's default: restricted). */
  defaultPermissions?: 'permissive' | 'restricted';
  /** Where concurrency groups are kept (default: $PAVED_STATE_DIR/concurrency or ~/.cache/paved/concurrency). */
  concurrencyDir?: string;
  /**
   * How long one `timeout-minutes` minute lasts, in milliseconds (default 60000). Only tests that
   * exercise timeouts shorten it; `timeout-minutes` itself is whole minutes, as on GitHub.
   */
  minuteMs?: number;
}

export interface RunResult {
  conclusion: Exclude<Conclusion, 'skipped'>;
  /** 0 success, 1 failure or cancelled. (2 is for errors thrown before anything ran.) */
  exitCode: 0 | 1;
  workflows: WorkflowRunResult[];
  /** Every job of every workflow, in the order they finished being planned. */
  jobs: JobResult[];
  annotations: Annotation[];
  durationMs: number;
  /** Workflows that the event would not start on GitHub (and `force` was not set), with the reason. */
  skipped: Array<{ workflow: string; reason: string }>;
}
