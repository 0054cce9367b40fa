/**
 * The pipeline event a notification is about, and the facts a message shows: who, what, where, how long.
 * Pure: built from the inputs and the GitHub context, so messages and templates can be table-tested.
 */
import type { GitHubContext } from '../../../shared/github-context.js';
import { formatDuration } from '../../../shared/duration.js';

export const STAGES = [
  'pipeline',
  'build',
  'test',
  'containerize',
  'deploy',
  'health-check',
  'rollback',
] as const;
export type Stage = (typeof STAGES)[number];
export const STATUSES = ['started', 'success', 'failure', 'cancelled', 'skipped'] as const;
export type Status = (typeof STATUSES)[number];

/** What the status means for the run: filters and colours work on this. */
export type Outcome = 'success' | 'failure' | 'neutral';

/** A rollback is bad news even when the rollback itself worked. */
export function outcomeOf(stage: Stage, status: Status): Outcome {
  if (status === 'failure') return 'failure';
  if (stage === 'rollback' && status === 'success') return 'failure';
  if (status === 'success') return 'success';
  return 'neutral';
}

export interface TestCounts {
  total?: number;
  passed?: number;
  failed?: number;
  skipped?: number;
}

/** One finished (or started) stage as carried in the `progress` output, e.g. `build=success`. */
export interface ProgressEntry {
  stage: Stage;
  status: Status;
}

export interface PipelineFacts {
  stage: Stage;
  status: Status;
  repository: string;
  repoUrl: string;
  branch: string | undefined;
  branchUrl: string | undefined;
  ref: string;
  sha: string;
  shortSha: string;
  commitUrl: string;
  /** First line of the commit message (or the PR title when the event has no commit message). */
  commitTitle: string | undefined;
  author: string | undefined;
  prNumber: number | undefined;
  prUrl: string | undefined;
  prTitle: string | undefined;
  runUrl: string;
  runId: string;
  runNumber: string;
  runAttempt: string;
  workflow: string;
  event: string;
  actor: string;
  /** The job as GitHub shows it, matrix values included: `test (ubuntu-latest, 20)`. */
  jobName: string;
  durationMs: number | undefined;
  tests: TestCounts;
  image: string | undefined;
  environment: string | undefined;
  reason: string | undefined;
  /** Where the test results were published (PR comment or the run behind the commit status). */
  detailsUrl: string | undefined;
  /** One line of DORA measures from the health-check; the run's summary has the full section. */
  deliveryHealth?: string | undefined;
  mentions: string[];
  progress: ProgressEntry[];
}

const get = (object: unknown, ...path: string[]): unknown => {
  let current = object;
  for (const key of path) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
};
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value : undefined;

/**
 * GitHub's display name for a matrix job: the job's name followed by the matrix values in parentheses,
 * in the order the matrix lists them (`test (ubuntu-latest, 20)`). Objects show as JSON, as GitHub does.
 */
export function matrixJobName(job: string, matrix: Record<string, unknown> | undefined): string {
  if (!matrix) return job;
  const values = Object.values(matrix).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return values.length > 0 ? `${job} (${values.join(', ')})` : job;
}

/** What the action supplies on top of the GitHub context. */
export type FactInputs = Pick<
  PipelineFacts,
  'stage' | 'status' | 'tests' | 'image' | 'environment' | 'reason' | 'detailsUrl' | 'mentions' | 'progress'
> & {
  deliveryHealth?: string | undefined;
  jobName: string | undefined;
  matrix: Record<string, unknown> | undefined;
  startedAt: number | undefined;
};

export function pipelineFacts(context: GitHubContext, inputs: FactInputs, now: number): PipelineFacts {
  const repoUrl = `${context.serverUrl}/${context.repository}`;
  const payload = context.payload;
  const headCommitMessage = str(get(payload, 'head_commit', 'message'));
  const prTitle = str(get(payload, 'pull_request', 'title'));
  const author =
    str(get(payload, 'head_commit', 'author', 'username')) ??
    str(get(payload, 'head_commit', 'author', 'name')) ??
    str(get(payload, 'pull_request', 'user', 'login')) ??
    str(context.actor);
  const branch = context.branch ?? context.tag;
  return {
    stage: inputs.stage,
    status: inputs.status,
    repository: context.repository,
    repoUrl,
    branch,
    branchUrl: context.branch
      ? `${repoUrl}/tree/${context.branch}`
      : context.tag
        ? `${repoUrl}/releases/tag/${context.tag}`
        : undefined,
    ref: context.ref,
    sha: context.sha,
    shortSha: context.sha.slice(0, 7),
    commitUrl: `${repoUrl}/commit/${context.sha}`,
    commitTitle: (headCommitMessage ?? prTitle)?.split(/\r?\n/)[0],
    author,
    prNumber: context.prNumber,
    prUrl: context.prNumber !== undefined ? `${repoUrl}/pull/${context.prNumber}` : undefined,
    prTitle,
    runUrl: context.runUrl,
    runId: context.runId,
    runNumber: context.runNumber,
    runAttempt: context.runAttempt,
    workflow: context.workflow,
    event: context.eventName,
    actor: context.actor,
    jobName: matrixJobName(inputs.jobName ?? context.job, inputs.matrix),
    durationMs: inputs.startedAt !== undefined ? Math.max(0, now - inputs.startedAt) : undefined,
    tests: inputs.tests,
    image: inputs.image,
    environment: inputs.environment,
    reason: inputs.reason,
    detailsUrl: inputs.detailsUrl,
    deliveryHealth: inputs.deliveryHealth,
    mentions: inputs.mentions,
    progress: inputs.progress,
  };
}

const STAGE_NAMES: Record<Stage, string> = {
  pipeline: 'Pipeline',
  build: 'Build',
  test: 'Tests',
  containerize: 'Image build',
  deploy: 'Deploy',
  'health-check': 'Health check',
  rollback: 'Rollback',
};

/** `✅`, `❌` … for a stage's status. */
export function statusEmoji(stage: Stage, status: Status): string {
  if (stage === 'rollback' && status === 'success') return '↩️';
  if (stage === 'rollback' && status === 'failure') return '🔥';
  return {
    started: stage === 'pipeline' ? '🚀' : '⏳',
    success: '✅',
    failure: '❌',
    cancelled: '⚪',
    skipped: '⏭️',
  }[status];
}

/** Slack attachment colour bar by outcome: green, red, amber for a rollback, blue in progress, grey otherwise. */
export function statusColor(stage: Stage, status: Status): string {
  if (stage === 'rollback' && status === 'success') return '#ECB22E';
  if (status === 'failure') return '#E01E5A';
  if (status === 'success') return '#2EB67D';
  if (status === 'started') return '#439FE0';
  return '#9CA3AF';
}

/** `Deploy to production failed`, `Rolled back production`, `Pipeline started`. */
export function headline(facts: Pick<PipelineFacts, 'stage' | 'status' | 'environment'>): string {
  const { stage, status, environment } = facts;
  const name = STAGE_NAMES[stage];
  const target = environment ? ` ${environment}` : '';
  if (stage === 'rollback') {
    return {
      started: `Rolling back${target}`,
      success: `Rolled back${target}`,
      failure: `Rollback of${target || ' the deployment'} failed`,
      cancelled: 'Rollback cancelled',
      skipped: 'Rollback skipped',
    }[status];
  }
  const subject =
    stage === 'deploy' && environment
      ? `Deploy to ${environment}`
      : stage === 'health-check' && environment
        ? `Health check of ${environment}`
        : name;
  const verb = {
    started: 'started',
    success: stage === 'test' ? 'passed' : 'succeeded',
    failure: 'failed',
    cancelled: 'cancelled',
    skipped: 'skipped',
  }[status];
  return `${subject} ${verb}`;
}

/** `120 passed, 2 failed, 3 skipped (125 total)`, or undefined without counts. */
export function describeTests(tests: TestCounts): string | undefined {
  const parts: string[] = [];
  if (tests.passed !== undefined) parts.push(`${tests.passed} passed`);
  if (tests.failed !== undefined) parts.push(`${tests.failed} failed`);
  if (tests.skipped !== undefined) parts.push(`${tests.skipped} skipped`);
  if (tests.total !== undefined)
    return parts.length > 0 ? `${parts.join(', ')} (${tests.total} total)` : `${tests.total} total`;
  return parts.length > 0 ? parts.join(', ') : undefined;
}

export function describeDuration(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : formatDuration(ms);
}

export function stageName(stage: Stage): string {
  return STAGE_NAMES[stage];
}

/** Parse the `progress` carried between calls: `build=success,deploy=failure`. Returns undefined when malformed. */
export function parseProgress(text: string): ProgressEntry[] | undefined {
  const entries: ProgressEntry[] = [];
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [stage, status] = item.split('=');
    if (
      !(STAGES as readonly string[]).includes(stage ?? '') ||
      !(STATUSES as readonly string[]).includes(status ?? '')
    )
      return undefined;
    entries.push({ stage: stage as Stage, status: status as Status });
  }
  return entries;
}

/** The progress after this event: this stage's entry replaces an earlier one for the same stage. */
export function advanceProgress(
  progress: readonly ProgressEntry[],
  stage: Stage,
  status: Status,
): ProgressEntry[] {
  return [...progress.filter((p) => p.stage !== stage), { stage, status }];
}

export function formatProgress(progress: readonly ProgressEntry[]): string {
  return progress.map((p) => `${p.stage}=${p.status}`).join(',');
}
