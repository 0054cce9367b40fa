/**
 * Roll back, then confirm that the previous version is healthy again by re-running the checks: the part
 * of the flow both `health-check` and `rollback` share.
 */
import { messageOf } from '../errors.js';
import type { ArgoCdClient, WaitLogger } from '../argocd/index.js';
import type { HealthCheck } from '../health/checks.js';
import { analysisReport, timelineLine, type HealthReport, type RollbackReport } from '../health/report.js';
import { runRecoveryCheck, type Measure } from '../health/run.js';
import { performRollback, RollbackFailedError, type RollbackOutcome, type RollbackPlan } from './perform.js';

export interface ConfirmOptions {
  /** Checks to re-run; none means recovery is judged by Argo CD health alone. */
  checks: readonly HealthCheck[];
  measure: Measure;
  recoveryTimeoutMs: number;
  intervalMs: number;
  recoverySuccesses: number;
}

export interface RollbackAndConfirmResult {
  outcome?: RollbackOutcome;
  rollback?: RollbackReport;
  recovery?: NonNullable<HealthReport['recovery']>;
  /** Set when the rollback failed. */
  failure?: RollbackFailedError;
}

/** The report's view of a rollback outcome (no Application object: it is large and not the user's concern). */
export function rollbackReport(outcome: RollbackOutcome): RollbackReport {
  return {
    strategy: outcome.strategy,
    fallbackReason: outcome.fallbackReason,
    revision: outcome.revision,
    historyId: outcome.historyId,
    revertedCommit: outcome.revertedCommit,
    images: outcome.images,
    timings: outcome.timings,
  };
}

/** Roll back per `plan`, then re-run the checks. Never throws a RollbackFailedError: it is returned, so the caller can write its summary first. */
export async function rollbackAndConfirm(
  client: ArgoCdClient,
  plan: RollbackPlan,
  options: ConfirmOptions,
  log: WaitLogger,
): Promise<RollbackAndConfirmResult> {
  let outcome: RollbackOutcome;
  try {
    outcome = await performRollback(client, plan, log);
  } catch (error) {
    if (error instanceof RollbackFailedError) return { failure: error };
    return {
      failure: new RollbackFailedError(`Rollback of '${plan.app}' failed: ${messageOf(error)}`, [], {
        cause: error,
      }),
    };
  }
  const result: RollbackAndConfirmResult = { outcome, rollback: rollbackReport(outcome) };
  if (options.checks.length > 0) {
    log.info(
      `Checking that '${plan.app}' is healthy again (${options.recoverySuccesses} successful measurement(s) in a row per check)`,
    );
    const recovery = await runRecoveryCheck(options.checks, options.measure, {
      timeoutMs: options.recoveryTimeoutMs,
      intervalMs: options.intervalMs,
      successes: options.recoverySuccesses,
      onMeasurement: (m) => log.info(`recovery ${timelineLine(m)}`),
    });
    result.recovery = { ...analysisReport(options.checks, recovery), confirmed: recovery.confirmed };
  }
  return result;
}
