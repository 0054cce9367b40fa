/**
 * Pure decisions of a rollback: which history entry to go back to, and what a person must do by hand when
 * it could not be done automatically. When a rollback counts as done is the Argo CD verdict's
 * (shared/argocd/verdict.ts evaluateRollback).
 */
import type { Application, RevisionHistory } from '../argocd/index.js';
import { redactUrl } from '../secrets.js';

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
