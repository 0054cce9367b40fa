/**
 * `paved run`: execute a workflow (or every workflow in a directory that runs on the event) on this
 * machine, as GitHub would, and print each job's lines live, then a table of jobs and annotations.
 * Exit 0 when the run succeeds, 1 when it fails, 2 for usage and workflow errors (nothing is run then).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { formatDuration } from '../../shared/duration.js';
import { quote } from '../../shared/errors.js';
import { gitTopLevel as topLevel } from '../../engine/repo.js';
import type { EnvironmentSettings, JobResult, LogEvent, OidcTokenSource } from '../../engine/types.js';
import { DotenvError, parseDotenv } from '../dotenv.js';
import { workflowTable } from '../run-report.js';
import type { SandboxRunValues } from '../../sandbox/control.js';
import type { Command, CliIo } from '../command.js';
import type { GitHubTokenSource } from '../sandbox-github-token.js';

const USAGE =
  'paved run [WORKFLOW_FILE|DIR] [--event NAME] [--activity TYPE] [--eventpath FILE] [--job ID] [--input K=V]... [--secret K[=V]]... [--secret-file FILE] ' +
  '[--var K=V]... [--env K=V]... [--action-map OWNER/REPO[/PATH]@REF=DIR]... [--jobs N] [--bind] [--list] [--dry-run] [--summary-dir DIR] [--sandbox] [--cache-dir DIR | --no-cache] [--keep-temp] [--debug] [--force] [--approve ENV]...';

class UsageError extends Error {}

/** Every option in {@link USAGE}. */
const OPTIONS = [...new Set(USAGE.match(/--[a-z][a-z-]*/g) ?? [])];

/** Edits (insert, delete, substitute, swap neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      row[j] = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  return (d[a.length] as number[])[b.length] as number;
}

/** The refusal of an unknown option: the closest known one (two edits at most), else the usage. */
function unknownOption(arg: string, flag: string): UsageError {
  let best: string | undefined;
  let bestDistance = 3;
  for (const option of OPTIONS) {
    const distance = editDistance(flag, option);
    if (distance < bestDistance) [best, bestDistance] = [option, distance];
  }
  return new UsageError(
    `unknown option ${quote(arg)}; ${best ? `did you mean ${best}?` : `usage: ${USAGE}`}`,
  );
}

interface Parsed {
  workflow: string | undefined;
  event: string | undefined;
  /** The event's activity type (`github.event.action`); checked against the event by the engine. */
  activity: string | undefined;
  eventPath: string | undefined;
  job: string | undefined;
  inputs: Record<string, string>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  env: Record<string, string>;
  actionMap: Record<string, string>;
  jobs: number | undefined;
  bind: boolean;
  list: boolean;
  dryRun: boolean;
  summaryDir: string | undefined;
  keepTemp: boolean;
  debug: boolean;
  sandbox: boolean;
  cacheDir: string | undefined;
  cache: boolean;
  force: boolean;
  /** Protected environments approved up front (`--approve production`). */
  approve: string[];
}

/** `K=V` (the value may contain `=`); the key must be non-empty. */
export function parsePair(flag: string, raw: string): [string, string] {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new UsageError(`${flag} must be KEY=VALUE; got ${quote(raw)}`);
  return [raw.slice(0, eq), raw.slice(eq + 1)];
}

/**
 * Refuse a `--var`, `--secret` or `--env` name GitHub would not accept ("Naming your secrets", and the
 * same rules for configuration variables): letters, digits and `_`, not starting with a digit, and for
 * variables and secrets not starting with `GITHUB_` — except the GITHUB_TOKEN secret, which act (and a
 * run that needs a real token) takes from `--secret`. `raw` is the argument as given.
 */
function checkName(flag: '--var' | '--secret' | '--env', name: string, raw: string): void {
  const like = `like ${flag} NAME=value; got ${quote(raw)}`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new UsageError(`${flag} names are letters, digits and _, not starting with a digit, ${like}`);
  if (flag !== '--env' && /^GITHUB_/i.test(name) && !(flag === '--secret' && /^GITHUB_TOKEN$/i.test(name)))
    throw new UsageError(`${flag} names may not start with GITHUB_ (GitHub reserves them), ${like}`);
}

/** A secrets file in the dotenv format act's `--secret-file` reads (see cli/dotenv.ts). */
export function parseSecretFile(path: string, text: string): Record<string, string> {
  try {
    return parseDotenv(text);
  } catch (error) {
    if (error instanceof DotenvError) throw new UsageError(`${path}:${error.line}: ${error.message}`);
    throw error;
  }
}

export function parseRunArgs(args: string[], env: NodeJS.ProcessEnv): Parsed {
  const parsed: Parsed = {
    workflow: undefined,
    event: undefined,
    activity: undefined,
    eventPath: undefined,
    job: undefined,
    inputs: {},
    secrets: {},
    vars: {},
    env: {},
    actionMap: {},
    jobs: undefined,
    bind: false,
    list: false,
    dryRun: false,
    summaryDir: undefined,
    keepTemp: false,
    debug: false,
    sandbox: false,
    cacheDir: undefined,
    cache: true,
    force: false,
    approve: [],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    // `--flag=value` and `--flag value` are the same.
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--event':
        parsed.event = value();
        break;
      case '--activity':
        parsed.activity = value();
        break;
      case '--eventpath':
        parsed.eventPath = value();
        break;
      case '--job':
        parsed.job = value();
        break;
      case '--input': {
        const [k, v] = parsePair('--input', value());
        parsed.inputs[k] = v;
        break;
      }
      case '--var':
      case '--env': {
        const which = flag as '--var' | '--env';
        const raw = value();
        const [k, v] = parsePair(which, raw);
        checkName(which, k, raw);
        parsed[which === '--var' ? 'vars' : 'env'][k] = v;
        break;
      }
      case '--secret': {
        const raw = value();
        if (!raw.includes('=')) {
          // `--secret NAME` takes the value from the environment, so it never appears in shell history.
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw))
            throw new UsageError(
              `--secret must be NAME=VALUE or NAME (read from the environment); got ${quote(raw)}`,
            );
          checkName('--secret', raw, raw);
          const fromEnv = env[raw];
          if (fromEnv === undefined)
            throw new UsageError(
              `--secret ${raw}: no environment variable ${raw} to read it from; use --secret ${raw}=VALUE`,
            );
          parsed.secrets[raw] = fromEnv;
        } else {
          const [k, v] = parsePair('--secret', raw);
          checkName('--secret', k, raw);
          parsed.secrets[k] = v;
        }
        break;
      }
      case '--secret-file': {
        const path = value();
        if (!existsSync(path)) throw new UsageError(`--secret-file ${path}: no such file`);
        Object.assign(parsed.secrets, parseSecretFile(path, readFileSync(path, 'utf8')));
        break;
      }
      case '--action-map': {
        const raw = value();
        const eq = raw.lastIndexOf('=');
        const key = eq > 0 ? raw.slice(0, eq) : '';
        if (!/^[^/@=\s]+\/[^/@=\s]+(\/[^@=\s]+)?(@[^=\s]+)?$/.test(key) || eq === raw.length - 1) {
          throw new UsageError(`--action-map must be OWNER/REPO[/PATH]@REF=LOCAL_DIR; got ${quote(raw)}`);
        }
        const dir = raw.slice(eq + 1);
        if (!existsSync(dir))
          throw new UsageError(`--action-map ${key}: directory ${quote(dir)} does not exist`);
        parsed.actionMap[key] = resolve(dir);
        break;
      }
      case '--jobs': {
        const raw = value();
        if (!/^[1-9]\d*$/.test(raw))
          throw new UsageError(`--jobs must be a positive whole number; got ${quote(raw)}`);
        parsed.jobs = Number(raw);
        break;
      }
      case '--summary-dir':
        parsed.summaryDir = value();
        break;
      case '--bind':
        parsed.bind = true;
        break;
      case '--list':
        parsed.list = true;
        break;
      case '--dry-run':
      case '-n':
        parsed.dryRun = true;
        break;
      case '--keep-temp':
        parsed.keepTemp = true;
        break;
      case '--debug':
        parsed.debug = true;
        break;
      case '--sandbox':
        parsed.sandbox = true;
        break;
      case '--cache-dir':
        parsed.cacheDir = value();
        break;
      case '--no-cache':
        parsed.cache = false;
        break;
      case '--force':
        parsed.force = true;
        break;
      case '--approve': {
        const name = value().trim();
        if (!name) throw new UsageError('--approve needs an environment name, like --approve production');
        parsed.approve.push(name);
        break;
      }
      default:
        if (arg.startsWith('-')) throw unknownOption(arg, flag);
        if (parsed.workflow !== undefined)
          throw new UsageError(
            `only one workflow file or directory can be given; got ${quote(parsed.workflow)} and ${quote(arg)}`,
          );
        parsed.workflow = arg;
    }
  }
  return parsed;
}

/**
 * Where `paved run` keeps its Actions cache between runs: one directory per repository under
 * $XDG_CACHE_HOME/paved (else ~/.cache/paved), never inside the repository (job workspaces copy it).
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv, workflowPath: string): string {
  const base = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  const repo = gitTopLevel(workflowPath, env) ?? dirname(workflowPath);
  const id = createHash('sha256').update(repo).digest('hex').slice(0, 16);
  return join(base, 'paved', 'actions-cache', `${basename(repo) || 'root'}-${id}`);
}

/** The git work tree a workflow file (or directory) is in; see the engine's {@link topLevel}. */
function gitTopLevel(path: string, env: NodeJS.ProcessEnv): string | undefined {
  return topLevel(existsSync(path) && statSync(path).isDirectory() ? path : dirname(path), env);
}

const STATUS_MARK: Record<string, string> = { success: '✓', failure: '✗', cancelled: '⊘', skipped: '-' };

function shortStep(step: string): string {
  const first = step.split('\n')[0] ?? '';
  return first.length > 48 ? `${first.slice(0, 47)}…` : first;
}

/** Render one engine log event as a terminal line (or nothing). */
function render(event: LogEvent): string | undefined {
  const job = `[${event.job}]`;
  const step = event.step !== undefined ? ` ${shortStep(event.step)} |` : '';
  switch (event.kind) {
    case 'job-start':
      return `${job} ⏵ job started`;
    case 'job-end':
      return `${job} ${STATUS_MARK[event.text] ?? ''} job ${event.text}`;
    case 'step-start':
      return `${job} ⏵ ${shortStep(event.text)}`;
    case 'step-end':
      return `${job} ${STATUS_MARK[event.text.split(' ')[0] ?? ''] ?? ''} ${shortStep(event.step ?? '')}: ${event.text}`;
    case 'command': {
      const match = /^##\[(\w+)\](.*)$/s.exec(event.text);
      if (!match) return `${job}${step} ${event.text}`;
      const [, name = '', text = ''] = match;
      if (name === 'endgroup') return undefined;
      if (name === 'group') return `${job}${step} ▸ ${text}`;
      const label =
        name === 'error' ? 'Error' : name === 'warning' ? 'Warning' : name === 'notice' ? 'Notice' : 'Debug';
      return `${job}${step} ${label}: ${text}`;
    }
    default:
      return `${job}${step} ${event.text}`;
  }
}

async function list(workflow: string, io: CliIo): Promise<number> {
  const { loadWorkflow } = await import('../../engine/index.js');
  const target = resolve(io.cwd, workflow);
  const { readdirSync, statSync } = await import('node:fs');
  const files = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => join(target, f))
    : [target];
  for (const file of files) {
    const model = await loadWorkflow(file, file);
    io.out(`${model.file}  (${model.name ?? 'unnamed'}; on: ${model.events.join(', ')})`);
    for (const job of model.jobs)
      io.out(
        `  ${job.id.padEnd(28)} ${job.kind === 'reusable' ? `uses ${job.uses}` : `${job.steps.length} step(s)`}${job.needs.length ? `  needs: ${job.needs.join(', ')}` : ''}`,
      );
  }
  return 0;
}

/** The per-job summary: job, conclusion, duration, and the environment column when any job has one. */
export function runTable(jobs: JobResult[]): string[] {
  const width = Math.max(3, ...jobs.map((job) => job.name.length));
  const withEnvironment = jobs.some((job) => job.environment);
  const envWidth = Math.max(11, ...jobs.map((job) => job.environment?.name.length ?? 0));
  const envCell = (job: JobResult): string =>
    withEnvironment ? `${(job.environment?.name ?? '').padEnd(envWidth)}  ` : '';
  const lines = [
    `${'JOB'.padEnd(width)}  ${'CONCLUSION'.padEnd(10)}  ${withEnvironment ? `${'ENVIRONMENT'.padEnd(envWidth)}  ` : ''}DURATION`,
  ];
  for (const job of jobs) {
    const note = job.outcome !== job.conclusion ? ` (outcome ${job.outcome}, continue-on-error)` : '';
    const url = job.environment?.url ? `  ${job.environment.url}` : '';
    lines.push(
      `${job.name.padEnd(width)}  ${job.conclusion.padEnd(10)}  ${envCell(job)}${formatDuration(job.durationMs)}${note}${url}`,
    );
  }
  return lines;
}

interface RunSettings {
  environments: Record<string, EnvironmentSettings>;
  defaultPermissions: 'permissive' | 'restricted' | undefined;
}

/** Environments and default permissions from the `.github/paved.yml` of the workflow's repository. */
async function runSettings(workflowPath: string, env: NodeJS.ProcessEnv): Promise<RunSettings> {
  const root = gitTopLevel(workflowPath, env);
  if (!root) return { environments: {}, defaultPermissions: undefined };
  const { readSettings, resolveEnvironments } = await import('../settings.js');
  const settings = readSettings(root);
  return {
    environments: resolveEnvironments(settings.environments ?? {}, env, root),
    defaultPermissions: settings.defaultPermissions,
  };
}

/**
 * Approvals for protected environments: those named by --approve pass; on a terminal the user is asked
 * once per environment (jobs waiting for the same one share the answer); otherwise the job fails.
 */
export function approver(
  approved: string[],
  environments: Record<string, EnvironmentSettings>,
  io: Pick<CliIo, 'interactive' | 'err'>,
  ask?: (question: string) => Promise<string>,
): (request: { environment: string; job: string; url?: string }) => Promise<boolean> {
  const given = new Set(approved.map((name) => name.toLowerCase()));
  const answers = new Map<string, Promise<boolean>>();
  let queue: Promise<unknown> = Promise.resolve();
  return async ({ environment, job, url }) => {
    const key = environment.toLowerCase();
    if (given.has(key)) return true;
    const prompt = ask ?? (io.interactive ? terminalQuestion : undefined);
    if (!prompt) return false;
    let answer = answers.get(key);
    if (!answer) {
      const reviewers = Object.entries(environments).find(([name]) => name.toLowerCase() === key)?.[1]
        .reviewers;
      const question = `Job '${job}' deploys to the protected environment '${environment}'${url ? ` (${url})` : ''}${reviewers?.length ? `; reviewers: ${reviewers.join(', ')}` : ''}. Approve? [y/N] `;
      // One question at a time, even when parallel jobs wait for different environments.
      answer = (async () => {
        const previous = queue;
        let done!: () => void;
        queue = new Promise<void>((resolve) => (done = resolve));
        await previous;
        try {
          return /^y(es)?$/i.test((await prompt(question)).trim());
        } finally {
          done();
        }
      })();
      answers.set(key, answer);
    }
    return answer;
  };
}

async function terminalQuestion(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

export const command: Command = {
  name: 'run',
  summary: 'run a GitHub Actions workflow on this machine, as GitHub would (no Docker)',
  usage: USAGE,
  async run(args, io) {
    let parsed: Parsed;
    try {
      parsed = parseRunArgs(args, io.env);
    } catch (error) {
      if (error instanceof UsageError) {
        io.err(`paved run: ${error.message}`);
        return 2;
      }
      throw error;
    }
    const workflow = parsed.workflow ?? join('.github', 'workflows');
    const engine = await import('../../engine/index.js');
    const fail = (error: unknown): number => {
      if (error instanceof engine.WorkflowSyntaxError) {
        for (const problem of error.problems) io.err(problem);
        return 2;
      }
      if (error instanceof engine.EngineUsageError) {
        io.err(`paved run: ${error.message}`);
        return 2;
      }
      throw error;
    };
    if (!existsSync(resolve(io.cwd, workflow)))
      return fail(new engine.EngineUsageError(`${workflow}: no such file or directory`));
    if (parsed.list) {
      try {
        return await list(workflow, io);
      } catch (error) {
        return fail(error);
      }
    }
    let eventPayload: Record<string, unknown> | undefined;
    if (parsed.eventPath) {
      const path = resolve(io.cwd, parsed.eventPath);
      if (!existsSync(path))
        return fail(new engine.EngineUsageError(`--eventpath ${parsed.eventPath}: no such file`));
      try {
        const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
        if (!value || typeof value !== 'object' || Array.isArray(value))
          throw new Error('expected a JSON object');
        eventPayload = value as Record<string, unknown>;
      } catch (error) {
        return fail(
          new engine.EngineUsageError(
            `--eventpath ${parsed.eventPath}: not a JSON event payload: ${(error as Error).message}`,
          ),
        );
      }
    }
    let settings: RunSettings;
    try {
      settings = await runSettings(resolve(io.cwd, workflow), io.env);
    } catch (error) {
      return fail(new engine.EngineUsageError((error as Error).message));
    }
    let sandboxValues: SandboxRunValues | undefined;
    let oidc: OidcTokenSource | undefined;
    let githubToken: GitHubTokenSource | undefined;
    if (parsed.sandbox) {
      const { liveState, sandboxRunValues } = await import('../../sandbox/control.js');
      const { defaultSandboxDir } = await import('../../sandbox/stack.js');
      const dir = defaultSandboxDir(io.env);
      const state = liveState(dir);
      if (!state)
        return fail(
          new engine.EngineUsageError(
            `--sandbox: no sandbox runs from ${dir}; start one with 'paved sandbox up' (or set PAVED_SANDBOX_DIR)`,
          ),
        );
      sandboxValues = sandboxRunValues(state);
      // The sandbox's long-lived issuer, so that its Vault stand-in trusts the tokens of every run.
      const issuer = state.services.find((service) => service.name === 'oidc');
      const adminToken = issuer?.details?.['admin-token'];
      if (issuer && adminToken) {
        const { remoteOidcIssuer } = await import('../../shared/oidc/issuer.js');
        oidc = remoteOidcIssuer(issuer.details?.['issuer'] ?? issuer.url, adminToken);
      }
      // Each job's GITHUB_TOKEN is minted by the GitHub API stand-in with exactly the job's permissions.
      // A pull_request run's PR is made to exist there, so the test results comment has somewhere to go.
      const { pullRequestNumber, sandboxGitHubToken } = await import('../sandbox-github-token.js');
      githubToken = sandboxGitHubToken(state, {
        pullRequest: pullRequestNumber(parsed.event, eventPayload, engine.SYNTHETIC_PULL_REQUEST_NUMBER),
      });
    }
    // GitHub serves every job its cache service; here a local one does, from a directory that outlives
    // the run (the sandbox's own when --sandbox), unless the caller already points steps at one (in
    // the environment, or with --env).
    let cacheService: { env: Record<string, string>; stop(): Promise<void> } | undefined;
    const callersCache = io.env['ACTIONS_RESULTS_URL'] ?? parsed.env['ACTIONS_RESULTS_URL'];
    if (!sandboxValues && parsed.cache && !parsed.dryRun && callersCache === undefined) {
      const { startCacheService } = await import('../../sandbox/actions-cache/service.js');
      cacheService = await startCacheService({
        dir: resolve(io.cwd, parsed.cacheDir ?? defaultCacheDir(io.env, resolve(io.cwd, workflow))),
      });
    }
    const controller = new AbortController();
    const onSigint = (): void => {
      if (controller.signal.aborted) process.exit(130);
      io.err('paved run: cancelling (Ctrl-C again to quit at once)…');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    let result;
    try {
      result = await engine.runWorkflow({
        workflow: resolve(io.cwd, workflow),
        ...(parsed.event ? { eventName: parsed.event } : {}),
        ...(eventPayload ? { eventPayload } : {}),
        ...(parsed.activity !== undefined ? { activity: parsed.activity } : {}),
        ...(parsed.job ? { job: parsed.job } : {}),
        inputs: parsed.inputs,
        secrets: { ...sandboxValues?.secrets, ...parsed.secrets },
        vars: { ...sandboxValues?.vars, ...parsed.vars },
        env: parsed.env,
        runnerEnv: { ...(sandboxValues?.env ?? cacheService?.env) },
        actionMap: parsed.actionMap,
        ...(parsed.jobs ? { concurrency: parsed.jobs } : {}),
        bind: parsed.bind,
        dryRun: parsed.dryRun,
        keepTemp: parsed.keepTemp,
        debug: parsed.debug || io.env['RUNNER_DEBUG'] === '1',
        ...(parsed.summaryDir ? { summaryDir: resolve(io.cwd, parsed.summaryDir) } : {}),
        signal: controller.signal,
        force: parsed.force,
        environments: settings.environments,
        ...(settings.defaultPermissions ? { defaultPermissions: settings.defaultPermissions } : {}),
        approve: approver(parsed.approve, settings.environments, io),
        ...(oidc ? { oidc } : {}),
        ...(githubToken ? { githubToken } : {}),
        onLog: (event) => {
          const line = render(event);
          if (line !== undefined) io.out(line);
        },
      });
    } catch (error) {
      return fail(error);
    } finally {
      process.off('SIGINT', onSigint);
      await cacheService?.stop();
    }
    for (const skip of result.skipped)
      io.out(
        `skipped${result.skipped.length > 1 || result.workflows.length ? ` ${skip.workflow}` : ''}: ${skip.reason}; use --force to run it anyway`,
      );
    if (result.workflows.length === 0 && result.skipped.length > 0) return 0;
    if (parsed.dryRun) {
      io.out('dry run: the workflow is valid and every action resolves; nothing was run');
      return 0;
    }
    io.out('');
    for (const line of runTable(result.jobs)) io.out(line);
    const workflows = workflowTable(result.workflows);
    if (workflows.length) io.out('');
    for (const line of workflows) io.out(line);
    if (result.annotations.length) {
      io.out('');
      io.out('Annotations:');
      for (const a of result.annotations) {
        const where = a.file ? ` (${a.file}${a.line ? `:${a.line}` : ''}${a.col ? `:${a.col}` : ''})` : '';
        io.out(
          `  ${a.level.padEnd(7)} ${a.job}${a.step ? ` / ${shortStep(a.step)}` : ''}: ${a.title ? `${a.title}: ` : ''}${a.message}${where}`,
        );
      }
    }
    if (parsed.summaryDir) io.out(`\nStep summaries: ${resolve(io.cwd, parsed.summaryDir)}`);
    io.out(`\nRun ${result.conclusion} in ${formatDuration(result.durationMs)}`);
    return result.exitCode;
  },
};
