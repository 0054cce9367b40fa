/**
 * The golden-path demo (`paved demo`, README line one) as a library, so the e2e test runs exactly what a
 * user runs: start the sandbox, put examples/sample-service in a fresh git repo with a caller of the
 * reusable pipeline, and run that pipeline with `paved run --sandbox` twice — v1 (healthy) and v2 (built
 * with the sample service's error-rate switch) — then check from the outside (the Argo CD API, the
 * Service, the Slack record) that v1 deployed, v2 was rolled back and v1 serves healthy again.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Application } from '../../shared/argocd/index.js';
import { formatDuration } from '../../shared/duration.js';
import { PavedError, messageOf } from '../../shared/errors.js';
import {
  liveState,
  sandboxRunValues,
  startDetached,
  startSandbox,
  stopDetached,
  type SandboxRunValues,
} from '../../sandbox/control.js';
import { SANDBOX_APP, SANDBOX_SLACK_CHANNEL } from '../../sandbox/services.js';
import { slackRecordPath } from '../../sandbox/slack/service.js';
import { threadReplies, topLevelMessages, type Conversation } from '../../sandbox/slack/conversation.js';
import type { StackState } from '../../sandbox/stack.js';
import type { CliIo } from '../command.js';
import { command as runCommand } from '../commands/run.js';

/** This checkout: what --action-map points `paved-dev/paved/...` at. */
export const PAVED_ROOT = resolve(import.meta.dirname, '..', '..');

/** Tools the sandbox and the pipeline run, and the Debian package of each. */
export const DEMO_TOOLS: { command: string; debianPackage: string }[] = [
  { command: 'git', debianPackage: 'git' },
  { command: 'docker-registry', debianPackage: 'docker-registry' },
  { command: 'prometheus', debianPackage: 'prometheus' },
  { command: 'skopeo', debianPackage: 'skopeo' },
  { command: 'umoci', debianPackage: 'umoci' },
  { command: 'unshare', debianPackage: 'util-linux' },
  { command: 'openssl', debianPackage: 'openssl' },
];

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Install the missing tools with apt-get when running as root; otherwise fail naming the command that
 * would. Returns the packages it installed.
 */
export function ensureDemoTools(log: (line: string) => void): string[] {
  const missing = DEMO_TOOLS.filter((tool) => !onPath(tool.command));
  if (missing.length === 0) return [];
  const packages = [...new Set(missing.map((tool) => tool.debianPackage))];
  if (process.getuid?.() !== 0)
    throw new PavedError(
      `the demo needs ${missing.map((t) => t.command).join(', ')}; install them with: sudo apt-get install -y ${packages.join(' ')}`,
    );
  log(
    `installing ${packages.join(', ')} with apt-get (missing: ${missing.map((t) => t.command).join(', ')})`,
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { env, encoding: 'utf8' });
  if (update.status !== 0) throw new PavedError(`apt-get update failed: ${update.stderr.trim()}`);
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    env,
    encoding: 'utf8',
  });
  if (install.status !== 0)
    throw new PavedError(`apt-get install ${packages.join(' ')} failed: ${install.stderr.trim()}`);
  const still = missing.filter((tool) => !onPath(tool.command));
  if (still.length)
    throw new PavedError(`after apt-get install, still missing: ${still.map((t) => t.command).join(', ')}`);
  return packages;
}

/** The caller workflow the demo repo gets: the reusable pipeline, fed by `paved run --sandbox`. */
export function callerWorkflow(options: { healthDuration: string; healthInterval: string }): string {
  return `# The sample service's pipeline: Paved's reusable pipeline, pointed at the sandbox by
# 'paved run --sandbox' (vars.PAVED_* and secrets.*_TOKEN come from 'paved sandbox up').
name: sample-service

on:
  push:
    branches: [main]

permissions:
  contents: read

jobs:
  pipeline:
    permissions:
      contents: read
      packages: write
      deployments: write
      pull-requests: write
      statuses: write
    uses: paved-dev/paved/.github/workflows/pipeline.yml@v0.1.0
    with:
      service: sample-service
      toolchain: node
      test-command: npm test
      image: \${{ vars.PAVED_IMAGE }}
      base-image: \${{ vars.PAVED_BASE_IMAGE }}
      argocd-app: \${{ vars.PAVED_ARGOCD_APP }}
      argocd-server: \${{ vars.PAVED_ARGOCD_SERVER }}
      argocd-insecure: true # the sandbox's Argo CD speaks plain HTTP on 127.0.0.1
      gitops-repo: \${{ vars.PAVED_GITOPS_REPO }}
      gitops-path: \${{ vars.PAVED_GITOPS_PATH }}
      environment: sandbox
      health-urls: \${{ vars.PAVED_SERVICE_URL }}/
      # Real metrics too: the share of 5xx answers the sandbox's Prometheus scraped from the service (every
      # second) over the last 10 s. 'or vector(0)' and clamp_min keep it one number before any traffic.
      prometheus-url: \${{ vars.PAVED_PROMETHEUS_URL }}
      prometheus-query: >-
        (sum(increase(http_requests_total{app="sample-service",status=~"5.."}[10s])) or vector(0))
        / clamp_min(sum(increase(http_requests_total{app="sample-service"}[10s])) or vector(0), 1)
      prometheus-condition: '< 0.05'
      health-duration: ${options.healthDuration}
      health-interval: ${options.healthInterval}
      slack-channel: \${{ vars.PAVED_SLACK_CHANNEL }}
      slack-api-url: \${{ vars.SLACK_API_URL }}
    secrets:
      argocd-token: \${{ secrets.PAVED_ARGOCD_TOKEN }}
      gitops-token: \${{ secrets.PAVED_GITOPS_TOKEN }}
      slack-token: \${{ secrets.SLACK_BOT_TOKEN }}
`;
}

export interface DemoOptions {
  /** Where the CLI's output goes (timeline lines). */
  io: CliIo;
  /**
   * How to run the paved CLI to start the sandbox detached (`paved sandbox up`); without it the sandbox
   * runs inside this process.
   */
  cli?: { executable: string; args: string[] };
  /** Leave the sandbox running at the end (stop it with `paved sandbox down --dir …`). */
  keepSandbox?: boolean;
  /** Working directory for the repo, logs, summaries and the sandbox; default a new temp dir. */
  workDir?: string;
  healthDuration?: string;
  healthInterval?: string;
  signal?: AbortSignal;
  /** Called once the sandbox is up (tests record its processes here). */
  onSandbox?: (state: StackState) => void | Promise<void>;
  /** Called just before the sandbox is stopped. */
  beforeStop?: (state: StackState) => void;
}

export interface DemoResult {
  ok: boolean;
  workDir: string;
  sandboxDir: string;
  summariesDir: string;
  /** Exit codes of the two `paved run`s. */
  runs: { v1: number | undefined; v2: number | undefined };
  v1Image?: string;
  /** What was checked from outside, each with its outcome. */
  checks: { name: string; ok: boolean; detail: string }[];
  conversation?: Conversation;
  sandboxStopped: boolean;
  durationMs: number;
  error?: string;
}

/** Run the whole demo; never throws for a pipeline failure (the result says what failed). */
export async function runGoldenPath(options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const { io } = options;
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'paved-demo-'));
  const sandboxDir = join(workDir, 'sandbox');
  const summariesDir = join(workDir, 'summaries');
  const logsDir = join(workDir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const result: DemoResult = {
    ok: false,
    workDir,
    sandboxDir,
    summariesDir,
    runs: { v1: undefined, v2: undefined },
    checks: [],
    sandboxStopped: false,
    durationMs: 0,
  };
  const at = (): string => `+${formatDuration(Date.now() - started).padStart(6)}`;
  const say = (line: string): void => io.out(`${at()}  ${line}`);
  let stopInProcess: (() => Promise<void>) | undefined;
  let killOnExit: (() => void) | undefined;
  const stopSandbox = async (): Promise<void> => {
    if (options.keepSandbox) return;
    if (stopInProcess) await stopInProcess();
    else await stopDetached(sandboxDir);
    result.sandboxStopped = true;
  };
  const onAbort = (): void => {
    say('interrupted: stopping the sandbox…');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const check = (name: string, ok: boolean, detail: string): boolean => {
    result.checks.push({ name, ok, detail });
    say(`${ok ? '✓' : '✗'} ${name}: ${detail}`);
    return ok;
  };
  try {
    const installed = ensureDemoTools(say);
    if (installed.length) say(`installed ${installed.join(', ')}`);

    say(`starting the sandbox in ${sandboxDir} (registry, git, Argo CD, Prometheus, Slack, Actions cache)…`);
    let state: StackState;
    if (options.cli) {
      state = await startDetached(sandboxDir, options.cli);
      // Even a hard exit (a second Ctrl-C) asks the detached sandbox to stop everything it started.
      const servePid = state.pid;
      killOnExit = (): void => {
        try {
          process.kill(servePid, 'SIGTERM');
        } catch {
          // already stopped
        }
      };
      if (!options.keepSandbox) process.once('exit', killOnExit);
    } else {
      const sandbox = await startSandbox(sandboxDir, () => undefined);
      stopInProcess = sandbox.stop;
      state = sandbox.state;
    }
    const values = sandboxRunValues(state);
    await options.onSandbox?.(state);
    say(`sandbox up: ${state.services.map((s) => `${s.name} ${s.url}`).join(', ')}`);
    say(`published the Node base image ${values.vars['PAVED_BASE_IMAGE']}`);
    throwIfAborted(options.signal);

    const repo = makeRepo(workDir, options);
    say(`sample-service copied to the git repo ${repo} with .github/workflows/pipeline.yml`);

    const run = async (label: 'v1' | 'v2'): Promise<number> => {
      const logFile = join(logsDir, `paved-run-${label}.log`);
      const lines: string[] = [];
      const code = await runCommand.run(
        [
          '.github/workflows/pipeline.yml',
          '--sandbox',
          '--action-map',
          `paved-dev/paved=${PAVED_ROOT}`,
          '--summary-dir',
          join(summariesDir, label),
          '--jobs',
          '1',
        ],
        {
          ...io,
          cwd: repo,
          env: { ...io.env, PAVED_SANDBOX_DIR: sandboxDir },
          out: (line) => {
            lines.push(line);
            // The timeline shows each step's end and every error; the full log is in the file.
            if (/^\[[^\]]+\] [✓✗⊘] |Error: /.test(line)) say(`    ${line}`);
          },
          err: (line) => {
            lines.push(line);
            say(`    ${line}`);
          },
        },
      );
      writeFileSync(logFile, `${lines.join('\n')}\n`);
      say(`paved run (${label}) exited ${code}; full log: ${logFile}`);
      return code;
    };

    // Read straight from the API (the actions' client announces masks and debug lines for a runner).
    const client = {
      async getApplication(name: string): Promise<Application> {
        const response = await fetch(`${values.vars['PAVED_ARGOCD_SERVER']}/api/v1/applications/${name}`, {
          headers: { authorization: `Bearer ${values.secrets['PAVED_ARGOCD_TOKEN']}` },
          signal: AbortSignal.timeout(10_000),
        });
        if (!response.ok)
          throw new PavedError(`Argo CD answered ${response.status} for the application ${name}`);
        return (await response.json()) as Application;
      },
    };
    const serviceUrl = values.vars['PAVED_SERVICE_URL'] as string;

    say('v1: build and test → containerize → deploy → health-check (expected: healthy)');
    result.runs.v1 = await run('v1');
    throwIfAborted(options.signal);
    const afterV1 = await client.getApplication(SANDBOX_APP);
    result.v1Image = liveImage(afterV1);
    check('pipeline v1 succeeded', result.runs.v1 === 0, `paved run exited ${result.runs.v1}`);
    check('v1 deployed', result.v1Image !== undefined, `Argo CD runs ${result.v1Image ?? 'no image'}`);
    check('v1 healthy', isHealthy(afterV1), describeApp(afterV1));
    check(
      'v1 serves',
      (await servedVersion(serviceUrl)) === '1.0.0',
      `${serviceUrl} answers version ${await servedVersion(serviceUrl)}`,
    );

    if (!result.checks.every((c) => c.ok))
      throw new PavedError(
        `v1 did not deploy healthy, so v2 is not tried; see ${join(logsDir, 'paved-run-v1.log')}`,
      );

    commitVersion(repo, '2.0.0', 'error-rate=1');
    say(
      'v2: built with the error-rate switch (every GET / answers 500) → deploy → health-check (expected: rollback)',
    );
    result.runs.v2 = await run('v2');
    throwIfAborted(options.signal);
    const afterV2 = await client.getApplication(SANDBOX_APP);
    const history = [...(afterV2.status?.history ?? [])].sort((a, b) => a.id - b.id);
    const healthSummary = readSummary(join(summariesDir, 'v2'));
    check(
      'v2 deployed, then failed its health-check',
      result.runs.v2 === 1 && /health/i.test(healthSummary) && history.length >= 2,
      `paved run exited ${result.runs.v2} (the health-check fails the run when it rolls back); ${history.length} deploys in the app's history`,
    );
    check(
      'v2 rolled back',
      /Rolled back/.test(healthSummary),
      firstLine(healthSummary, /Rolled back/) ?? 'the health-check summary does not say it rolled back',
    );
    const liveAfter = liveImage(afterV2);
    check(
      'v1 is live again',
      liveAfter !== undefined && liveAfter === result.v1Image,
      `Argo CD runs ${liveAfter ?? 'no image'}`,
    );
    check('v1 healthy again', isHealthy(afterV2), describeApp(afterV2));
    const version = await servedVersion(serviceUrl);
    check('v1 serves again', version === '1.0.0', `${serviceUrl} answers version ${version}`);

    const conversation = JSON.parse(readFileSync(slackRecordPath(sandboxDir), 'utf8')) as Conversation;
    result.conversation = conversation;
    const channelId = conversation.channels.find((c) => c.name === SANDBOX_SLACK_CHANNEL)?.id ?? '';
    const top = topLevelMessages(conversation, channelId);
    const replies = top.map((m) => threadReplies(conversation, channelId, m.ts).length);
    check(
      'Slack messages along the way',
      top.length >= 1,
      `#${SANDBOX_SLACK_CHANNEL}: ${top.length} message(s), ${replies.reduce((a, b) => a + b, 0)} thread repl(ies), ${top.reduce((n, m) => n + m.edits.length, 0)} update(s)`,
    );
    await printDeliveryMetrics(sandboxDir, say);
    result.ok = result.checks.every((c) => c.ok);
  } catch (error) {
    result.error = messageOf(error);
    say(`✗ the demo stopped: ${result.error}`);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (killOnExit) process.off('exit', killOnExit);
    const current = liveState(sandboxDir);
    if (current) options.beforeStop?.(current);
    try {
      await stopSandbox();
      if (result.sandboxStopped) say('sandbox stopped; no process of it is left');
    } catch (error) {
      say(`stopping the sandbox failed: ${messageOf(error)}`);
      result.ok = false;
    }
  }
  result.durationMs = Date.now() - started;
  printWhereToLook(result, options, say);
  return result;
}

/**
 * The demo's own delivery record, as `paved metrics` reads it: the sandbox GitOps repository (read in
 * place, before the sandbox removes it) holds v1's and v2's deploy commits, the verdicts and the rollback.
 * Informational: the demo's checks above decide whether it worked.
 */
async function printDeliveryMetrics(sandboxDir: string, say: (line: string) => void): Promise<void> {
  try {
    const { classifyHistory, computeMetrics, metricsText, readHistory } =
      await import('../../shared/metrics/index.js');
    const commits = await readHistory(join(sandboxDir, 'git', 'gitops.git'));
    const metrics = computeMetrics(
      classifyHistory(commits),
      { service: 'sample-service', environment: 'sandbox' },
      Math.floor(Date.now() / 1000),
    );
    say('delivery metrics of this demo (paved metrics --repo <the GitOps repo> --service sample-service):');
    for (const line of metricsText(metrics)) say(`    ${line}`);
  } catch (error) {
    say(`delivery metrics could not be read: ${messageOf(error)}`);
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PavedError('interrupted');
}

function makeRepo(workDir: string, options: DemoOptions): string {
  const source = join(PAVED_ROOT, 'examples', 'sample-service');
  const repo = join(workDir, 'sample-service');
  cpSync(source, repo, {
    recursive: true,
    filter: (path) => !/(^|\/)(node_modules|build-info\.json|junit[^/]*\.xml)$/.test(relative(source, path)),
  });
  mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
  writeFileSync(
    join(repo, '.github', 'workflows', 'pipeline.yml'),
    callerWorkflow({
      // Long enough for several real Prometheus scrapes (every 1 s) of the new version's traffic.
      healthDuration: options.healthDuration ?? '12s',
      healthInterval: options.healthInterval ?? '1s',
    }),
  );
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'remote', 'add', 'origin', 'https://github.com/acme/sample-service.git');
  commitVersion(repo, '1.0.0', 'none');
  return repo;
}

/** Set the build switch (scripts/configure-build.js) and commit it: build-info.json is ignored, so -f. */
function commitVersion(repo: string, version: string, fault: string): void {
  const configured = spawnSync(
    process.execPath,
    ['scripts/configure-build.js', '--version', version, '--fault', fault],
    { cwd: repo, encoding: 'utf8' },
  );
  if (configured.status !== 0)
    throw new PavedError(
      `configure-build.js failed: ${configured.stderr.trim() || configured.stdout.trim()}`,
    );
  git(repo, 'add', '-A');
  git(repo, 'add', '-f', 'build-info.json');
  git(
    repo,
    '-c',
    'user.name=Paved demo',
    '-c',
    'user.email=demo@paved.invalid',
    'commit',
    '-q',
    '-m',
    `sample-service ${version}${fault === 'none' ? '' : ` (fault: ${fault})`}`,
  );
}

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new PavedError(`git ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

function liveImage(app: Application): string | undefined {
  return app.status?.summary?.images?.[0];
}

function isHealthy(app: Application): boolean {
  return app.status?.health?.status === 'Healthy' && app.status?.sync?.status !== undefined;
}

function describeApp(app: Application): string {
  return `Argo CD says health ${app.status?.health?.status ?? '?'}, sync ${app.status?.sync?.status ?? '?'} at ${(app.status?.sync?.revision ?? '').slice(0, 7)}`;
}

async function servedVersion(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
    await response.body?.cancel();
    return response.headers.get('x-service-version') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Every step summary of a run, concatenated. */
function readSummary(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

function firstLine(text: string, pattern: RegExp): string | undefined {
  return text
    .split('\n')
    .find((line) => pattern.test(line))
    ?.replace(/[*`#>]/g, '')
    .trim();
}

function printWhereToLook(result: DemoResult, options: DemoOptions, say: (line: string) => void): void {
  const { io } = options;
  io.out('');
  io.out(
    result.ok
      ? 'The golden path works: v1 deployed, v2 rolled back, v1 healthy again.'
      : 'The demo did NOT complete:',
  );
  for (const c of result.checks) io.out(`  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
  if (result.error) io.out(`  ✗ ${result.error}`);
  io.out('');
  io.out('Where to look:');
  io.out(`  the pipeline logs       ${join(result.workDir, 'logs')}`);
  io.out(`  the step summaries      ${result.summariesDir}/{v1,v2}/<job>.md`);
  io.out(`  the Slack conversation  PAVED_SANDBOX_DIR=${result.sandboxDir} paved sandbox slack --show`);
  io.out(`  the sample repo         ${join(result.workDir, 'sample-service')} (git log shows v1 and v2)`);
  const state = options.keepSandbox ? liveState(result.sandboxDir) : undefined;
  if (state) {
    const values: SandboxRunValues = sandboxRunValues(state);
    io.out(
      `  the registry            ${values.vars['PAVED_REGISTRY']} (skopeo list-tags --tls-verify=false docker://${values.vars['PAVED_IMAGE']})`,
    );
    io.out(
      `  the Argo CD app         ${values.vars['PAVED_ARGOCD_SERVER']}/api/v1/applications/${SANDBOX_APP} (Bearer token: PAVED_SANDBOX_DIR=${result.sandboxDir} paved sandbox status)`,
    );
    io.out(`  the service             ${values.vars['PAVED_SERVICE_URL']}/`);
    io.out(`  stop the sandbox        paved sandbox down --dir ${result.sandboxDir}`);
  } else {
    io.out(
      '  the registry and the Argo CD app ran in the sandbox, now stopped (paved demo --keep-sandbox leaves it running)',
    );
  }
  say(`done in ${formatDuration(result.durationMs)}`);
}
