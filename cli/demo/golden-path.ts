/**
 * The golden-path demo (`paved demo`, README line one) as a library, so the e2e test runs exactly what a
 * user runs: start the sandbox, put examples/sample-service in a fresh git repo with a caller of the
 * reusable pipeline (two environments, every credential from Vault), and run that pipeline with
 * `paved run --sandbox --approve production` twice:
 *  - v1 (healthy): built once, deployed to staging, healthy, approved and promoted by digest to production;
 *  - v2 (built with the sample service's error-rate switch): fails staging's health-check, is rolled back
 *    there, and never reaches production.
 * Then it checks from the outside — the Argo CD API, the GitOps repository, the registry (skopeo), both
 * Services, the GitHub deployment records, the Slack record — that production ran v1 throughout.
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
import { parseDocument } from 'yaml';
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
import { latestState, type GitHubRecord, type RepositoryRecord } from '../../sandbox/github/records.js';
import { githubRecordPath } from '../../sandbox/github/service.js';
import {
  SANDBOX_SLACK_CHANNEL,
  sandboxApp,
  sandboxGitopsPath,
  type SandboxEnvironment,
} from '../../sandbox/services.js';
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
# 'paved run --sandbox' (vars.PAVED_* come from 'paved sandbox up'). Two environments: the image is
# built once, deployed to staging and, when staging is healthy, the same digest is promoted to
# production (protected in .github/paved.yml; 'paved run --approve production' approves it).
# No secrets: every credential is read from Vault with the job's OIDC token.
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
      id-token: write # the Vault login
    uses: paved-dev/paved/.github/workflows/pipeline.yml@v0.1.0
    with:
      service: sample-service
      toolchain: node
      test-command: npm test
      image: \${{ vars.PAVED_IMAGE }}
      base-image: \${{ vars.PAVED_BASE_IMAGE }}
      argocd-server: \${{ vars.PAVED_ARGOCD_SERVER }}
      argocd-insecure: true # the sandbox's Argo CD speaks plain HTTP on 127.0.0.1
      gitops-repo: \${{ vars.PAVED_GITOPS_REPO }}
      # Argo CD apps sample-service-staging and sample-service-production, GitOps paths
      # apps/sample-service/<env> (each Application's own source path): the layout's defaults.
      promote: true
      staging-url: \${{ vars.PAVED_STAGING_URL }}
      staging-health-urls: \${{ vars.PAVED_STAGING_URL }}/
      production-url: \${{ vars.PAVED_PRODUCTION_URL }}
      production-health-urls: \${{ vars.PAVED_PRODUCTION_URL }}/
      # Real metrics too: the share of 5xx answers the sandbox's Prometheus scraped from each environment's
      # service (every second) over the last 10 s. 'or vector(0)' and clamp_min keep it one number before
      # any traffic.
      prometheus-url: \${{ vars.PAVED_PROMETHEUS_URL }}
      staging-prometheus-query: >-
        (sum(increase(http_requests_total{app="sample-service",environment="staging",status=~"5.."}[10s])) or vector(0))
        / clamp_min(sum(increase(http_requests_total{app="sample-service",environment="staging"}[10s])) or vector(0), 1)
      production-prometheus-query: >-
        (sum(increase(http_requests_total{app="sample-service",environment="production",status=~"5.."}[10s])) or vector(0))
        / clamp_min(sum(increase(http_requests_total{app="sample-service",environment="production"}[10s])) or vector(0), 1)
      prometheus-condition: '< 0.05'
      health-duration: ${options.healthDuration}
      health-interval: ${options.healthInterval}
      slack-channel: \${{ vars.PAVED_SLACK_CHANNEL }}
      slack-api-url: \${{ vars.SLACK_API_URL }}
      vault-url: \${{ vars.PAVED_VAULT_URL }}
      vault-role: \${{ vars.PAVED_VAULT_ROLE }}
      vault-secrets: \${{ vars.PAVED_VAULT_SECRET_PATH }} *
`;
}

/** The demo repo's environments: production is protected (the run waits for an approval). */
export const DEMO_ENVIRONMENTS = `# Environments for 'paved run' (GitHub: Settings → Environments).
environments:
  staging: {}
  production:
    protected: true
    reviewers: [platform-team]
`;

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
  /** How long each phase took, in order. */
  phases: { name: string; ms: number }[];
  conversation?: Conversation;
  github?: RepositoryRecord;
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
    phases: [],
    sandboxStopped: false,
    durationMs: 0,
  };
  const at = (): string => `+${formatDuration(Date.now() - started).padStart(6)}`;
  const say = (line: string): void => io.out(`${at()}  ${line}`);
  let phaseStart = Date.now();
  const phase = (name: string): void => {
    const now = Date.now();
    result.phases.push({ name, ms: now - phaseStart });
    phaseStart = now;
  };
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

    say(
      `starting the sandbox in ${sandboxDir} (registry, git, Argo CD, Prometheus, Slack, Vault, GitHub API, Actions cache)…`,
    );
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
    phase('sandbox up');
    throwIfAborted(options.signal);

    const repo = makeRepo(workDir, options);
    say(
      `sample-service copied to the git repo ${repo} with .github/workflows/pipeline.yml and .github/paved.yml (production protected)`,
    );

    // Every token the sandbox holds: none may show in a log (the pipeline reads them from Vault).
    const tokens = Object.values(values.secrets).filter((v): v is string => !!v && v.length >= 8);
    const run = async (label: 'v1' | 'v2'): Promise<{ code: number; log: string }> => {
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
          '--approve',
          'production',
          '--jobs',
          '1',
        ],
        {
          ...io,
          cwd: repo,
          env: { ...io.env, PAVED_SANDBOX_DIR: sandboxDir },
          out: (line) => {
            lines.push(line);
            // The timeline shows each step's end, skipped jobs and every error; the full log is in the file.
            if (/^\[[^\]]+\] ([✓✗⊘] |- job )|Error: /.test(line)) say(`    ${line}`);
          },
          err: (line) => {
            lines.push(line);
            say(`    ${line}`);
          },
        },
      );
      const log = `${lines.join('\n')}\n`;
      writeFileSync(logFile, log);
      say(`paved run (${label}) exited ${code}; full log: ${logFile}`);
      reportVault(log, tokens, say);
      return { code, log };
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
    const urls: Record<SandboxEnvironment, string> = {
      staging: values.vars['PAVED_STAGING_URL'] as string,
      production: values.vars['PAVED_PRODUCTION_URL'] as string,
    };
    const gitops = (environment: SandboxEnvironment): string | undefined =>
      gitopsDigest(
        values.vars['PAVED_GITOPS_REPO'] as string,
        values.secrets['PAVED_GITOPS_TOKEN'] as string,
        sandboxGitopsPath(environment),
        workDir,
      );

    say(
      'v1: build and test → image (once) → staging → health-check → approval → the same digest to production → health-check',
    );
    const v1 = await run('v1');
    result.runs.v1 = v1.code;
    phase('v1 pipeline');
    throwIfAborted(options.signal);
    const stagingV1 = await client.getApplication(sandboxApp('staging'));
    const productionV1 = await client.getApplication(sandboxApp('production'));
    result.v1Image = liveImage(stagingV1);
    check('pipeline v1 succeeded', v1.code === 0, `paved run exited ${v1.code}`);
    check(
      'v1 healthy in staging',
      result.v1Image !== undefined && isHealthy(stagingV1),
      `${sandboxApp('staging')} runs ${result.v1Image ?? 'no image'}; ${describeApp(stagingV1)}`,
    );
    const productionImage = liveImage(productionV1);
    check(
      'v1 promoted to production by digest',
      productionImage !== undefined && productionImage === result.v1Image && /@sha256:/.test(productionImage),
      `${sandboxApp('production')} runs ${productionImage ?? 'no image'} (staging: ${result.v1Image ?? 'none'})`,
    );
    const [stagingDigest, productionDigest] = [gitops('staging'), gitops('production')];
    check(
      'one build, one digest in GitOps',
      stagingDigest !== undefined && stagingDigest === productionDigest && countBuilds(v1.log) === 1,
      `${sandboxGitopsPath('staging')} and ${sandboxGitopsPath('production')} both pin ${productionDigest ?? 'nothing'}; images built: ${countBuilds(v1.log)}`,
    );
    check('v1 healthy in production', isHealthy(productionV1), describeApp(productionV1));
    for (const env of ['staging', 'production'] as const) {
      const version = await servedVersion(urls[env]);
      check(`v1 serves in ${env}`, version === '1.0.0', `${urls[env]} answers version ${version}`);
    }
    phase('v1 checks');

    if (!result.checks.every((c) => c.ok))
      throw new PavedError(
        `v1 did not reach production healthy, so v2 is not tried; see ${join(logsDir, 'paved-run-v1.log')}`,
      );

    commitVersion(repo, '2.0.0', 'error-rate=1');
    say(
      'v2: built with the error-rate switch (every GET / answers 500) → staging → health-check (expected: rollback, production untouched)',
    );
    // Production is watched from outside for the whole v2 run: it must answer v1, every time.
    const watch = watchVersion(urls.production, 250);
    const v2 = await run('v2').finally(() => watch.stop());
    result.runs.v2 = v2.code;
    phase('v2 pipeline');
    throwIfAborted(options.signal);
    const stagingV2 = await client.getApplication(sandboxApp('staging'));
    const productionV2 = await client.getApplication(sandboxApp('production'));
    const stagingHistory = [...(stagingV2.status?.history ?? [])].sort((a, b) => a.id - b.id);
    const v2Summaries = readSummary(join(summariesDir, 'v2'));
    check(
      'v2 deployed to staging, then failed its health-check',
      v2.code === 1 && /health/i.test(v2Summaries) && stagingHistory.length >= 2,
      `paved run exited ${v2.code} (the health-check fails the run when it rolls back); ${stagingHistory.length} deploys in ${sandboxApp('staging')}'s history`,
    );
    check(
      'v2 rolled back in staging',
      /Rolled back/.test(v2Summaries),
      firstLine(v2Summaries, /Rolled back/) ?? 'the health-check summary does not say it rolled back',
    );
    const stagingAfter = liveImage(stagingV2);
    check(
      'v1 is live again in staging',
      stagingAfter !== undefined && stagingAfter === result.v1Image && isHealthy(stagingV2),
      `${sandboxApp('staging')} runs ${stagingAfter ?? 'no image'}; ${describeApp(stagingV2)}`,
    );
    const stopped = firstLine(v2Summaries, /Stopped in/);
    check(
      'v2 never reached production, and the run says why',
      /- job skipped/.test(
        v2.log
          .split('\n')
          .filter((l) => /production/.test(l))
          .join('\n'),
      ) && stopped !== undefined,
      stopped ?? 'the run does not say where the release stopped',
    );
    const productionHistory = productionV2.status?.history ?? [];
    check(
      'production ran v1 throughout',
      liveImage(productionV2) === result.v1Image &&
        productionHistory.length === (productionV1.status?.history ?? []).length &&
        watch.seen.size === 1 &&
        watch.seen.has('1.0.0'),
      `${sandboxApp('production')} still runs ${liveImage(productionV2) ?? 'no image'} with ${productionHistory.length} deploy(s); ${watch.count} probes of ${urls.production} during v2 answered ${[...watch.seen].join(', ') || 'nothing'}`,
    );
    const github = readGitHubRecord(sandboxDir);
    result.github = github;
    const deployments = (env: string): RepositoryRecord['deployments'] =>
      (github?.deployments ?? []).filter((d) => d.environment === env);
    const production = deployments('production');
    const staging = deployments('staging');
    const productionImages = production.map((d) => (d.payload as { image?: string }).image);
    check(
      'the deployment records agree',
      production.length === 1 &&
        productionImages[0] === result.v1Image &&
        latestState(production[0] as RepositoryRecord['deployments'][number]) === 'success' &&
        staging.length === 2 &&
        latestState(staging[1] as RepositoryRecord['deployments'][number]) === 'failure',
      `GitHub: production ${describeDeployments(production)}; staging ${describeDeployments(staging)}`,
    );

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
    phase('v2 checks');
    for (const env of ['staging', 'production'] as const) await printDeliveryMetrics(sandboxDir, env, say);
    phase('metrics');
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
    phase('sandbox down');
  }
  result.durationMs = Date.now() - started;
  printWhereToLook(result, options, say);
  return result;
}

/**
 * Say which credentials the run read from Vault (names and jobs, never values), and fail the demo if
 * any token's value shows in the log.
 */
function reportVault(log: string, tokens: string[], say: (line: string) => void): void {
  const reads = new Map<string, Set<string>>();
  for (const line of log.split('\n')) {
    const match = /^\[([^\]]+)\].*✔ (\S+) → outputs\.(\S+)/.exec(line);
    if (!match) continue;
    const [, job = '', path = '', name = ''] = match;
    const key = `${path} ${name}`;
    reads.set(key, (reads.get(key) ?? new Set()).add(job));
  }
  if (reads.size === 0) say('    no credential was read from Vault');
  for (const [key, jobs] of reads)
    say(`    from Vault: ${key} (jobs: ${[...jobs].join(', ')}; the value is masked, never printed)`);
  const leaked = tokens.filter((token) => log.includes(token)).length;
  if (leaked > 0) throw new PavedError(`${leaked} sandbox token(s) appear in the run's log`);
}

/** How many images the run built (containerize steps that ran, not promotions). */
function countBuilds(log: string): number {
  return log.split('\n').filter((line) => /^\[[^\]]+\] ✓ .*containerize/.test(line)).length;
}

/** The digest the GitOps repository pins for an environment (kustomize `images[].digest`). */
function gitopsDigest(repo: string, token: string, path: string, workDir: string): string | undefined {
  const dir = mkdtempSync(join(workDir, 'gitops-'));
  const auth = `Authorization: Basic ${Buffer.from(`paved:${token}`).toString('base64')}`;
  git(dir, '-c', `http.extraHeader=${auth}`, 'clone', '-q', '--depth', '1', repo, 'gitops');
  const file = join(dir, 'gitops', path, 'kustomization.yaml');
  const images = parseDocument(readFileSync(file, 'utf8')).toJS()?.images as
    { digest?: string }[] | undefined;
  return images?.[0]?.digest;
}

/** Poll a Service's version until stopped: what an outside observer saw. */
function watchVersion(url: string, everyMs: number): { seen: Set<string>; count: number; stop(): void } {
  const state = { seen: new Set<string>(), count: 0, stop: (): void => undefined };
  let stopped = false;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      state.seen.add((await servedVersion(url)) ?? 'no answer');
      state.count += 1;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
  const running = loop();
  state.stop = (): void => {
    stopped = true;
    void running;
  };
  return state;
}

function readGitHubRecord(sandboxDir: string): RepositoryRecord | undefined {
  const path = githubRecordPath(sandboxDir);
  if (!existsSync(path)) return undefined;
  const record = JSON.parse(readFileSync(path, 'utf8')) as GitHubRecord;
  return record.repositories.find((r) => r.full_name.endsWith('/sample-service'));
}

function describeDeployments(deployments: RepositoryRecord['deployments']): string {
  if (deployments.length === 0) return 'no deployment';
  return deployments
    .map((d) => `#${d.id} ${d.statuses.map((s) => s.state).join('→') || 'pending'}`)
    .join(', ');
}

/**
 * The demo's own delivery record, as `paved metrics` reads it: the sandbox GitOps repository (read in
 * place, before the sandbox removes it) holds v1's and v2's deploy commits, the verdicts and the rollback.
 * Informational: the demo's checks above decide whether it worked.
 */
async function printDeliveryMetrics(
  sandboxDir: string,
  environment: SandboxEnvironment,
  say: (line: string) => void,
): Promise<void> {
  try {
    const { classifyHistory, computeMetrics, metricsText, readHistory } =
      await import('../../shared/metrics/index.js');
    const commits = await readHistory(join(sandboxDir, 'git', 'gitops.git'));
    const metrics = computeMetrics(
      classifyHistory(commits),
      { service: 'sample-service', environment },
      Math.floor(Date.now() / 1000),
    );
    say(
      `delivery metrics of ${environment} (paved metrics --repo <the GitOps repo> --service sample-service --environment ${environment}):`,
    );
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
  writeFileSync(join(repo, '.github', 'paved.yml'), DEMO_ENVIRONMENTS);
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
      ? 'The golden path works: v1 went through staging to production by digest; v2 failed staging, was rolled back there and never reached production.'
      : 'The demo did NOT complete:',
  );
  for (const c of result.checks) io.out(`  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
  if (result.error) io.out(`  ✗ ${result.error}`);
  io.out('');
  io.out('Where to look:');
  io.out(`  the pipeline logs       ${join(result.workDir, 'logs')}`);
  io.out(`  the step summaries      ${result.summariesDir}/{v1,v2}/<job>.md`);
  io.out(`  the Slack conversation  PAVED_SANDBOX_DIR=${result.sandboxDir} paved sandbox slack --show`);
  io.out(`  the deployment records  PAVED_SANDBOX_DIR=${result.sandboxDir} paved sandbox github --show`);
  io.out(`  the sample repo         ${join(result.workDir, 'sample-service')} (git log shows v1 and v2)`);
  const state = options.keepSandbox ? liveState(result.sandboxDir) : undefined;
  if (state) {
    const values: SandboxRunValues = sandboxRunValues(state);
    io.out(
      `  the registry            ${values.vars['PAVED_REGISTRY']} (skopeo list-tags --tls-verify=false docker://${values.vars['PAVED_IMAGE']})`,
    );
    io.out(
      `  the Argo CD apps        ${values.vars['PAVED_ARGOCD_SERVER']}/api/v1/applications/{${sandboxApp('staging')},${sandboxApp('production')}} (Bearer token: PAVED_SANDBOX_DIR=${result.sandboxDir} paved sandbox status)`,
    );
    io.out(`  staging                 ${values.vars['PAVED_STAGING_URL']}/`);
    io.out(`  production              ${values.vars['PAVED_PRODUCTION_URL']}/`);
    io.out(`  stop the sandbox        paved sandbox down --dir ${result.sandboxDir}`);
  } else {
    io.out(
      '  the registry and the Argo CD app ran in the sandbox, now stopped (paved demo --keep-sandbox leaves it running)',
    );
  }
  io.out('');
  io.out(
    `Timings: ${result.phases.map((p) => `${p.name} ${formatDuration(p.ms)}`).join(', ')}; total ${formatDuration(result.durationMs)}`,
  );
  say(`done in ${formatDuration(result.durationMs)}`);
}
