/**
 * The event a local run simulates: which one by default, the payload GitHub would send when none is
 * given, and the github.ref/sha/head_ref/base_ref that follow from it.
 */
import { stableNumericId } from '../shared/oidc/claims.js';
import type { RepoInfo } from './repo.js';
import { isDeletePush } from './triggers.js';
import type { WorkflowModel } from './workflow.js';

/** The event a workflow runs on when none is named: push, else workflow_dispatch, else its first. */
export function defaultEvent(model: WorkflowModel): string {
  if (model.events.includes('push')) return 'push';
  if (model.events.includes('workflow_dispatch')) return 'workflow_dispatch';
  return model.events[0] ?? 'push';
}

/** The first `on.schedule[].cron` of the first of `models` that has one: what a synthetic schedule fired. */
export function firstCron(models: WorkflowModel[]): string | undefined {
  for (const model of models) {
    const schedule = model.triggers['schedule'] as unknown;
    if (!Array.isArray(schedule)) continue;
    for (const entry of schedule as { cron?: unknown }[])
      if (typeof entry?.cron === 'string') return entry.cron;
  }
  return undefined;
}

/** The pull request a `pull_request` run without `--eventpath` is for (the sandbox makes it exist). */
export const SYNTHETIC_PULL_REQUEST_NUMBER = 1;

/**
 * The payload GitHub would send for `eventName`, from the local repository. `activity` (see
 * activity-types.ts) becomes `action`, as in every real payload of an event with activity types.
 */
export function synthesizePayload(
  eventName: string,
  repo: RepoInfo,
  inputs: Record<string, string>,
  activity?: string,
  extra: { schedule?: string | undefined; baseSha?: string | undefined } = {},
): Record<string, unknown> {
  const { schedule, baseSha } = extra;
  const payload = basePayload(eventName, repo, inputs, baseSha);
  // A schedule payload names the cron that fired ("Events that trigger workflows", schedule:
  // github.event.schedule); a local run stands for the workflow's first one.
  if (eventName === 'schedule' && schedule !== undefined) payload['schedule'] = schedule;
  if (activity === undefined) return payload;
  // repository_dispatch's activity is the event_type its caller chose; it also brings a client_payload.
  const dispatch = eventName === 'repository_dispatch' ? { client_payload: {} } : {};
  return { action: activity, ...payload, ...dispatch };
}

function basePayload(
  eventName: string,
  repo: RepoInfo,
  inputs: Record<string, string>,
  baseSha: string | undefined,
): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`;
  const repository = {
    id: Number(stableNumericId('repository', fullName)),
    name: repo.name,
    full_name: fullName,
    owner: { login: repo.owner, name: repo.owner, id: Number(stableNumericId('account', repo.owner)) },
    default_branch: repo.defaultBranch,
    html_url: `https://github.com/${fullName}`,
  };
  const sender = { login: repo.actor, id: Number(stableNumericId('account', repo.actor)) };
  switch (eventName) {
    case 'push':
      return {
        ref: repo.ref || `refs/heads/${repo.defaultBranch}`,
        before: '0'.repeat(40),
        after: repo.sha,
        repository,
        sender,
        pusher: { name: repo.actor },
        head_commit: { id: repo.sha },
      };
    case 'pull_request':
    case 'pull_request_target':
      return {
        number: SYNTHETIC_PULL_REQUEST_NUMBER,
        pull_request: {
          number: SYNTHETIC_PULL_REQUEST_NUMBER,
          head: { ref: repo.branch || 'HEAD', sha: repo.sha, repo: repository },
          base: { ref: repo.defaultBranch, sha: baseSha ?? repo.sha, repo: repository },
        },
        repository,
        sender,
      };
    case 'workflow_dispatch':
      return { inputs, ref: repo.ref || `refs/heads/${repo.defaultBranch}`, repository, sender };
    default:
      return { repository, sender };
  }
}

/**
 * github.actor_id, repository_id and repository_owner_id (and the OIDC claims of the same names): the
 * payload's `sender.id`, `repository.id` and `repository.owner.id` when it has them, else the stable
 * stand-in ids that a synthetic payload carries. GitHub gives them as strings of digits.
 */
export function accountIds(
  payload: Record<string, unknown>,
  repo: RepoInfo,
): { actorId: string; repositoryId: string; repositoryOwnerId: string } {
  const idOf = (value: unknown): string | undefined => {
    const id = (value as { id?: unknown } | undefined)?.id;
    return (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) ||
      (typeof id === 'string' && /^[1-9][0-9]*$/.test(id))
      ? String(id)
      : undefined;
  };
  const repository = payload['repository'] as { owner?: unknown } | undefined;
  return {
    actorId: idOf(payload['sender']) ?? stableNumericId('account', repo.actor),
    repositoryId: idOf(repository) ?? stableNumericId('repository', `${repo.owner}/${repo.name}`),
    repositoryOwnerId: idOf(repository?.owner) ?? stableNumericId('account', repo.owner),
  };
}

/**
 * Events whose run is on the default branch: "Events that trigger workflows" gives them GITHUB_REF
 * "Default branch" and GITHUB_SHA "Last commit on default branch" (act's SetRef does the same for
 * every event it does not name).
 */
export const DEFAULT_BRANCH_EVENTS: ReadonlySet<string> = new Set([
  'branch_protection_rule',
  'check_run',
  'check_suite',
  'delete',
  'discussion',
  'discussion_comment',
  'fork',
  'gollum',
  'image_version',
  'issue_comment',
  'issues',
  'label',
  'milestone',
  'page_build',
  'project',
  'project_card',
  'project_column',
  'public',
  'repository_dispatch',
  'schedule',
  'status',
  'watch',
  'workflow_run',
]);

/** A full commit id. */
export const SHA = /^[0-9a-f]{40}$/;

function stringAt(value: unknown, ...path: string[]): string | undefined {
  let current = value;
  for (const key of path) current = (current as Record<string, unknown> | undefined)?.[key];
  return typeof current === 'string' && current !== '' ? current : undefined;
}

/**
 * Derive github.ref/sha/head_ref/base_ref from the event and payload, as GitHub does ("Events that
 * trigger workflows", the GITHUB_SHA and GITHUB_REF of each event; act's SetRef and SetSha).
 * `commitOf` gives the local commit of a full ref (`refs/heads/<b>`: origin's, else the local
 * branch; `refs/tags/<t>`); where a ref is not here, the local HEAD stands for its commit.
 *
 * - push: the pushed ref and `after`. A push that deletes its ref has no commit: "When you delete a
 *   branch, the SHA in the workflow run (and its associated refs) reverts to the default branch".
 * - pull_request: `refs/pull/<n>/merge`, the local HEAD (the merge commit does not exist here).
 * - pull_request_target: the default branch and its commit ("Default branch", "Last commit on default
 *   branch" on GitHub.com; older GitHub Enterprise Server used the PR's base branch).
 * - release: `refs/tags/<release.tag_name>` and the tag's commit.
 * - create: the created branch or tag (`ref`, `ref_type`) and its commit.
 * - deployment, deployment_status: `deployment.ref` ('' when the deployment names a commit) and
 *   `deployment.sha`.
 * - {@link DEFAULT_BRANCH_EVENTS}: the default branch (`repository.default_branch`, else the local
 *   repository's) and its commit.
 * - anything else (workflow_dispatch, …): the payload's `ref` when it is a full ref, else the local
 *   branch, and the local HEAD.
 */
export function refsFor(
  eventName: string,
  payload: Record<string, unknown>,
  repo: RepoInfo,
  commitOf: (ref: string) => string | undefined = () => undefined,
): { ref: string; sha: string; headRef: string; baseRef: string } {
  const at = (ref: string, sha?: string): { ref: string; sha: string; headRef: string; baseRef: string } => ({
    ref,
    sha: sha ?? (ref ? commitOf(ref) : undefined) ?? repo.sha,
    headRef: '',
    baseRef: '',
  });
  const defaultBranch = `refs/heads/${stringAt(payload, 'repository', 'default_branch') ?? repo.defaultBranch}`;
  if (eventName === 'push' && isDeletePush(payload)) return at(defaultBranch);
  const pr = payload['pull_request'] as
    { number?: number; head?: { ref?: string }; base?: { ref?: string; sha?: unknown } } | undefined;
  if ((eventName === 'pull_request' || eventName === 'pull_request_target') && pr) {
    const headRef = pr.head?.ref ?? '';
    const baseRef = pr.base?.ref ?? '';
    if (eventName === 'pull_request')
      return {
        ref: `refs/pull/${pr.number ?? payload['number'] ?? SYNTHETIC_PULL_REQUEST_NUMBER}/merge`,
        sha: repo.sha,
        headRef,
        baseRef,
      };
    // On GitHub.com pull_request_target runs on the default branch whatever the PR's base (since
    // 2025-12-08; GitHub Enterprise Server before 3.20 used the base branch).
    return { ...at(defaultBranch), headRef, baseRef };
  }
  if (eventName === 'release') {
    const tag = stringAt(payload, 'release', 'tag_name');
    if (tag) return at(`refs/tags/${tag}`);
  }
  if (eventName === 'create') {
    const name = stringAt(payload, 'ref');
    if (name)
      return at(
        name.startsWith('refs/') ? name : `refs/${payload['ref_type'] === 'tag' ? 'tags' : 'heads'}/${name}`,
      );
  }
  if (eventName === 'deployment' || eventName === 'deployment_status') {
    const name = stringAt(payload, 'deployment', 'ref');
    const sha = stringAt(payload, 'deployment', 'sha');
    if (name !== undefined || sha !== undefined) {
      // "Branch or tag to be deployed (empty if created with a commit SHA)"; a name that is only a
      // tag here is the tag.
      const ref =
        name === undefined || SHA.test(name)
          ? ''
          : name.startsWith('refs/')
            ? name
            : !commitOf(`refs/heads/${name}`) && commitOf(`refs/tags/${name}`)
              ? `refs/tags/${name}`
              : `refs/heads/${name}`;
      return at(ref, sha !== undefined && SHA.test(sha) ? sha : name && SHA.test(name) ? name : undefined);
    }
  }
  if (DEFAULT_BRANCH_EVENTS.has(eventName)) return at(defaultBranch);
  const ref =
    typeof payload['ref'] === 'string' && (payload['ref'] as string).startsWith('refs/')
      ? (payload['ref'] as string)
      : repo.ref || `refs/heads/${repo.defaultBranch}`;
  const sha =
    typeof payload['after'] === 'string' && SHA.test(payload['after'] as string)
      ? (payload['after'] as string)
      : repo.sha;
  return { ref, sha, headRef: '', baseRef: '' };
}
