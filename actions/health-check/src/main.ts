/**
 * health-check: measure a release over a window (HTTP probes and Prometheus queries, Argo Rollouts
 * analysis semantics), and when it is unhealthy roll it back (Argo CD rollback, or a git revert of the
 * bump when auto-sync is on), then confirm that the previous version is healthy again.
 *
 * Order matters for safety: inputs, then Prometheus and Argo CD preflights (an unreachable Prometheus or
 * a wrong token fails here, before the window, and nothing is rolled back), then the window, then the
 * rollback. Outputs and the summary are written before the step fails.
 */
import { runAction } from '../../../shared/action.js';
import { PavedError, messageOf } from '../../../shared/errors.js';
import { formatDuration } from '../../../shared/duration.js';
import { group, info, warning } from '../../../shared/log.js';
import { recordRollbackInGitHub } from '../../../shared/github/rollback-record.js';
import { setOutput } from '../../../shared/outputs.js';
import type { ArgoCdClient } from '../../../shared/argocd/client.js';
import type { Application } from '../../../shared/argocd/types.js';
import type { DeliveryHealth } from './record.js';
import type { HealthReport } from '../../../shared/health/report.js';
import { getInputs, type Inputs } from './inputs.js';

export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = await getInputs();
    await healthCheck(inputs);
  });
}

/** What the step decided, for outputs and the exit status. */
export interface HealthCheckResult {
  report: HealthReport;
  /** The error to fail the step with, if it fails. */
  failure?: Error;
}

export async function healthCheck(inputs: Inputs): Promise<HealthCheckResult> {
  const { preparePrometheus } = await import('../../../shared/health/prometheus.js');
  const { runAnalysis, liveMeasure } = await import('../../../shared/health/run.js');
  const { analysisReport, healthSummary, timelineLine } = await import('../../../shared/health/report.js');

  const prometheus = await group('Preflight', () =>
    preparePrometheus(
      inputs.checks,
      inputs.prometheus,
      inputs.checks.some((c) => c.name === 'prometheus-query') ? 'prometheus-query' : 'checks',
    ),
  );
  const argocd = inputs.argocd ? await connectArgoCd(inputs) : undefined;

  const measure = liveMeasure(prometheus);
  info(
    `Analysing ${inputs.checks.length} check(s) for up to ${formatDuration(inputs.durationMs)}, every ${formatDuration(inputs.intervalMs)}: ${inputs.checks.map((c) => c.name).join(', ')}`,
  );
  const result = await group('Analysis', () =>
    runAnalysis(inputs.checks, measure, {
      durationMs: inputs.durationMs,
      intervalMs: inputs.intervalMs,
      initialDelayMs: inputs.initialDelayMs,
      onMeasurement: (m) => info(timelineLine(m)),
    }),
  );
  const analysis = analysisReport(inputs.checks, result);
  const phase = result.state.phase;
  const reason = result.state.reason ?? phase;
  // The verdict's time, for Paved-Health-Time: before any rollback, which is what time to restore measures from.
  const verdictAt = new Date();
  info(`Verdict: ${phase} — ${reason}`);

  const report: HealthReport = {
    verdict: 'healthy',
    healthy: true,
    rolledBack: false,
    reason,
    app: inputs.argocd?.app,
    analysis,
  };
  let failure: Error | undefined;
  const unclear = phase === 'inconclusive' || phase === 'error';
  const shouldRollBack = phase === 'failed' || (unclear && inputs.onInconclusive === 'rollback');

  if (phase === 'successful' || (unclear && inputs.onInconclusive === 'pass')) {
    if (unclear) warning(`The analysis was ${phase} (${reason}); on-inconclusive: pass treats it as healthy`);
  } else if (!shouldRollBack) {
    report.verdict = phase;
    report.healthy = false;
    failure = new PavedError(
      `Health check ${phase}: ${reason}. Nothing was rolled back (on-inconclusive: fail); decide by hand, or set on-inconclusive: rollback`,
    );
  } else if (inputs.rollback === 'off' || !argocd) {
    report.verdict = 'unhealthy';
    report.healthy = false;
    failure = new PavedError(`Health check failed: ${reason}. Nothing was rolled back (rollback: off)`);
  } else {
    report.healthy = false;
    const { rollbackAndConfirm } = await import('../../../shared/rollback/confirm.js');
    const outcome = await group('Rollback', () =>
      rollbackAndConfirm(
        argocd.client,
        {
          app: argocd.app,
          strategy: inputs.strategy,
          historyId: inputs.previousHistoryId,
          revertCommit: inputs.revision,
          gitops: inputs.gitops
            ? {
                repo: inputs.gitops.repo,
                branch: inputs.gitops.branch,
                auth: inputs.gitops.token ? { token: inputs.gitops.token } : undefined,
              }
            : undefined,
          reason: `health-check ${phase}: ${reason}`,
          timeoutMs: inputs.rollbackTimeoutMs,
        },
        {
          checks: inputs.checks,
          measure,
          recoveryTimeoutMs: inputs.recoveryTimeoutMs,
          intervalMs: inputs.intervalMs,
          recoverySuccesses: inputs.recoverySuccesses,
        },
        { info },
      ),
    );
    if (outcome.failure) {
      report.verdict = 'rollback-failed';
      report.manualSteps = outcome.failure.manualSteps;
      failure = new PavedError(`Health check ${phase}: ${reason}. ${outcome.failure.message}`, {
        cause: outcome.failure,
      });
    } else {
      report.verdict = 'rolled-back';
      report.rolledBack = true;
      await recordRollbackInGitHub(inputs, `health-check ${phase}: ${reason}`);
      report.rollback = outcome.rollback;
      report.recovery = outcome.recovery;
      const to = describeRollbackTarget(report);
      const recovery = outcome.recovery
        ? outcome.recovery.confirmed
          ? ' Recovery is confirmed.'
          : ` Recovery is NOT confirmed: ${outcome.recovery.reason}.`
        : '';
      report.reason = `${reason}; rolled back to ${to}.${recovery}`;
      if (inputs.failOnRollback || (outcome.recovery && !outcome.recovery.confirmed)) {
        failure = new PavedError(
          `Health check ${phase}: ${reason}. Rolled back '${argocd.app}' to ${to}.${recovery}`,
        );
      } else {
        warning(`Rolled back '${argocd.app}' to ${to}: ${reason}.${recovery}`);
      }
    }
  }

  const delivery = inputs.deliveryHealth
    ? await recordAndMeasure(inputs, report, verdictAt, argocd?.application)
    : undefined;

  setOutput('healthy', report.healthy);
  setOutput('rolled-back', report.rolledBack);
  setOutput('rollback-revision', report.rollback?.revision ?? '');
  setOutput('recovered', report.recovery ? report.recovery.confirmed : '');
  setOutput('reason', report.reason);
  setOutput('report', report as unknown as Record<string, unknown>);
  setOutput('delivery-health', delivery?.line ?? '');
  const summary = healthSummary(`Health check${inputs.argocd ? ` of ${inputs.argocd.app}` : ''}`, report);
  if (delivery) summary.add(delivery.markdown);
  await summary.write();
  if (failure) throw failure;
  return { report, failure };
}

function describeRollbackTarget(report: HealthReport): string {
  const r = report.rollback;
  if (!r) return 'nothing';
  const images = r.images.length ? ` (${r.images.join(', ')})` : '';
  if (r.strategy === 'argocd')
    return `history id ${r.historyId}, revision ${r.revision.slice(0, 7)}${images}`;
  return `the revert ${r.revision.slice(0, 7)} of ${(r.revertedCommit ?? '').slice(0, 7)}${images}${r.fallbackReason ? ' (git-revert fallback: auto-sync is on)' : ''}`;
}

/**
 * The verdict as a note on the deploy commit, then the last 30 days of delivery health. Neither fails the
 * step: the release's health is the step's result, the record is a by-product.
 */
async function recordAndMeasure(
  inputs: Inputs,
  report: HealthReport,
  verdictAt: Date,
  application: Application | undefined,
): Promise<DeliveryHealth | undefined> {
  const source = application?.spec?.source;
  const target = inputs.gitops
    ? { repo: inputs.gitops.repo, branch: inputs.gitops.branch, token: inputs.gitops.token }
    : source?.repoURL
      ? {
          repo: source.repoURL,
          branch:
            source.targetRevision &&
            source.targetRevision !== 'HEAD' &&
            !/^[0-9a-f]{40}$/.test(source.targetRevision)
              ? source.targetRevision
              : 'main',
          token: undefined,
        }
      : undefined;
  if (!target) {
    info('Delivery health: no gitops-repo (and no Argo CD app to read it from); nothing recorded');
    return undefined;
  }
  const { deliveryHealth, recordVerdict } = await import('./record.js');
  const where = {
    repo: target.repo,
    branch: target.branch,
    auth: target.token ? { token: target.token } : undefined,
  };
  const verdict =
    report.verdict === 'healthy'
      ? 'healthy'
      : ['unhealthy', 'rolled-back', 'rollback-failed'].includes(report.verdict)
        ? 'unhealthy'
        : undefined;
  if (verdict && inputs.revision) {
    const problem = await recordVerdict(where, inputs.revision, verdict, verdictAt);
    if (problem) warning(problem);
    else info(`Recorded Paved-Health: ${verdict} on ${inputs.revision.slice(0, 7)} (refs/notes/paved)`);
  } else if (verdict) {
    info('The verdict is not recorded: gitops-commit (the deploy commit) was not given');
  }
  try {
    return await deliveryHealth(
      where,
      { service: inputs.service, environment: inputs.environment },
      new Date(),
    );
  } catch (error) {
    warning(`Delivery health is not shown: reading the GitOps repository failed: ${messageOf(error)}`);
    return undefined;
  }
}

/** Connect to Argo CD before the window: a wrong token or app name must fail now, not after five minutes. */
async function connectArgoCd(
  inputs: Inputs,
): Promise<{ client: ArgoCdClient; app: string; application: Application }> {
  const argocd = inputs.argocd as NonNullable<Inputs['argocd']>;
  const { clientForTarget } = await import('../../../shared/argocd/client.js');
  const client = clientForTarget(argocd);
  const app = await client.getApplication(argocd.app);
  if (inputs.strategy === 'argocd' && inputs.previousHistoryId !== undefined) {
    const { describeHistory } = await import('../../../shared/rollback/target.js');
    if (!(app.status?.history ?? []).some((e) => e.id === inputs.previousHistoryId)) {
      throw new PavedError(
        `Input 'previous-history-id' is ${inputs.previousHistoryId}, but '${argocd.app}' has no such deployment in its history (${describeHistory(app)}); nothing was measured or rolled back`,
      );
    }
  }
  return { client, app: argocd.app, application: app };
}
