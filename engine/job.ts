/**
 * Running one job (one matrix leg) on the host: its workspace, env and defaults, pre steps, the
 * steps in order with GitHub's status rules, post steps in reverse, job outputs. Steps are `run:`
 * scripts, local JavaScript actions, composite actions (recursively) and actions/checkout.
 */
import { randomUUID } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { ActionManifest } from '../shared/action-manifest.js';
import {
  FileCommandError,
  parseCommand,
  parseKeyValueFile,
  parsePathFile,
  type WorkflowCommand,
} from './commands.js';
import { githubContext, runnerContext, type RunShared, type WorkflowScope } from './context.js';
import {
  asString,
  evaluate,
  evaluateCondition,
  evaluateEnvMap,
  evaluateStringMap,
  evaluateToken,
  interpolate,
  isTruthy,
  type ExpressionScope,
  type StatusScope,
  type Value,
} from './expressions.js';
import { EngineUsageError, resolveAction, type ActionSource } from './actions.js';
import { cloneTree, copyRepository } from './repo.js';
import { resolveShell } from './shell.js';
import { spawnStep } from './spawn.js';
import type { Annotation, Conclusion, JobResult, StepResult } from './types.js';
import type { JobModel, StepModel } from './workflow.js';
import type { JobExtras } from './admission.js';
import { environmentUrl } from './environments.js';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';

type Status = 'success' | 'failure' | 'cancelled';

interface StepContextEntry {
  outputs: Record<string, string>;
  outcome: Conclusion;
  conclusion: Conclusion;
}

/** Where a step runs: the job's own steps, or the steps of a composite action. */
interface Frame {
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
}

/** A step from the workflow (tokens) or from a composite action (plain YAML values), behind one shape. */
interface StepSpec {
  id: string;
  explicitId: boolean;
  uses: string | undefined;
  condition(scope: ExpressionScope): boolean;
  name(scope: ExpressionScope): string;
  run(scope: ExpressionScope): string | undefined;
  shell(scope: ExpressionScope): string | undefined;
  workingDirectory(scope: ExpressionScope): string | undefined;
  env(scope: ExpressionScope, base: Record<string, string>): Record<string, string>;
  with(scope: ExpressionScope): Record<string, string>;
  continueOnError(scope: ExpressionScope): boolean;
  timeoutMinutes(scope: ExpressionScope): number | undefined;
}

interface CommandFiles {
  env: string;
  output: string;
  path: string;
  state: string;
  summary: string;
}

interface PostStep {
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

/**
 * `timeout-minutes` as the runner converts it: a number truncated to whole minutes
 * (`(Int32)numberToken.Value` in PipelineTemplateConverter.ConvertToStepTimeout), and no limit when
 * that is 0 or less (StepsRunner sets a timeout only `if (timeoutMinutes > 0)`).
 */
export function timeoutMinutesFrom(value: Value, what: string): number | undefined {
  if (value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (typeof value === 'boolean' || !Number.isFinite(n))
    throw new Error(`'${what}' must be a number of minutes; got ${JSON.stringify(value)}`);
  const whole = Math.trunc(n);
  return whole > 0 ? whole : undefined;
}

function workflowStepSpec(step: StepModel): StepSpec {
  const str = (token: TemplateToken | undefined, scope: ExpressionScope): string | undefined =>
    token === undefined ? undefined : asString(evaluateToken(token, scope));
  return {
    id: step.id,
    explicitId: step.explicitId,
    uses: step.uses,
    condition: (scope) => isTruthy(evaluate(step.if, scope)),
    name: (scope) => {
      const name = str(step.name, scope);
      if (name) return name;
      if (step.uses) return `Run ${step.uses}`;
      return `Run ${(str(step.run, scope) ?? '').trim().split('\n')[0] ?? ''}`;
    },
    run: (scope) => str(step.run, scope),
    shell: (scope) => str(step.shell, scope) || undefined,
    workingDirectory: (scope) => str(step.workingDirectory, scope) || undefined,
    env: (scope, base) => evaluateEnvMap(step.env, scope, base),
    with: (scope) => evaluateStringMap(step.with, scope),
    continueOnError: (scope) =>
      step.continueOnError !== undefined && isTruthy(evaluateToken(step.continueOnError, scope)),
    timeoutMinutes: (scope) =>
      step.timeoutMinutes === undefined
        ? undefined
        : timeoutMinutesFrom(evaluateToken(step.timeoutMinutes, scope), 'timeout-minutes'),
  };
}

function compositeStepSpec(raw: Record<string, unknown>, index: number): StepSpec {
  const text = (value: unknown, scope: ExpressionScope): string | undefined => {
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? asString(interpolate(value, scope)) : asString(value as Value);
  };
  const map = (value: unknown, scope: ExpressionScope): Record<string, string> => {
    const out: Record<string, string> = {};
    if (value && typeof value === 'object')
      for (const [key, item] of Object.entries(value as Record<string, unknown>))
        out[key] = text(item, scope) ?? '';
    return out;
  };
  const explicit = typeof raw['id'] === 'string' ? (raw['id'] as string) : undefined;
  const uses = typeof raw['uses'] === 'string' ? (raw['uses'] as string) : undefined;
  return {
    id: explicit ?? `__${uses ? uses.replace(/[^A-Za-z0-9]+/g, '_') : 'run'}_${index + 1}`,
    explicitId: explicit !== undefined,
    uses,
    condition: (scope) => evaluateCondition(raw['if'] === undefined ? undefined : String(raw['if']), scope),
    name: (scope) =>
      text(raw['name'], scope) ||
      (uses ? `Run ${uses}` : `Run ${(text(raw['run'], scope) ?? '').trim().split('\n')[0] ?? ''}`),
    run: (scope) => text(raw['run'], scope),
    shell: (scope) => text(raw['shell'], scope) || undefined,
    workingDirectory: (scope) => text(raw['working-directory'], scope) || undefined,
    env: (scope, base) => ({
      ...base,
      ...map(raw['env'], { ...scope, contexts: { ...scope.contexts, env: base } }),
    }),
    with: (scope) => map(raw['with'], scope),
    continueOnError: (scope) =>
      raw['continue-on-error'] !== undefined &&
      isTruthy(
        typeof raw['continue-on-error'] === 'string'
          ? interpolate(raw['continue-on-error'], scope)
          : (raw['continue-on-error'] as Value),
      ),
    timeoutMinutes: (scope) =>
      raw['timeout-minutes'] === undefined
        ? undefined
        : timeoutMinutesFrom(
            typeof raw['timeout-minutes'] === 'string'
              ? interpolate(raw['timeout-minutes'], scope)
              : (raw['timeout-minutes'] as Value),
            'timeout-minutes',
          ),
  };
}

/** INPUT_<NAME>: upper-cased, spaces to underscores, hyphens kept (actions/runner). */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** github context fields the runner also exports as GITHUB_<FIELD>. */
const GITHUB_ENV_FROM_CONTEXT = [
  'actor',
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
  'repository_owner',
  'run_id',
  'run_number',
  'server_url',
  'sha',
  'triggering_actor',
  'workflow',
  'workflow_ref',
  'workflow_sha',
];

const DEPRECATION_NOTE =
  'For more information see: https://github.blog/changelog/2022-10-11-github-actions-deprecating-save-state-and-set-output-commands/';

/** Everything a step's process and the command processor need, per job. */
class JobRun {
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
    return {
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
  }

  envContext(frame: Frame): Record<string, string> {
    return { ...this.jobEnv, ...this.globalEnv, ...frame.envOverlay };
  }

  private files: CommandFiles | undefined;

  /**
   * The file-command files a step writes to. The runner makes five new files per step; creating
   * them was most of the engine's cost per `run:` step, so one set serves the whole job: each is
   * read after a step only when it has content, then emptied (steps run one at a time).
   */
  commandFiles(): CommandFiles {
    if (!this.files) {
      const dir = join(this.temp, '_runner_file_commands');
      this.files = {
        env: join(dir, 'set_env'),
        output: join(dir, 'set_output'),
        path: join(dir, 'add_path'),
        state: join(dir, 'save_state'),
        summary: join(dir, 'step_summary'),
      };
      for (const path of Object.values(this.files)) writeFileSync(path, '');
    }
    return this.files;
  }

  /** What a step wrote to a file-command file; the file is left empty (or made again) for the next. */
  takeFile(path: string): string {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      writeFileSync(path, ''); // the step removed it: the next step still needs it to exist
      return '';
    }
    if (size === 0) return '';
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, '');
    return text;
  }

  private staticEnv: Record<string, string> | undefined;

  /** The runner's default variables that are the same for every step of the job. */
  private buildStaticEnv(): Record<string, string> {
    const env: Record<string, string> = {
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTOR_ID: '0',
      GITHUB_REF_PROTECTED: 'false',
      GITHUB_REPOSITORY_ID: '0',
      GITHUB_REPOSITORY_OWNER_ID: '0',
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

interface ExecOutcome {
  ok: boolean;
  /** Stopped because the job was cancelled (fail-fast, timeout, Ctrl-C). */
  cancelled?: boolean;
  outputs: Record<string, string>;
  state: Record<string, string>;
}

/**
 * Run one process for a step and apply what it asked for: workflow commands as lines arrive, file
 * commands when it exits. Returns whether it succeeded and what it set.
 */
async function execProcess(
  run: JobRun,
  stepName: string,
  stepId: string,
  file: string,
  args: string[],
  opts: {
    env: Record<string, string>;
    extraEnv?: Record<string, string>;
    cwd: string;
    timeoutMinutes: number | undefined;
    action: Frame['action'];
    isScript: boolean;
  },
): Promise<ExecOutcome> {
  const files = run.commandFiles();
  const env = run.processEnv(opts.env, files, stepId, opts.action);
  if (opts.extraEnv) Object.assign(env, opts.extraEnv);
  const outputs: Record<string, string> = {};
  const state: Record<string, string> = {};
  let failed = false;
  let stopToken: string | undefined;
  let echo = false;
  const masker = run.shared.masker;
  const allowUnsecure = (env['ACTIONS_ALLOW_UNSECURE_COMMANDS'] ?? '').toLowerCase() === 'true';

  const commandFailed = (line: string, message: string): void => {
    run.annotate('error', `Unable to process command '${line}' successfully.`, stepName);
    run.annotate('error', message, stepName);
    failed = true;
  };
  const handle = (cmd: WorkflowCommand, line: string): boolean => {
    switch (cmd.command) {
      case 'add-mask':
        masker.add(cmd.data);
        return true;
      case 'set-output':
      case 'save-state': {
        // Deprecated but still honoured by the runner, with a warning.
        const name = cmd.properties['name'];
        if (!name) {
          commandFailed(line, `Invalid ${cmd.command} command: 'name' is required`);
          return true;
        }
        run.annotate(
          'warning',
          `The \`${cmd.command}\` command is deprecated and will be disabled soon. Please upgrade to using Environment Files. ${DEPRECATION_NOTE}`,
          stepName,
        );
        (cmd.command === 'set-output' ? outputs : state)[name] = cmd.data;
        return true;
      }
      case 'set-env':
      case 'add-path': {
        if (!allowUnsecure) {
          commandFailed(
            line,
            `The \`${cmd.command}\` command is disabled. Please upgrade to using Environment Files or opt into unsecure command execution by setting the \`ACTIONS_ALLOW_UNSECURE_COMMANDS\` environment variable to \`true\`. For more information see: https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/`,
          );
          return true;
        }
        if (cmd.command === 'set-env' && cmd.properties['name'])
          run.globalEnv[cmd.properties['name']] = cmd.data;
        if (cmd.command === 'add-path' && cmd.data) run.pathPrepend.unshift(cmd.data);
        return true;
      }
      case 'error':
      case 'warning':
      case 'notice':
        run.annotate(cmd.command, cmd.data, stepName, cmd.properties);
        return true;
      case 'debug':
        if (run.shared.debug) run.log(`##[debug]${masker.mask(cmd.data)}`, stepName, 'command');
        return true;
      case 'group':
        run.log(`##[group]${masker.mask(cmd.data)}`, stepName, 'command');
        return true;
      case 'endgroup':
        run.log('##[endgroup]', stepName, 'command');
        return true;
      case 'echo':
        if (cmd.data.trim().toLowerCase() === 'on') echo = true;
        else if (cmd.data.trim().toLowerCase() === 'off') echo = false;
        return true;
      case 'stop-commands':
        stopToken = cmd.data;
        return true;
      case 'add-matcher':
      case 'remove-matcher':
        return true;
      default:
        return false;
    }
  };

  const onLine = (line: string, stream: 'stdout' | 'stderr'): void => {
    if (stopToken !== undefined) {
      if (line.trim() === `::${stopToken}::`) {
        stopToken = undefined;
        return;
      }
      run.log(masker.mask(line), stepName, 'line', stream);
      return;
    }
    const trimmed = line.trimStart();
    if (trimmed.startsWith('::') || trimmed.startsWith('##[')) {
      const cmd = parseCommand(line);
      if (cmd) {
        // The command line itself is shown only with echo on (except add-mask, which never echoes).
        if (handle(cmd, line)) {
          if (echo && cmd.command !== 'add-mask') run.log(masker.mask(line), stepName, 'line', stream);
          return;
        }
      }
    }
    run.log(masker.mask(line), stepName, 'line', stream);
  };

  run.workspaceTouched = true;
  const started = await spawnStep(file, args, {
    env,
    cwd: opts.cwd,
    ...(opts.timeoutMinutes !== undefined
      ? { timeoutMs: opts.timeoutMinutes * (run.shared.options.minuteMs ?? 60_000) }
      : {}),
    // Steps that still run after cancellation (always(), cancelled()) are not cancelled again.
    ...(run.signal.aborted ? {} : { signal: run.signal }),
    onLine,
  });
  if (started.error) {
    run.annotate(
      'error',
      `An error occurred trying to start process '${file}' with working directory '${opts.cwd}'. ${started.error}`,
      stepName,
    );
    failed = true;
  }
  // File commands, in the runner's order.
  const applyFile = (name: string, path: string, apply: (text: string) => void): void => {
    let text: string;
    try {
      text = run.takeFile(path);
    } catch {
      return;
    }
    if (!text) return;
    try {
      apply(text);
    } catch (error) {
      run.annotate('error', `Unable to process file command '${name}' successfully.`, stepName);
      run.annotate('error', error instanceof FileCommandError ? error.message : String(error), stepName);
      failed = true;
    }
  };
  applyFile('env', files.env, (text) => {
    for (const [key, value] of parseKeyValueFile(text)) {
      if (key.toUpperCase() === 'NODE_OPTIONS')
        throw new FileCommandError("Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.");
      run.globalEnv[key] = value;
    }
  });
  applyFile('output', files.output, (text) => {
    for (const [key, value] of parseKeyValueFile(text)) outputs[key] = value;
  });
  applyFile('path', files.path, (text) => {
    for (const dir of parsePathFile(text)) {
      const existing = run.pathPrepend.indexOf(dir);
      if (existing >= 0) run.pathPrepend.splice(existing, 1);
      run.pathPrepend.unshift(dir);
    }
  });
  applyFile('state', files.state, (text) => {
    for (const [key, value] of parseKeyValueFile(text)) state[key] = value;
  });
  applyFile('step_summary', files.summary, (text) => {
    const size = Buffer.byteLength(text);
    if (size > 1024 * 1024) {
      throw new FileCommandError(
        `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got ${Math.ceil(size / 1024)}k.`,
      );
    }
    run.summary += masker.mask(text);
    if (!run.summary.endsWith('\n')) run.summary += '\n';
  });
  if (started.cancelled && !started.timedOut) {
    run.log('The operation was canceled.', stepName, 'info');
    return { ok: false, cancelled: true, outputs, state };
  }
  if (started.timedOut) {
    run.annotate(
      'error',
      `The action '${stepName}' has timed out after ${opts.timeoutMinutes} minutes.`,
      stepName,
    );
    return { ok: false, outputs, state };
  }
  if (started.exitCode !== 0 && !started.error) {
    if (opts.isScript)
      run.annotate('error', `Process completed with exit code ${started.exitCode}.`, stepName);
    else run.log(`Process completed with exit code ${started.exitCode}.`, stepName);
    failed = true;
  }
  return { ok: !failed, outputs, state };
}

function resolveDir(base: string, dir: string | undefined): string {
  if (!dir) return base;
  return isAbsolute(dir) ? dir : join(base, dir);
}

/** The inputs an action step receives: action.yml defaults (expressions allowed) overridden by `with`. */
function actionInputs(
  run: JobRun,
  manifest: ActionManifest,
  given: Record<string, string>,
  scope: ExpressionScope,
  stepName: string,
): Record<string, string> {
  const inputs: Record<string, string> = {};
  const declared = new Set(manifest.inputs.map((input) => input.name.toLowerCase()));
  for (const input of manifest.inputs) {
    const provided = Object.keys(given).find((key) => key.toLowerCase() === input.name.toLowerCase());
    if (provided !== undefined) inputs[input.name] = given[provided] as string;
    else if (input.default !== undefined) inputs[input.name] = asString(interpolate(input.default, scope));
    else if (input.required)
      run.annotate('warning', `Input required and not supplied: ${input.name}`, stepName);
    else inputs[input.name] = '';
    if (provided !== undefined && input.deprecationMessage)
      run.annotate(
        'warning',
        `Input '${input.name}' has been deprecated with message: ${input.deprecationMessage}`,
        stepName,
      );
  }
  const unexpected = Object.keys(given).filter((key) => !declared.has(key.toLowerCase()));
  if (unexpected.length) {
    run.annotate(
      'warning',
      `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${manifest.inputs.map((i) => i.name).join("', '")}']`,
      stepName,
    );
    for (const key of unexpected) inputs[key] = given[key] as string;
  }
  return inputs;
}

function inputsEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) env[inputEnvName(name)] = value;
  return env;
}

function stateEnv(state: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(state)) env[`STATE_${name}`] = value;
  return env;
}

interface StepOutcome {
  outcome: Conclusion;
  outputs: Record<string, string>;
}

/** Run one step in `frame`; updates the frame's status and steps context. */
async function runStep(
  run: JobRun,
  frame: Frame,
  spec: StepSpec,
  preState: Map<StepSpec, Record<string, string>>,
): Promise<void> {
  const started = Date.now();
  let env = run.envContext(frame);
  let scope = run.scope(frame, env);
  let name = spec.id;
  let outcome: Conclusion = 'success';
  let outputs: Record<string, string> = {};
  let continueOnError = false;
  try {
    name = frame.prefix + spec.name(scope);
  } catch {
    // a name that does not evaluate falls back to the id
  }
  try {
    // The step's own env is evaluated first, so its `if:` sees it (StepsRunner merges the step's
    // env block into the env context before it evaluates the condition).
    env = spec.env(scope, env);
    scope = run.scope(frame, env);
    if (!spec.condition(scope)) {
      run.log(`Skipped: ${name}`, name);
      record(run, frame, spec, name, 'skipped', 'skipped', {}, started);
      return;
    }
    run.shared.emit({ kind: 'step-start', job: run.input.displayName, step: name, text: name });
    continueOnError = spec.continueOnError(scope);
    const result = await executeStep(run, frame, spec, scope, env, name, preState);
    outcome = result.outcome;
    outputs = result.outputs;
  } catch (error) {
    run.annotate('error', error instanceof Error ? error.message : String(error), name);
    outcome = 'failure';
  }
  const conclusion: Conclusion = outcome === 'failure' && continueOnError ? 'success' : outcome;
  if (conclusion === 'failure') frame.status = 'failure';
  record(run, frame, spec, name, outcome, conclusion, outputs, started);
}

function record(
  run: JobRun,
  frame: Frame,
  spec: StepSpec,
  name: string,
  outcome: Conclusion,
  conclusion: Conclusion,
  outputs: Record<string, string>,
  started: number,
): void {
  if (spec.explicitId) frame.steps[spec.id] = { outputs, outcome, conclusion };
  if (frame.depth === 0)
    run.stepResults.push({
      id: spec.id,
      name,
      outcome,
      conclusion,
      outputs,
      durationMs: Date.now() - started,
    });
  if (outcome !== 'skipped') {
    run.shared.emit({
      kind: 'step-end',
      job: run.input.displayName,
      step: name,
      text: outcome === conclusion ? outcome : `${outcome} (continue-on-error)`,
    });
  }
}

async function executeStep(
  run: JobRun,
  frame: Frame,
  spec: StepSpec,
  scope: ExpressionScope,
  env: Record<string, string>,
  name: string,
  preState: Map<StepSpec, Record<string, string>>,
): Promise<StepOutcome> {
  const timeoutMinutes = spec.timeoutMinutes(scope);
  if (spec.uses === undefined) {
    const script = spec.run(scope) ?? '';
    const shellName = spec.shell(scope) ?? frame.defaults.shell;
    const shell = resolveShell(shellName, run.pathFor(env));
    const cwd = resolveDir(run.workspace, spec.workingDirectory(scope) ?? frame.defaults.workingDirectory);
    if (!existsSync(cwd))
      throw new Error(
        `An error occurred trying to start process '${shell.file}' with working directory '${cwd}'. No such file or directory`,
      );
    const scriptPath = join(run.temp, `${randomUUID()}${shell.extension}`);
    writeFileSync(scriptPath, shell.wrap(script));
    const args = shell.args.map((arg) => arg.replace('{0}', scriptPath));
    const result = await execProcess(run, name, spec.id, shell.file, args, {
      env,
      cwd,
      timeoutMinutes,
      action: frame.action,
      isScript: true,
    });
    return { outcome: stepOutcome(result), outputs: result.outputs };
  }
  const source = resolveAction(spec.uses, run.workspace, run.shared.actionMap, name);
  const given = spec.with(scope);
  if (source.kind === 'checkout') return checkout(run, given, name);
  const manifest = source.manifest;
  const action = { path: source.dir, repository: source.repository, ref: source.ref };
  const actionScope: ExpressionScope = {
    ...scope,
    contexts: {
      ...scope.contexts,
      github: { ...(scope.contexts['github'] as Record<string, Value>), action_path: source.dir },
    },
  };
  const inputs = actionInputs(run, manifest, given, actionScope, name);
  if (manifest.runs.using.toLowerCase() === 'composite')
    return runComposite(run, frame, spec, source, inputs, env, name);
  const state = preState.get(spec) ?? {};
  const main = join(source.dir, String(manifest.runs['main']));
  const result = await execProcess(run, name, spec.id, run.shared.nodePath, [main], {
    env,
    extraEnv: { ...inputsEnv(inputs), ...stateEnv(state) },
    cwd: run.workspace,
    timeoutMinutes,
    action,
    isScript: false,
  });
  Object.assign(state, result.state);
  if (typeof manifest.runs['post'] === 'string') {
    run.posts.push({
      name: `Post ${name}`,
      condition:
        typeof manifest.runs['post-if'] === 'string' ? (manifest.runs['post-if'] as string) : 'always()',
      script: join(source.dir, manifest.runs['post'] as string),
      source,
      inputsEnv: inputsEnv(inputs),
      stepEnv: env,
      state,
      frame,
      stepId: spec.id,
    });
  }
  return { outcome: stepOutcome(result), outputs: result.outputs };
}

function stepOutcome(result: ExecOutcome): Conclusion {
  return result.ok ? 'success' : result.cancelled ? 'cancelled' : 'failure';
}

async function runComposite(
  run: JobRun,
  parent: Frame,
  spec: StepSpec,
  source: ActionSource & { kind: 'action' },
  inputs: Record<string, string>,
  env: Record<string, string>,
  name: string,
): Promise<StepOutcome> {
  if (parent.depth >= 9) throw new Error(`${name}: composite actions are nested more than 9 levels deep`);
  const rawSteps = source.manifest.runs['steps'] as Array<Record<string, unknown>>;
  const frame: Frame = {
    steps: {},
    inputs,
    // The calling step's own env applies to every step of the action.
    envOverlay: Object.fromEntries(
      Object.entries(env).filter(([key, value]) => run.envContext(parent)[key] !== value),
    ),
    status: parent.status === 'failure' ? 'failure' : 'success',
    action: { path: source.dir, repository: source.repository, ref: source.ref },
    defaults: {},
    prefix: `${name} / `,
    depth: parent.depth + 1,
  };
  const specs = rawSteps.map((raw, index) => compositeStepSpec(raw, index));
  const preState = new Map<StepSpec, Record<string, string>>();
  for (const child of specs) await runStep(run, frame, child, preState);
  const outputs: Record<string, string> = {};
  const scope = run.scope(frame, run.envContext(frame), { action_path: source.dir });
  for (const output of source.manifest.outputs) {
    try {
      outputs[output.name] = asString(output.value === undefined ? '' : interpolate(output.value, scope));
    } catch (error) {
      run.annotate('error', `${name}: output '${output.name}': ${(error as Error).message}`, name);
      frame.status = 'failure';
    }
  }
  void spec;
  return {
    outcome: frame.status === 'success' ? 'success' : frame.status === 'cancelled' ? 'cancelled' : 'failure',
    outputs,
  };
}

/** actions/checkout: the repository is copied in (or, with --bind, already is the workspace). */
async function checkout(run: JobRun, given: Record<string, string>, name: string): Promise<StepOutcome> {
  const repository = given['repository'];
  const own = `${run.shared.repo.owner}/${run.shared.repo.name}`;
  const target = resolveDir(run.workspace, given['path']);
  if (repository && repository.toLowerCase() !== own.toLowerCase()) {
    const mapped = Object.entries(run.shared.actionMap).find(
      ([key]) => key.toLowerCase().replace(/@.*$/, '') === repository.toLowerCase(),
    );
    if (!mapped)
      throw new EngineUsageError(
        `${name}: checking out another repository (${repository}) needs a local copy; pass --action-map ${repository}=DIR`,
      );
    await copyRepository(mapped[1], target, undefined, undefined);
    run.log(`Copied ${mapped[1]} into ${target}`, name);
    return { outcome: 'success', outputs: {} };
  }
  if (given['ref'])
    run.log(`ref '${given['ref']}' ignored: paved run checks out the local working tree`, name);
  if (run.shared.options.bind && target === run.workspace) {
    run.log(`The workspace is the repository itself (--bind): ${run.workspace}`, name);
  } else if (target !== run.workspace || run.workspaceTouched) {
    await cloneTree(await run.shared.template(), target);
    run.log(`Copied the working tree of ${run.shared.repo.root} into ${target}`, name);
  } else {
    run.log(`The workspace already holds the working tree of ${run.shared.repo.root}`, name);
  }
  return { outcome: 'success', outputs: {} };
}

/** Pre steps of JavaScript actions, in step order, before the first step. */
async function runPreSteps(
  run: JobRun,
  frame: Frame,
  specs: StepSpec[],
  preState: Map<StepSpec, Record<string, string>>,
): Promise<void> {
  for (const spec of specs) {
    if (!spec.uses || spec.uses.startsWith('docker://')) continue;
    if (spec.uses.startsWith('./') || spec.uses === '.') {
      // The runner cannot run a local action's pre: before the job's steps the action is not
      // checked out yet (ActionManager: "`pre` execution is not supported for local action").
      // Its post: still runs, registered when the main step runs.
      let local: ActionSource | undefined;
      try {
        local = resolveAction(spec.uses, run.workspace, run.shared.actionMap, spec.uses);
      } catch {
        local = undefined;
      }
      if (local?.kind === 'action' && typeof local.manifest.runs['pre'] === 'string')
        run.log(`\`pre\` execution is not supported for local action from '${spec.uses}'`);
      continue;
    }
    let source: ActionSource;
    try {
      source = resolveAction(spec.uses, run.workspace, run.shared.actionMap, spec.uses);
    } catch {
      continue; // reported when the step itself runs
    }
    if (source.kind !== 'action' || typeof source.manifest.runs['pre'] !== 'string') continue;
    const env = run.envContext(frame);
    let scope = run.scope(frame, env);
    const name = `Pre ${spec.name(scope)}`;
    const preIf =
      typeof source.manifest.runs['pre-if'] === 'string'
        ? (source.manifest.runs['pre-if'] as string)
        : 'always()';
    if (!evaluateCondition(preIf, scope, 'always()')) {
      run.log(`Skipped: ${name}`, name);
      continue;
    }
    run.shared.emit({ kind: 'step-start', job: run.input.displayName, step: name, text: name });
    const stepEnv = spec.env(scope, env);
    scope = run.scope(frame, stepEnv);
    const inputs = actionInputs(run, source.manifest, spec.with(scope), scope, name);
    const result = await execProcess(
      run,
      name,
      spec.id,
      run.shared.nodePath,
      [join(source.dir, source.manifest.runs['pre'] as string)],
      {
        env: stepEnv,
        extraEnv: inputsEnv(inputs),
        cwd: run.workspace,
        timeoutMinutes: undefined,
        action: { path: source.dir, repository: source.repository, ref: source.ref },
        isScript: false,
      },
    );
    preState.set(spec, result.state);
    if (!result.ok) frame.status = 'failure';
    run.shared.emit({
      kind: 'step-end',
      job: run.input.displayName,
      step: name,
      text: result.ok ? 'success' : 'failure',
    });
  }
}

async function runPostSteps(run: JobRun): Promise<void> {
  for (const post of [...run.posts].reverse()) {
    const scope = run.scope(post.frame, post.stepEnv);
    let ok: boolean;
    try {
      ok = evaluateCondition(post.condition, { ...scope, status: { status: () => run.status } }, 'always()');
    } catch (error) {
      run.annotate('error', (error as Error).message, post.name);
      continue;
    }
    if (!ok) {
      run.log(`Skipped: ${post.name}`, post.name);
      continue;
    }
    run.shared.emit({ kind: 'step-start', job: run.input.displayName, step: post.name, text: post.name });
    const result = await execProcess(run, post.name, post.stepId, run.shared.nodePath, [post.script], {
      env: post.stepEnv,
      extraEnv: { ...post.inputsEnv, ...stateEnv(post.state) },
      cwd: run.workspace,
      timeoutMinutes: undefined,
      action: { path: post.source.dir, repository: post.source.repository, ref: post.source.ref },
      isScript: false,
    });
    if (!result.ok && run.status === 'success') run.status = 'failure';
    run.shared.emit({
      kind: 'step-end',
      job: run.input.displayName,
      step: post.name,
      text: result.ok ? 'success' : 'failure',
    });
  }
}

/** Run a job leg to completion. Never throws: problems become a failed job with an annotation. */
export async function runJob(input: JobInput): Promise<JobResult> {
  const started = Date.now();
  const run = new JobRun(input);
  const { shared, job, scope: wf } = input;
  const frame: Frame = {
    steps: {},
    inputs: wf.inputs,
    envOverlay: {},
    status: 'success',
    action: undefined,
    defaults: {},
    prefix: '',
    depth: 0,
  };
  let outputs: Record<string, string> = {};
  let environment: JobResult['environment'];
  let jobContinueOnError = false;
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    run.status = 'cancelled';
    frame.status = 'cancelled';
  };
  shared.emit({ kind: 'job-start', job: input.displayName, text: input.displayName });
  try {
    await run.setUp();
    const baseScope = run.scope(frame, { ...(shared.options.env ?? {}) });
    const workflowEnv = evaluateEnvMap(wf.model.env, baseScope, { ...(shared.options.env ?? {}) });
    run.jobEnv = evaluateEnvMap(job.env, run.scope(frame, workflowEnv), workflowEnv);
    const defaults = {
      ...readDefaults(wf.model.defaults, run.scope(frame, run.jobEnv)),
      ...readDefaults(job.defaults, run.scope(frame, run.jobEnv)),
    };
    frame.defaults = defaults;
    jobContinueOnError =
      job.continueOnError !== undefined &&
      isTruthy(evaluateToken(job.continueOnError, run.scope(frame, run.jobEnv)));
    // Absent: GitHub's 360 minutes; 0 (or a fraction of a minute, truncated to 0): no limit.
    const timeout =
      job.timeoutMinutes === undefined
        ? 360
        : timeoutMinutesFrom(
            evaluateToken(job.timeoutMinutes, run.scope(frame, run.jobEnv)),
            'timeout-minutes',
          );
    // The job's own signal: the leg's (fail-fast, run cancel) or its timeout.
    const controller = new AbortController();
    if (timeout !== undefined) {
      timer = setTimeout(
        () => {
          run.annotate(
            'error',
            `The job running on runner paved has exceeded the maximum execution time of ${timeout} minutes.`,
            undefined,
          );
          controller.abort();
        },
        timeout * (shared.options.minuteMs ?? 60_000),
      );
      timer.unref();
    }
    if (input.signal.aborted) controller.abort();
    else input.signal.addEventListener('abort', () => controller.abort(), { once: true });
    controller.signal.addEventListener('abort', onAbort, { once: true });
    if (controller.signal.aborted) onAbort();
    run.signal = controller.signal;
    if (job.container)
      run.annotate(
        'warning',
        "'container:' is ignored: paved run runs the job's steps on the host",
        undefined,
      );
    if (job.services)
      run.annotate(
        'warning',
        "'services:' are not started: paved run has no Docker; start them yourself (see paved sandbox)",
        undefined,
      );
    const specs = job.steps.map(workflowStepSpec);
    const preState = new Map<StepSpec, Record<string, string>>();
    await runPreSteps(run, frame, specs, preState);
    for (const spec of specs) {
      await runStep(run, frame, spec, preState);
      if (frame.status === 'failure' && run.status === 'success') run.status = 'failure';
    }
    await runPostSteps(run);
    if (run.status !== 'cancelled' && frame.status === 'failure') run.status = 'failure';
    outputs = jobOutputs(run, frame);
    environment = jobEnvironmentResult(run, frame);
  } catch (error) {
    run.annotate('error', error instanceof Error ? error.message : String(error), undefined);
    if (run.status !== 'cancelled') run.status = 'failure';
  } finally {
    if (timer) clearTimeout(timer);
    cleanUpProcesses(run);
    // Removed as soon as the job ends, so the cost overlaps with jobs still running.
    if (!shared.options.keepTemp)
      await rm(run.jobDir, { recursive: true, force: true }).catch(() => undefined);
  }
  const outcome: Conclusion = run.status;
  const conclusion: Conclusion = outcome === 'failure' && jobContinueOnError ? 'success' : outcome;
  const result: JobResult = {
    id: `${wf.idPrefix}${job.id}`,
    name: input.displayName,
    matrix: input.matrix,
    outcome,
    conclusion,
    outputs,
    steps: run.stepResults,
    durationMs: Date.now() - started,
    summary: run.summary,
    workspace: shared.options.bind ? undefined : run.workspace,
    ...(input.extras
      ? {
          permissions: input.extras.permissions,
          ...(input.extras.environment
            ? { environment: environment ?? { name: input.extras.environment.name } }
            : {}),
        }
      : {}),
  };
  shared.emit({ kind: 'job-end', job: input.displayName, text: conclusion });
  return result;
}

function readDefaults(
  token: TemplateToken | undefined,
  scope: ExpressionScope,
): { shell?: string; workingDirectory?: string } {
  if (!token) return {};
  const value = evaluateToken(token, scope);
  const runDefaults = value && typeof value === 'object' && !Array.isArray(value) ? value['run'] : undefined;
  if (!runDefaults || typeof runDefaults !== 'object' || Array.isArray(runDefaults)) return {};
  const out: { shell?: string; workingDirectory?: string } = {};
  if (runDefaults['shell'] !== undefined && runDefaults['shell'] !== null)
    out.shell = asString(runDefaults['shell']);
  if (runDefaults['working-directory'] !== undefined && runDefaults['working-directory'] !== null)
    out.workingDirectory = asString(runDefaults['working-directory']);
  return out;
}

function jobOutputs(run: JobRun, frame: Frame): Record<string, string> {
  const outputs: Record<string, string> = {};
  if (!run.input.job.outputs) return outputs;
  const scope = run.scope(frame, run.envContext(frame));
  let values: Record<string, string>;
  try {
    values = evaluateStringMap(run.input.job.outputs, scope);
  } catch (error) {
    run.annotate('error', `Job outputs: ${(error as Error).message}`, undefined);
    return outputs;
  }
  for (const [key, value] of Object.entries(values)) {
    if (run.shared.masker.contains(value)) {
      run.annotate('warning', `Skip output '${key}' since it may contain secret.`, undefined);
      continue;
    }
    outputs[key] = value;
  }
  return outputs;
}

/** The job's environment with its URL, which may use step outputs (`url: ${{ steps.deploy.outputs.url }}`). */
function jobEnvironmentResult(run: JobRun, frame: Frame): JobResult['environment'] {
  const environment = run.input.extras?.environment;
  if (!environment) return undefined;
  try {
    const url = environmentUrl(environment, run.scope(frame, run.envContext(frame)));
    return url ? { name: environment.name, url } : { name: environment.name };
  } catch (error) {
    run.annotate('error', `environment url: ${(error as Error).message}`, undefined);
    return { name: environment.name };
  }
}

/** Stop whatever the job's steps left running in the background, as the runner does at job end. */
function cleanUpProcesses(run: JobRun): void {
  // Processes inherit the environment, so the marker finds everything the steps left running
  // (a server started with `&`), and nothing else.
  const marker = `RUNNER_TRACKING_ID=${run.trackingId}\0`;
  signalTracked(marker, 'SIGTERM');
  // A process that was still inside execve when we looked (a step that starts something in the
  // background as its last act) has no readable environment for that moment and is missed: look
  // again shortly, then KILL whatever ignored TERM.
  setTimeout(() => {
    signalTracked(marker, 'SIGTERM');
    setTimeout(() => signalTracked(marker, 'SIGKILL'), 2000).unref();
  }, 250);
}

/** Reused for every /proc/<pid>/environ read: the scan runs three times per job. */
const environBuffer = Buffer.alloc(128 * 1024);

/** Send `signal` to every process whose environment carries `marker`. */
function signalTracked(marker: string, signal: NodeJS.Signals): void {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return; // no procfs: nothing to find
  }
  const needle = Buffer.from(marker.replace(/\0$/, ''), 'latin1');
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let length = 0;
    try {
      const fd = openSync(`/proc/${entry}/environ`, 'r');
      try {
        // 128 KiB holds any step's environment; a process with a larger one is read in part.
        for (let read = 1; read > 0 && length < environBuffer.length; length += read)
          read = readSync(fd, environBuffer, length, environBuffer.length - length, null);
      } finally {
        closeSync(fd);
      }
    } catch {
      continue; // gone, or not ours to read
    }
    const environ = environBuffer.subarray(0, length);
    // The marker is a whole variable: at the start or after a NUL, and followed by NUL or the end.
    let at = environ.indexOf(needle);
    while (at >= 0) {
      const end = at + needle.length;
      if ((at === 0 || environ[at - 1] === 0) && (end === environ.length || environ[end] === 0)) break;
      at = environ.indexOf(needle, at + 1);
    }
    if (at < 0) continue;
    try {
      process.kill(Number(entry), signal);
    } catch {
      // already gone
    }
  }
}

/** Append a job's summary to `<dir>/<name>.md`. */
export function writeSummary(dir: string, jobName: string, summary: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${jobName.replace(/[^A-Za-z0-9_.-]+/g, '_')}.md`);
  appendFileSync(file, summary);
  return file;
}
