/**
 * Pure decisions of a rollback: which history entry to go back to, when a rollback counts as done, and
 * what a person must do by hand when it could not be done automatically.
 */
import { isCompletedPhase, type Application, type RevisionHistory } from '../argocd/index.js';
import { redactUrl } from '../secrets.js';

/** The verdict of a rollback wait, like the deploy wait's. */
export type RollbackVerdict =
  { state: 'waiting'; reason: string } | { state: 'done' } | { state: 'failed'; reason: string };

/** The history entry deployed last: the highest id (ids keep growing after truncation; never use the index). */
export function currentHistoryEntry(app: Application): RevisionHistory | undefined {
  const history = app.status?.history ?? [];
  return history.reduce<RevisionHistory | undefined>(
    (best, entry) => (!best || entry.id > best.id ? entry : best),
    undefined,
  );
}

/**
 * Where "roll back to the previous one" goes: the newest entry older than the current one that deployed a
 * different revision (a re-sync of the same revision is not a previous version).
 */
export function previousHistoryEntry(app: Application): RevisionHistory | undefined {
  const current = currentHistoryEntry(app);
  if (!current) return undefined;
  return (app.status?.history ?? [])
    .filter((entry) => entry.id < current.id && entry.revision !== current.revision)
    .reduce<RevisionHistory | undefined>(
      (best, entry) => (!best || entry.id > best.id ? entry : best),
      undefined,
    );
}

/** The newest entry whose revision is `revision` (a full sha or an unambiguous prefix of at least 7). */
export function historyEntryForRevision(app: Application, revision: string): RevisionHistory | undefined {
  const wanted = revision.toLowerCase();
  return (app.status?.history ?? [])
    .filter(
      (entry) =>
        entry.revision &&
        (entry.revision === revision ||
          (wanted.length >= 7 && entry.revision.toLowerCase().startsWith(wanted))),
    )
    .reduce<RevisionHistory | undefined>(
      (best, entry) => (!best || entry.id > best.id ? entry : best),
      undefined,
    );
}

/** `0 (abc1234, 2026-08-01T10:00:00Z), 1 (…)` for errors that must show what exists. */
export function describeHistory(app: Application): string {
  const history = [...(app.status?.history ?? [])].sort((a, b) => a.id - b.id);
  if (history.length === 0) return 'the application has no deployment history';
  return history.map((e) => `${e.id} (${(e.revision ?? '?').slice(0, 7)}, ${e.deployedAt})`).join(', ');
}

/**
 * Whether an Argo CD rollback to `revision` is done. After a rollback the app is OutOfSync with its spec
 * (the spec still points at the branch whose tip is the bad version), so unlike a deploy this does not
 * wait for Synced: it waits for our operation to succeed on `revision`, for the controller to reconcile
 * after it, and for health to be Healthy.
 */
export function evaluateRollback(
  app: Application,
  target: { revision: string; previousOperationStartedAt?: string },
): RollbackVerdict {
  const op = app.status?.operationState;
  const fresh = op !== undefined && op.startedAt !== target.previousOperationStartedAt;
  if (app.operation && (!op || !fresh || isCompletedPhase(op.phase))) {
    return { state: 'waiting', reason: 'the rollback operation has not started yet' };
  }
  if (!op || !fresh) return { state: 'waiting', reason: 'the rollback operation has not started yet' };
  if (!isCompletedPhase(op.phase))
    return { state: 'waiting', reason: `the rollback operation is ${op.phase}` };
  const revision = op.syncResult?.revision ?? op.operation.sync?.revision;
  if (op.phase !== 'Succeeded') {
    return {
      state: 'failed',
      reason: `the rollback operation ${op.phase === 'Error' ? 'errored' : 'failed'}: ${op.message ?? 'no message'}`,
    };
  }
  if (revision !== target.revision) {
    return {
      state: 'failed',
      reason: `another operation (to ${(revision ?? 'an unknown revision').slice(0, 7)}) ran instead of the rollback to ${target.revision.slice(0, 7)}`,
    };
  }
  const reconciledAt = app.status?.reconciledAt;
  if (op.finishedAt && (!reconciledAt || Date.parse(reconciledAt) < Date.parse(op.finishedAt))) {
    return { state: 'waiting', reason: 'the controller has not reconciled since the rollback finished' };
  }
  const health = app.status?.health?.status ?? 'Unknown';
  if (health === 'Degraded') {
    return {
      state: 'failed',
      reason: `health is Degraded after the rollback${app.status?.health?.message ? `: ${app.status.health.message}` : ''}`,
    };
  }
  if (health !== 'Healthy') return { state: 'waiting', reason: `health is ${health}` };
  return { state: 'done' };
}

export interface ManualStepsContext {
  app: string;
  argocdServer?: string;
  historyId?: number;
  historyRevision?: string;
  autoSync?: boolean;
  gitops?: { repo: string; branch: string };
  revertCommit?: string;
}

/** The commands a person runs to finish a rollback that Paved could not, in the order to try them. */
export function manualRecoverySteps(context: ManualStepsContext): string[] {
  const steps: string[] = [];
  const server = context.argocdServer ? ` --server ${new URL(context.argocdServer).host}` : '';
  if (context.historyId !== undefined) {
    const rev = context.historyRevision ? ` (revision ${context.historyRevision.slice(0, 7)})` : '';
    if (context.autoSync !== false) {
      steps.push(
        `Argo CD refuses a rollback while auto-sync is on: argocd app set ${context.app} --sync-policy none${server}` +
          ' (turn it back on once the GitOps repo points at a good version)',
      );
    }
    steps.push(
      `Roll back to history id ${context.historyId}${rev}: argocd app rollback ${context.app} ${context.historyId}${server}`,
    );
  }
  if (context.gitops && context.revertCommit) {
    steps.push(
      `Or revert the bump in the GitOps repo: git clone --branch ${context.gitops.branch} ${redactUrl(context.gitops.repo)} gitops && cd gitops && ` +
        `git revert --no-edit ${context.revertCommit} && git push origin HEAD:${context.gitops.branch}`,
    );
    steps.push(`Then sync (not needed with auto-sync on): argocd app sync ${context.app}${server}`);
  }
  steps.push(`Watch it recover: argocd app wait ${context.app} --health --timeout 600${server}`);
  return steps;
}
