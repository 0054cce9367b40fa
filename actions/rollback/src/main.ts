/**
 * rollback: a manual rollback of an Argo CD application (e.g. from workflow_dispatch) to a history id, a
 * revision or the previous deployment, with the same strategies, fallback and recovery confirmation as
 * health-check (shared/rollback).
 */
import { runAction } from '../../../shared/action.js';
import { PavedError } from '../../../shared/errors.js';
import { group, info } from '../../../shared/log.js';
import { recordRollbackInGitHub } from '../../../shared/github/rollback-record.js';
import { setOutput } from '../../../shared/outputs.js';
import type { HealthReport } from '../../../shared/health/report.js';
import { getInputs, type Inputs } from './inputs.js';

export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = await getInputs();
    await manualRollback(inputs);
  });
}

export async function manualRollback(inputs: Inputs): Promise<HealthReport> {
  const { clientForTarget } = await import('../../../shared/argocd/client.js');
  const { currentHistoryEntry, describeHistory, historyEntryForRevision, previousHistoryEntry } =
    await import('../../../shared/rollback/target.js');
  const { rollbackAndConfirm } = await import('../../../shared/rollback/confirm.js');
  const { preparePrometheus } = await import('../../../shared/health/prometheus.js');
  const { liveMeasure } = await import('../../../shared/health/run.js');
  const { healthSummary } = await import('../../../shared/health/report.js');

  const prometheus = await preparePrometheus(inputs.checks, inputs.prometheus, 'checks');

  const client = clientForTarget(inputs);
  const app = await client.getApplication(inputs.app);

  let historyId: number | undefined;
  let target = '';
  if (inputs.strategy === 'argocd') {
    const entry =
      inputs.toHistoryId !== undefined
        ? (app.status?.history ?? []).find((e) => e.id === inputs.toHistoryId)
        : inputs.toRevision !== undefined
          ? historyEntryForRevision(app, inputs.toRevision)
          : previousHistoryEntry(app);
    if (!entry) {
      const wanted =
        inputs.toHistoryId !== undefined
          ? `history id ${inputs.toHistoryId}`
          : inputs.toRevision !== undefined
            ? `a deployment of revision ${inputs.toRevision}`
            : 'a previous deployment with a different revision';
      throw new PavedError(
        `'${inputs.app}' has no ${wanted} to roll back to; its history: ${describeHistory(app)}. Nothing was rolled back`,
      );
    }
    if (entry.id === currentHistoryEntry(app)?.id && app.status?.sync?.revision === entry.revision) {
      info(`History id ${entry.id} is already the current deployment; rolling back to it re-applies it`);
    }
    historyId = entry.id;
    target = `history id ${entry.id} (${(entry.revision ?? '').slice(0, 7)})`;
  }
  // The commit a git revert undoes: the one given, else what Argo CD has synced now (the bad bump).
  const revertCommit = inputs.revision ?? app.status?.sync?.revision;
  if (inputs.strategy === 'git-revert') target = `a revert of ${(revertCommit ?? '').slice(0, 7)}`;
  info(`Rolling '${inputs.app}' back to ${target} (${inputs.strategy}): ${inputs.reason}`);

  const outcome = await group('Rollback', () =>
    rollbackAndConfirm(
      client,
      {
        app: inputs.app,
        strategy: inputs.strategy,
        historyId,
        revertCommit,
        gitops: inputs.gitops
          ? {
              repo: inputs.gitops.repo,
              branch: inputs.gitops.branch,
              auth: inputs.gitops.token ? { token: inputs.gitops.token } : undefined,
            }
          : undefined,
        reason: inputs.reason,
        timeoutMs: inputs.timeoutMs,
      },
      {
        checks: inputs.checks,
        measure: liveMeasure(prometheus),
        recoveryTimeoutMs: inputs.recoveryTimeoutMs,
        intervalMs: inputs.intervalMs,
        recoverySuccesses: inputs.recoverySuccesses,
      },
      { info },
    ),
  );

  const report: HealthReport = {
    verdict: outcome.failure ? 'rollback-failed' : 'rolled-back',
    healthy: !outcome.failure && (outcome.recovery?.confirmed ?? true),
    rolledBack: !outcome.failure,
    reason: inputs.reason,
    app: inputs.app,
    rollback: outcome.rollback,
    recovery: outcome.recovery,
    manualSteps: outcome.failure?.manualSteps,
  };
  const recovered = outcome.recovery ? outcome.recovery.confirmed : !outcome.failure;
  if (outcome.rollback) {
    const r = outcome.rollback;
    const to =
      r.strategy === 'argocd'
        ? `history id ${r.historyId}, revision ${r.revision.slice(0, 7)}`
        : `the revert ${r.revision.slice(0, 7)} of ${(r.revertedCommit ?? '').slice(0, 7)}`;
    report.reason = `${inputs.reason}: rolled back '${inputs.app}' to ${to}${r.images.length ? ` (${r.images.join(', ')})` : ''}${r.fallbackReason ? ' by git revert (Argo CD refuses a rollback while auto-sync is on)' : ''}; recovery ${
      outcome.recovery
        ? outcome.recovery.confirmed
          ? 'confirmed by the checks'
          : `NOT confirmed: ${outcome.recovery.reason}`
        : 'judged by Argo CD health (Healthy)'
    }`;
  } else if (outcome.failure) {
    report.reason = `${inputs.reason}: ${outcome.failure.message}`;
  }
  if (outcome.rollback) await recordRollbackInGitHub(inputs, inputs.reason);
  setOutput('rolled-back', report.rolledBack);
  setOutput('rollback-revision', outcome.rollback?.revision ?? '');
  setOutput('history-id', outcome.rollback?.historyId ?? '');
  setOutput('recovered', recovered);
  setOutput('reason', report.reason);
  setOutput('report', report as unknown as Record<string, unknown>);
  await healthSummary(`Rollback of ${inputs.app}`, report).write();
  if (outcome.failure) throw outcome.failure;
  if (outcome.recovery && !outcome.recovery.confirmed) throw new PavedError(report.reason);
  return report;
}
