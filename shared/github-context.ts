/**
 * The GitHub context as an action sees it, from the runner's environment and event file — the same
 * variables `paved run` sets. Unlike `@actions/github`'s context this resolves the commit that was
 * actually pushed: on pull_request events GITHUB_SHA is a synthetic merge commit, and the PR head sha is
 * what people expect to see in tags and messages.
 */
import { readFileSync } from 'node:fs';

export interface GitHubContext {
  /** `owner/name` */
  repository: string;
  owner: string;
  repo: string;
  serverUrl: string;
  apiUrl: string;
  eventName: string;
  /** The commit the run is about: PR head sha on pull_request events, else GITHUB_SHA. */
  sha: string;
  /** GITHUB_SHA as given (the merge commit on pull_request events). */
  githubSha: string;
  ref: string;
  /** Branch name for branch pushes; the PR head branch on pull_request events; else undefined. */
  branch: string | undefined;
  /** Tag name for tag pushes, else undefined. */
  tag: string | undefined;
  /** The repository's default branch, from the event payload when it says. */
  defaultBranch: string | undefined;
  prNumber: number | undefined;
  actor: string;
  workflow: string;
  job: string;
  runId: string;
  runAttempt: string;
  runNumber: string;
  /** Link to this run (and attempt, when not the first). */
  runUrl: string;
  workspace: string;
  payload: Record<string, unknown>;
}

const PR_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
]);

/** Read the event payload; an absent file is an empty payload, an unreadable one is an error. */
function readPayload(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const value: unknown = JSON.parse(text);
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function get(object: unknown, ...path: string[]): unknown {
  let current = object;
  for (const key of path) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

export function getGitHubContext(env: NodeJS.ProcessEnv = process.env): GitHubContext {
  const payload = readPayload(env['GITHUB_EVENT_PATH']);
  const repository = env['GITHUB_REPOSITORY'] ?? str(get(payload, 'repository', 'full_name')) ?? '';
  const [owner = '', repo = ''] = repository.split('/');
  const serverUrl = (env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/$/, '');
  const eventName = env['GITHUB_EVENT_NAME'] ?? '';
  const githubSha = env['GITHUB_SHA'] ?? '';
  const ref = env['GITHUB_REF'] ?? '';
  const isPr = PR_EVENTS.has(eventName);
  const headSha = isPr ? str(get(payload, 'pull_request', 'head', 'sha')) : undefined;
  const prNumberRaw = isPr ? (get(payload, 'pull_request', 'number') ?? get(payload, 'number')) : undefined;
  let branch: string | undefined;
  if (isPr) branch = str(env['GITHUB_HEAD_REF']) ?? str(get(payload, 'pull_request', 'head', 'ref'));
  else if (ref.startsWith('refs/heads/')) branch = ref.slice('refs/heads/'.length);
  const tag = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
  const runId = env['GITHUB_RUN_ID'] ?? '';
  const runAttempt = env['GITHUB_RUN_ATTEMPT'] ?? '1';
  const runBase = repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : '';
  return {
    repository,
    owner,
    repo,
    serverUrl,
    apiUrl: (env['GITHUB_API_URL'] ?? 'https://api.github.com').replace(/\/$/, ''),
    eventName,
    sha: headSha ?? githubSha,
    githubSha,
    ref,
    branch,
    tag,
    defaultBranch: str(get(payload, 'repository', 'default_branch')),
    prNumber: typeof prNumberRaw === 'number' ? prNumberRaw : undefined,
    actor: env['GITHUB_ACTOR'] ?? '',
    workflow: env['GITHUB_WORKFLOW'] ?? '',
    job: env['GITHUB_JOB'] ?? '',
    runId,
    runAttempt,
    runNumber: env['GITHUB_RUN_NUMBER'] ?? '',
    runUrl: runBase && runAttempt !== '1' ? `${runBase}/attempts/${runAttempt}` : runBase,
    workspace: env['GITHUB_WORKSPACE'] ?? process.cwd(),
    payload,
  };
}
