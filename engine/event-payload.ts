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
  schedule?: string,
): Record<string, unknown> {
  const payload = basePayload(eventName, repo, inputs);
  // A schedule payload names the cron that fired ("Events that trigger workflows", schedule:
  // github.event.schedule); a local run stands for the workflow's first one.
  if (eventName === 'schedule' && schedule !== undefined) payload['schedule'] = schedule;
  if (activity === undefined) return payload;
  // repository_dispatch's activity is the event_type its caller chose; it also brings a client_payload.
  const extra = eventName === 'repository_dispatch' ? { client_payload: {} } : {};
  return { action: activity, ...payload, ...extra };
}

function basePayload(
  eventName: string,
  repo: RepoInfo,
  inputs: Record<string, string>,
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
          base: { ref: repo.defaultBranch, sha: repo.sha, repo: repository },
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
 * Derive github.ref/sha/head_ref/base_ref from the event and payload, as GitHub does. A push that
 * deletes its ref has no commit: "When you delete a branch, the SHA in the workflow run (and its
 * associated refs) reverts to the default branch of the repository" (Events that trigger workflows →
 * push), so ref and sha are the default branch's (`defaultBranchSha`, else the local HEAD).
 */
export function refsFor(
  eventName: string,
  payload: Record<string, unknown>,
  repo: RepoInfo,
  defaultBranchSha?: string,
): { ref: string; sha: string; headRef: string; baseRef: string } {
  if (eventName === 'push' && isDeletePush(payload))
    return {
      ref: `refs/heads/${repo.defaultBranch}`,
      sha: defaultBranchSha ?? repo.sha,
      headRef: '',
      baseRef: '',
    };
  const pr = payload['pull_request'] as
    { number?: number; head?: { ref?: string; sha?: string }; base?: { ref?: string } } | undefined;
  if ((eventName === 'pull_request' || eventName === 'pull_request_target') && pr) {
    return {
      ref:
        eventName === 'pull_request'
          ? `refs/pull/${pr.number ?? payload['number'] ?? SYNTHETIC_PULL_REQUEST_NUMBER}/merge`
          : `refs/heads/${pr.base?.ref ?? repo.defaultBranch}`,
      sha: repo.sha,
      headRef: pr.head?.ref ?? '',
      baseRef: pr.base?.ref ?? '',
    };
  }
  const ref =
    typeof payload['ref'] === 'string' && (payload['ref'] as string).startsWith('refs/')
      ? (payload['ref'] as string)
      : repo.ref || `refs/heads/${repo.defaultBranch}`;
  const sha =
    typeof payload['after'] === 'string' && /^[0-9a-f]{40}$/.test(payload['after'] as string)
      ? (payload['after'] as string)
      : repo.sha;
  return { ref, sha, headRef: '', baseRef: '' };
}
