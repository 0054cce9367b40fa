/**
 * The state of one running job (one matrix leg) that every kind of step shares: its workspace and
 * temp directories, the env context and GITHUB_ENV/GITHUB_PATH additions, the expression scope a
 * step sees, each step's own file-command files, the process environment of a step, logs and annotations.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ActionSource } from './actions.js';
import type { JobExtras } from './admission.js';
import { githubContext, runnerContext, type RunShared, type WorkflowScope } from './context.js';
import { asString, type ExpressionScope, type StatusScope, type Value } from './expressions.js';
import { ProblemMatchers } from './problem-matchers.js';
import { cloneTree } from './repo.js';
import type { Annotation, Conclusion, StepResult } from './types.js';
import type { JobModel } from './workflow.js';

export type Status = 'success' | 'failure' | 'cancelled';

export interface StepContextEntry {
  outputs: Record<string, string>;
  outcome: Conclusion;
  conclusion: Conclusion;
}

/** Where a step runs: the job's own steps, or the steps of a composite action. */
/** Annotations of one level a step keeps (actions/runner ExecutionContext `_maxIssueCount`). */
export const MAX_ANNOTATIONS_PER_STEP = 10;

export interface Frame {
  steps: Record<string, StepContextEntry>;
  /** `inputs` for expressions: the workflow's, or the composite action's. */
  inputs: Record<string, Value>;
  /** `env:` of enclosing composite steps, applied over the job env. */
  envOverlay: Record<string, string>;
  status: Status;
  action: { path: string; repository: string; ref: string } | undefined;
  defaults: { shell?: string; workingDirectory?: string };
  /** Display prefix for nested step names. */
  prefix: string;
  depth: number;
  /** The ids of the composite steps this frame is inside, `/outer/inner` ('' for the job's steps). */
  stepPath: string;
}

export interface CommandFiles {
  env: string;
  output: string;
  path: string;
  state: string;
  summary: string;
}

export interface PostStep {
  name: string;
  condition: string;
  script: string;
  source: ActionSource & { kind: 'action' };
  inputsEnv: Record<string, string>;
  stepEnv: Record<string, string>;
  state: Record<string, string>;
  frame: Frame;
  stepId: string;
}

export interface JobInput {
  shared: RunShared;
  scope: WorkflowScope;
  job: JobModel;
  displayName: string;
  matrix: Record<string, Value> | undefined;
  strategy: Record<string, Value>;
  needs: Record<string, { result: string; outputs: Record<string, string> }>;
  /** Aborted on fail-fast, run cancellation or job timeout. */
  signal: AbortSignal;
  /** From admission (engine/admission.ts): environment vars and secrets, the job's token, OIDC variables. */
  extras?: JobExtras;
}

export interface StepOutcome {
  outcome: Conclusion;
  outputs: Record<string, string>;
}

export function resolveDir(base: string, dir: string | undefined): string {
  if (!dir) return base;
  return isAbsolute(dir) ? dir : join(base, dir);
}

/** github context fields the runner also exports as GITHUB_<FIELD>. */
const GITHUB_ENV_FROM_CONTEXT = [
  'actor',
  'actor_id',
  'api_url',
  'base_ref',
  'event_name',
  'event_path',
  'graphql_url',
  'head_ref',
  'job',
  'ref',
  'ref_name',
  'ref_type',
  'repository',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
  'run_id',
  'run_number',
  'server_url',
  'sha',
  'triggering_actor',
  'workflow',
  'workflow_ref',
  'workflow_sha',
];

/** Everything a step's process and the command processor need, per job. */
export class JobRun {
  readonly shared: RunShared;
  readonly input: JobInput;
  readonly workspace: string;
  readonly temp: string;
  readonly jobDir: string;
  readonly toolCache: string;
  jobEnv: Record<string, string> = {};
  /** Values set through GITHUB_ENV (job-wide from then on). */
  readonly globalEnv: Record<string, string> = {};
  /** GITHUB_PATH entries, most recent first. */
  readonly pathPrepend: string[] = [];
  readonly posts: PostStep[] = [];
  /** Problem matchers added with `::add-matcher::`; they hold for the rest of the job. */
  readonly matchers = new ProblemMatchers();
  /** How many annotations of each level each step has made (the runner keeps 10 of each per step). */
  private readonly annotationCounts = new Map<string, number>();
  /**
   * What the pre steps of actions inside composite actions saved, by `<frame.stepPath>/<step id>`
   * (the runner's EmbeddedIntraActionState), for their main and post steps.
   */
  readonly embeddedPreState = new Map<string, Record<string, string>>();
  readonly stepResults: StepResult[] = [];
  /** Marks every process the job's steps start (and their children), as the runner's RUNNER_TRACKING_ID does. */
  readonly trackingId = `paved_${randomUUID()}`;
  summary = '';
  status: Status = 'success';
  /** Set once a step process has run (checkout then copies the repository afresh). */
  workspaceTouched = false;
  /** Aborted on fail-fast, run cancellation or the job's timeout. */
  signal: AbortSignal;
  github: Record<string, Value>;
  runner: Record<string, Value>;

  constructor(input: JobInput) {
    this.input = input;
    this.shared = input.shared;
    const number = this.shared.nextJobNumber();
    this.jobDir = join(
      this.shared.runDir,
      'jobs',
      `${number}-${input.job.id.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
    );
    this.workspace = this.shared.options.bind
      ? this.shared.repo.root
      : join(this.jobDir, this.shared.repo.name);
    this.temp = join(this.jobDir, '_temp');
    this.toolCache = this.shared.hostEnv['RUNNER_TOOL_CACHE'] ?? join(this.shared.runDir, 'tool-cache');
    this.github = githubContext(
      this.shared,
      input.scope,
      input.job.id,
      this.workspace,
      (input.extras?.secrets ?? input.scope.secrets)['GITHUB_TOKEN'],
    );
    this.runner = runnerContext(this.shared, this.temp, this.toolCache);
    this.signal = input.signal;
  }

  /** A GITHUB_PATH entry: first in PATH from now on, moved there if it was already added. */
  prependPath(dir: string): void {
    const existing = this.pathPrepend.indexOf(dir);
    if (existing >= 0) this.pathPrepend.splice(existing, 1);
    this.pathPrepend.unshift(dir);
  }

  /** PATH a step will run with (for resolving its shell). */
  pathFor(env: Record<string, string>): string {
    const base = env['PATH'] ?? this.shared.hostEnv['PATH'] ?? '';
    return this.pathPrepend.length ? [...this.pathPrepend, base].filter(Boolean).join(':') : base;
  }

  async setUp(): Promise<void> {
    mkdirSync(join(this.temp, '_runner_file_commands'), { recursive: true });
    mkdirSync(this.toolCache, { recursive: true });
    if (!this.shared.options.bind) await cloneTree(await this.shared.template(), this.workspace);
  }

  log(
    text: string,
    step?: string,
    kind: 'line' | 'info' | 'command' = 'info',
    stream?: 'stdout' | 'stderr',
  ): void {
    this.shared.emit({
      kind,
      job: this.input.displayName,
      ...(step !== undefined ? { step } : {}),
      text,
      ...(stream ? { stream } : {}),
    });
  }

  annotate(
    level: Annotation['level'],
    message: string,
    step: string | undefined,
    props: Record<string, string> = {},
  ): void {
    const masked = this.shared.masker.mask(message);
    // ExecutionContext.AddIssue: a step keeps its first 10 errors, 10 warnings and 10 notices as
    // annotations; the rest are only logged.
    const countKey = `${step ?? ''}\0${level}`;
    const count = (this.annotationCounts.get(countKey) ?? 0) + 1;
    this.annotationCounts.set(countKey, count);
    if (count > MAX_ANNOTATIONS_PER_STEP) {
      this.log(`##[${level}]${masked}`, step, 'command');
      return;
    }
    const annotation: Annotation = { level, message: masked, job: this.input.displayName };
    if (step) annotation.step = step;
    if (props['file']) annotation.file = props['file'];
    for (const key of ['line', 'endLine', 'col', 'endColumn'] as const) {
      const raw = props[key.toLowerCase()];
      if (raw !== undefined && /^\d+$/.test(raw)) annotation[key] = Number(raw);
    }
    if (props['title']) annotation.title = this.shared.masker.mask(props['title']);
    this.shared.annotations.push(annotation);
    this.log(`##[${level}]${masked}`, step, 'command');
  }

  /** The scope expressions see in a step of `frame`. */
  scope(frame: Frame, env: Record<string, string>, extraGithub: Record<string, Value> = {}): ExpressionScope {
    const status: StatusScope = { status: () => (this.status === 'cancelled' ? 'cancelled' : frame.status) };
    const scope: ExpressionScope = {
      contexts: {
        github: {
          ...this.github,
          ...(frame.action
            ? {
                action_path: frame.action.path,
                action_repository: frame.action.repository,
                action_ref: frame.action.ref,
              }
            : {}),
          ...extraGithub,
        },
        env,
        vars: this.input.extras?.vars ?? this.shared.options.vars ?? {},
        secrets: this.input.extras?.secrets ?? this.input.scope.secrets,
        inputs: frame.inputs,
        matrix: this.input.matrix ?? {},
        strategy: this.input.strategy,
        needs: this.input.needs,
        steps: frame.steps as unknown as Value,
        job: { status: this.status, container: { network: '' }, services: {} },
        runner: this.runner,
      },
      status,
      workspace: this.workspace,
    };
    // Inside a composite action there are no `secrets` and no `needs` (actions/runner action_yaml.json
    // `string-steps-context`, `output-value`): the caller passes what the action needs as inputs.
    if (frame.action) {
      delete scope.contexts['secrets'];
      delete scope.contexts['needs'];
    }
    return scope;
  }

  envContext(frame: Frame): Record<string, string> {
    return { ...this.jobEnv, ...this.globalEnv, ...frame.envOverlay };
  }

  /**
   * A fresh set of file-command files for one step, as actions/runner's FileCommandManager makes them:
   * every step (main, pre, post, each step of a composite action) gets its own FileCommandManager
   * (ActionRunner.RunAsync: `HostContext.CreateService<IFileCommandManager>()`), whose InitializeFiles
   * creates `<prefix><new GUID>` in `_temp/_runner_file_commands` and whose ProcessFiles reads those
   * files once, after the step. Files are never reused, so what a background process of a step
   * writes after the step ended goes to a file nobody reads again, never into a later step.
   */
  newCommandFiles(): CommandFiles {
    const dir = join(this.temp, '_runner_file_commands');
    const suffix = randomUUID();
    const files: CommandFiles = {
      env: join(dir, `set_env_${suffix}`),
      output: join(dir, `set_output_${suffix}`),
      path: join(dir, `add_path_${suffix}`),
      state: join(dir, `save_state_${suffix}`),
      summary: join(dir, `step_summary_${suffix}`),
    };
    for (const path of Object.values(files)) closeSync(openSync(path, 'w'));
    return files;
  }

  /**
   * What a step wrote to one of its file-command files; '' when the step left it empty or removed it
   * (the runner treats a missing file as "nothing to do").
   */
  readCommandFile(path: string): string {
    try {
      return statSync(path).size === 0 ? '' : readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  }

  private staticEnv: Record<string, string> | undefined;

  /** The runner's default variables that are the same for every step of the job. */
  private buildStaticEnv(): Record<string, string> {
    const env: Record<string, string> = {
      GITHUB_ACTIONS: 'true',
      GITHUB_REF_PROTECTED: 'false',
      GITHUB_RETENTION_DAYS: '90',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_WORKSPACE: this.workspace,
      RUNNER_ARCH: String(this.runner['arch']),
      RUNNER_ENVIRONMENT: 'self-hosted',
      RUNNER_NAME: 'paved',
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: this.temp,
      RUNNER_TOOL_CACHE: this.toolCache,
      RUNNER_WORKSPACE: join(this.workspace, '..'),
    };
    for (const key of GITHUB_ENV_FROM_CONTEXT)
      env[`GITHUB_${key.toUpperCase()}`] = asString(this.github[key]);
    return env;
  }

  /** The process environment of a step: host, env context, runner variables, PATH additions. */
  processEnv(
    env: Record<string, string>,
    files: CommandFiles,
    stepId: string,
    action: Frame['action'],
  ): Record<string, string> {
    const shared = this.shared;
    const out: Record<string, string> = { ...shared.hostEnv };
    Object.assign(out, env, shared.options.runnerEnv, this.input.extras?.runnerEnv);
    this.staticEnv ??= this.buildStaticEnv();
    Object.assign(out, this.staticEnv, {
      CI: env['CI'] ?? 'true',
      GITHUB_ACTION: stepId,
      RUNNER_TRACKING_ID: this.trackingId,
      GITHUB_ACTION_PATH: action?.path ?? '',
      GITHUB_ACTION_REPOSITORY: action?.repository ?? '',
      GITHUB_ACTION_REF: action?.ref ?? '',
      GITHUB_ENV: files.env,
      GITHUB_OUTPUT: files.output,
      GITHUB_PATH: files.path,
      GITHUB_STATE: files.state,
      GITHUB_STEP_SUMMARY: files.summary,
    });
    if (shared.debug) out['RUNNER_DEBUG'] = '1';
    if (this.pathPrepend.length)
      out['PATH'] = [...this.pathPrepend, out['PATH'] ?? ''].filter(Boolean).join(':');
    return out;
  }
}
