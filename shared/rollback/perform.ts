/**
 * Rolling an Argo CD application back, shared by `health-check` (automatic) and `rollback` (manual):
 *
 * - `argocd`: `POST …/rollback` to a history id, then wait until that revision is live and Healthy.
 *   Argo CD refuses this while auto-sync is on (400 `rollback cannot be initiated when auto-sync is
 *   enabled`, API-NOTES §5) — auto-sync would undo it at once anyway — so then, when the GitOps repo and
 *   the bump commit are known, it falls back to `git-revert` and says why.
 * - `git-revert`: revert the bump commit on the GitOps branch, push (race-safe, shared/gitops), and wait for
 *   Argo CD to sync the revert: auto-sync picks it up after a refresh; otherwise Paved syncs it.
 *
 * Whatever fails, the error is a {@link RollbackFailedError} that lists the manual steps to recover.
 */
import { PavedError, messageOf } from '../errors.js';
import { formatDuration } from '../duration.js';
import {
  ArgoCdError,
  isAutoSyncEnabled,
  newestHistoryId,
  startOperationWhenFree,
  waitForDeployment,
  waitForRollback,
  type Application,
  type ArgoCdClient,
  type WaitLogger,
} from '../argocd/index.js';
import { GitOpsCheckout, appendNoteAndPush, type GitAuth } from '../gitops/index.js';
import { argocdRollbackNote, rollbackTrailerBlock, withTrailers } from '../metrics/records.js';
import { redactUrl } from '../secrets.js';
import { describeHistory, manualRecoverySteps, type ManualStepsContext } from './target.js';

export type RollbackStrategy = 'argocd' | 'git-revert';

export interface GitOpsTarget {
  repo: string;
  branch: string;
  auth?: GitAuth;
}

export interface RollbackPlan {
  app: string;
  strategy: RollbackStrategy;
  /** `argocd`: the history id to go back to (deploy-argocd's `previous-history-id`). */
  historyId?: number;
  /** `git-revert` (and the fallback): the GitOps commit to revert (deploy-argocd's `gitops-commit`). */
  revertCommit?: string;
  gitops?: GitOpsTarget;
  /** Why, for the revert commit message and logs: `health-check failed: …`. */
  reason: string;
  /** How long to wait for the rollback to be live and Healthy. */
  timeoutMs: number;
  mode?: 'stream' | 'poll';
  pollIntervalMs?: number;
  signal?: AbortSignal;
}

export interface RollbackOutcome {
  /** The strategy that did the rollback. */
  strategy: RollbackStrategy;
  /** Set when `argocd` was asked for and `git-revert` did it. */
  fallbackReason?: string;
  /** The GitOps revision now live: the history entry's revision, or the revert commit. */
  revision: string;
  /** `argocd`: the history id rolled back to. */
  historyId?: number;
  /** `git-revert`: the commit that was reverted. */
  revertedCommit?: string;
  /** Images Argo CD reports after the rollback. */
  images: string[];
  /** ms spent on the rollback call (POST, or clone+revert+push) and on waiting for the sync. */
  timings: { callMs: number; syncMs: number };
  application: Application;
}

/** A rollback that did not complete; `manualSteps` say how to finish it by hand. */
export class RollbackFailedError extends PavedError {
  override name = 'RollbackFailedError';
  constructor(
    message: string,
    readonly manualSteps: string[],
    options?: { cause?: unknown },
  ) {
    super(
      `${message}\nRecover by hand:\n${manualSteps.map((step, i) => `  ${i + 1}. ${step}`).join('\n')}`,
      options,
    );
  }
}

/** Perform `plan`; see the module comment. */
export async function performRollback(
  client: ArgoCdClient,
  plan: RollbackPlan,
  log: WaitLogger,
): Promise<RollbackOutcome> {
  const context: ManualStepsContext = {
    app: plan.app,
    argocdServer: client.baseUrl.toString(),
    historyId: plan.historyId,
    gitops: plan.gitops ? { repo: plan.gitops.repo, branch: plan.gitops.branch } : undefined,
    revertCommit: plan.revertCommit,
  };
  let app: Application;
  try {
    app = await client.getApplication(plan.app);
  } catch (error) {
    throw new RollbackFailedError(
      `Rollback of '${plan.app}' failed: reading the application failed: ${messageOf(error)}`,
      manualRecoverySteps(context),
      { cause: error },
    );
  }
  context.autoSync = app.spec ? isAutoSyncEnabled(app.spec) : undefined;
  if (plan.strategy === 'argocd') {
    const entry = (app.status?.history ?? []).find((e) => e.id === plan.historyId);
    context.historyRevision = entry?.revision;
    try {
      const outcome = await rollbackWithArgoCd(client, plan, app, log);
      await recordArgoCdRollback(plan, log);
      return outcome;
    } catch (error) {
      if (error instanceof ArgoCdError && error.kind === 'auto-sync-enabled') {
        const why = `Argo CD refused the rollback because auto-sync is enabled on '${plan.app}' ("${error.serverMessage}"); an auto-synced app follows git, so the bump is reverted in git instead`;
        if (!plan.gitops || !plan.revertCommit) {
          throw new RollbackFailedError(
            `${why}, but the GitOps repo or the bump commit is not known (set 'gitops-repo' and 'gitops-commit' so Paved can revert it)`,
            manualRecoverySteps(context),
            { cause: error },
          );
        }
        log.info(`${why}.`);
        const outcome = await rollbackWithGitRevert(client, plan, app, log, context);
        return { ...outcome, fallbackReason: why };
      }
      if (error instanceof RollbackFailedError) throw error;
      throw new RollbackFailedError(
        `Rollback of '${plan.app}' to history id ${plan.historyId} failed: ${messageOf(error)}`,
        manualRecoverySteps(context),
        { cause: error },
      );
    }
  }
  return rollbackWithGitRevert(client, plan, app, log, context);
}

/**
 * An Argo CD rollback writes no commit, so it is recorded as a note on the rolled-back deploy commit
 * (refs/notes/paved) for paved metrics. A record that cannot be written is reported, never fatal: the
 * application is already back on the previous version.
 */
async function recordArgoCdRollback(plan: RollbackPlan, log: WaitLogger): Promise<void> {
  if (!plan.gitops || !plan.revertCommit) {
    log.info(
      'The rollback is not recorded for paved metrics: the GitOps repo or the deploy commit is not known',
    );
    return;
  }
  try {
    await appendNoteAndPush(
      { url: plan.gitops.repo, auth: plan.gitops.auth },
      plan.revertCommit,
      argocdRollbackNote(plan.reason, new Date()),
    );
    log.info(`Recorded the rollback as a note on ${plan.revertCommit.slice(0, 7)} (refs/notes/paved)`);
  } catch (error) {
    log.info(`Could not record the rollback in refs/notes/paved: ${messageOf(error)}`);
  }
}

async function rollbackWithArgoCd(
  client: ArgoCdClient,
  plan: RollbackPlan,
  app: Application,
  log: WaitLogger,
): Promise<RollbackOutcome> {
  if (plan.historyId === undefined) throw new PavedError('the argocd strategy needs a history id');
  const entry = (app.status?.history ?? []).find((e) => e.id === plan.historyId);
  if (!entry?.revision) {
    throw new PavedError(
      `history id ${plan.historyId} is not in the history of '${plan.app}' (it has: ${describeHistory(app)})`,
    );
  }
  const revision = entry.revision;
  const waitOptions = { log, mode: plan.mode, pollIntervalMs: plan.pollIntervalMs, signal: plan.signal };
  log.info(
    `Rolling '${plan.app}' back to history id ${entry.id} (revision ${revision.slice(0, 7)}, deployed ${entry.deployedAt})`,
  );
  const callStarted = Date.now();
  // A lower bound is enough: an operation we wait out below only adds entries older than our rollback's.
  const previousHistoryId = newestHistoryId(app);
  await startOperationWhenFree(client, plan.app, () => client.rollback(plan.app, { id: entry.id }), {
    ...waitOptions,
    timeoutMs: plan.timeoutMs,
  });
  const callMs = Date.now() - callStarted;
  const syncStarted = Date.now();
  const live = await waitForRollback(
    client,
    plan.app,
    { revision, previousHistoryId },
    { ...waitOptions, timeoutMs: plan.timeoutMs },
  );
  const syncMs = Date.now() - syncStarted;
  log.info(
    `'${plan.app}' is back on ${revision.slice(0, 7)} and Healthy (${formatDuration(callMs + syncMs)})`,
  );
  return {
    strategy: 'argocd',
    revision,
    historyId: entry.id,
    images: live.status?.summary?.images ?? [],
    timings: { callMs, syncMs },
    application: live,
  };
}

async function rollbackWithGitRevert(
  client: ArgoCdClient,
  plan: RollbackPlan,
  app: Application,
  log: WaitLogger,
  context: ManualStepsContext,
): Promise<RollbackOutcome> {
  const gitops = plan.gitops;
  const commit = plan.revertCommit;
  if (!gitops || !commit) {
    throw new RollbackFailedError(
      `Rollback of '${plan.app}' by git revert needs the GitOps repo and the commit to revert`,
      manualRecoverySteps(context),
    );
  }
  const callStarted = Date.now();
  let revertSha: string;
  let checkout: GitOpsCheckout | undefined;
  try {
    log.info(`Reverting ${commit.slice(0, 7)} on ${redactUrl(gitops.repo)} (${gitops.branch})`);
    checkout = await GitOpsCheckout.clone(gitops.repo, {
      branch: gitops.branch,
      auth: gitops.auth,
      depth: 50,
    });
    const subject = (
      await checkout.git(['log', '-1', '--format=%s', commit], { allowFailure: true })
    ).stdout.trim();
    // The trailers make the revert a rollback record for paved metrics (docs/paved-metrics.md).
    const message = withTrailers(
      `Revert "${subject || commit.slice(0, 7)}"\n\nThis reverts commit ${commit}.\nRolled back by Paved: ${plan.reason}`,
      rollbackTrailerBlock(commit, plan.reason),
    );
    const pushed = await checkout.revertAndPush(commit, message);
    // Nothing to revert means the branch no longer has the change (someone reverted it already): the tip is what must go live.
    revertSha = pushed ?? (await checkout.head());
    if (!pushed)
      log.info(
        `${commit.slice(0, 7)} is already reverted on ${gitops.branch}; waiting for ${revertSha.slice(0, 7)} to be live`,
      );
    else log.info(`Pushed revert ${revertSha.slice(0, 7)} to ${gitops.branch}`);
  } catch (error) {
    throw new RollbackFailedError(
      `Rollback of '${plan.app}' failed: reverting ${commit.slice(0, 7)} in the GitOps repo failed: ${messageOf(error)}`,
      manualRecoverySteps(context),
      {
        cause: error,
      },
    );
  } finally {
    checkout?.dispose();
  }
  const waitOptions = { log, mode: plan.mode, pollIntervalMs: plan.pollIntervalMs, signal: plan.signal };
  const autoSync = app.spec ? isAutoSyncEnabled(app.spec) : false;
  const previousOperationStartedAt = app.status?.operationState?.startedAt;
  // A sync of the revert that starts in the same second as the last one is still told apart by its history entry.
  const previousHistoryId = newestHistoryId(app);
  let live: Application;
  let callMs = 0;
  try {
    if (autoSync) {
      // A refresh makes Argo CD read git now instead of at its next poll (up to 3 minutes later).
      await client.getApplication(plan.app, { refresh: 'normal' });
      callMs = Date.now() - callStarted;
      log.info(`Auto-sync is on: waiting for Argo CD to sync ${revertSha.slice(0, 7)}`);
      live = await waitForDeployment(
        client,
        plan.app,
        { revision: revertSha, requireOperation: false, previousOperationStartedAt, previousHistoryId },
        { ...waitOptions, timeoutMs: plan.timeoutMs },
      );
    } else {
      await startOperationWhenFree(client, plan.app, () => client.sync(plan.app, { revision: revertSha }), {
        ...waitOptions,
        timeoutMs: plan.timeoutMs,
      });
      callMs = Date.now() - callStarted;
      live = await waitForDeployment(
        client,
        plan.app,
        { revision: revertSha, requireOperation: true, previousOperationStartedAt, previousHistoryId },
        { ...waitOptions, timeoutMs: plan.timeoutMs },
      );
    }
  } catch (error) {
    throw new RollbackFailedError(
      `Rollback of '${plan.app}': the revert ${revertSha.slice(0, 7)} is pushed, but it did not become live and Healthy: ${messageOf(error)}`,
      manualRecoverySteps({ ...context, revertCommit: undefined, gitops: undefined }),
      { cause: error },
    );
  }
  const syncMs = Date.now() - callStarted - callMs;
  log.info(`'${plan.app}' is live on the revert ${revertSha.slice(0, 7)} and Healthy`);
  return {
    strategy: 'git-revert',
    revision: revertSha,
    revertedCommit: commit,
    images: live.status?.summary?.images ?? [],
    timings: { callMs, syncMs },
    application: live,
  };
}
