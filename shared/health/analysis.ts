/**
 * The analysis of a release as a pure state machine: measurements go in, a verdict per check and for the
 * whole analysis comes out. No clock, no I/O: the runner (run.ts) feeds it and the table tests drive it.
 *
 * The meanings follow Argo Rollouts' AnalysisRun so that people who know Rollouts read Paved's results
 * the same way (https://argoproj.github.io/argo-rollouts/features/analysis/):
 * - a measurement is `successful`, `failed`, `inconclusive` (the signal was there but could not be judged:
 *   no series, NaN, several series where one was expected) or `error` (the measurement itself could not
 *   be taken: Prometheus unreachable, the query rejected);
 * - a check fails when its failed measurements exceed `failureLimit` (so `failureLimit: 1` tolerates one
 *   blip), is inconclusive when its inconclusive measurements exceed `inconclusiveLimit`, and errors when
 *   its *consecutive* errors exceed `consecutiveErrorLimit` (an error resets once a measurement works);
 * - a check passes early after `consecutiveSuccesses` successful measurements in a row (0 = never early:
 *   it passes when the window ends within its limits);
 * - the analysis fails as soon as any check fails (the runner stops there: waiting longer only keeps
 *   the bad version serving); otherwise, once every check has decided, it is errored if any check
 *   errored, else inconclusive if any was, else successful. The window's end closes the running checks.
 *
 * Where Paved differs from Rollouts, on purpose: an analysis window that ends with a check that never
 * produced a usable measurement is inconclusive, not successful — a check that saw nothing proved nothing.
 */

/** The outcome of one measurement. */
export type MeasurementPhase = 'successful' | 'failed' | 'inconclusive' | 'error';

/** A check's (and the analysis') phase. */
export type AnalysisPhase = 'running' | 'successful' | 'failed' | 'inconclusive' | 'error';

/** Per-check limits, named as in the action inputs. */
export interface CheckPolicy {
  /** Failed measurements tolerated; one more fails the check. */
  failureLimit: number;
  /** Inconclusive measurements tolerated; one more makes the check inconclusive. */
  inconclusiveLimit: number;
  /** Consecutive errors tolerated; one more makes the check errored. */
  consecutiveErrorLimit: number;
  /** Successful measurements in a row that let the check pass before the window ends; 0 = never early. */
  consecutiveSuccesses: number;
}

export interface Measurement {
  /** Which check took it. */
  check: string;
  phase: MeasurementPhase;
  /** ms since the analysis started. */
  at: number;
  /** What was observed, for the timeline: `200 in 12ms`, `0.043 (condition < 0.01)`. */
  observed: string;
  /** Why it is not successful (empty when it is). */
  message?: string;
  /** A numeric value when there is one (metric value, latency). */
  value?: number;
}

export interface CheckState {
  readonly name: string;
  readonly policy: CheckPolicy;
  readonly phase: AnalysisPhase;
  readonly measurements: number;
  readonly successful: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly errors: number;
  readonly consecutiveErrors: number;
  readonly consecutiveSuccesses: number;
  /** Why the check left `running`. */
  readonly reason?: string;
  /** The last measurement that was not successful, for reasons and summaries. */
  readonly lastProblem?: Measurement;
}

export interface AnalysisState {
  readonly phase: AnalysisPhase;
  readonly checks: readonly CheckState[];
  readonly reason?: string;
}

export function initialCheckState(name: string, policy: CheckPolicy): CheckState {
  return {
    name,
    policy,
    phase: 'running',
    measurements: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    errors: 0,
    consecutiveErrors: 0,
    consecutiveSuccesses: 0,
  };
}

export function initialAnalysisState(
  checks: readonly { name: string; policy: CheckPolicy }[],
): AnalysisState {
  return { phase: 'running', checks: checks.map((c) => initialCheckState(c.name, c.policy)) };
}

/** Count one measurement into a check. A check that already decided ignores further measurements. */
export function recordMeasurement(state: CheckState, measurement: Measurement): CheckState {
  if (state.phase !== 'running') return state;
  const next = {
    ...state,
    measurements: state.measurements + 1,
    successful: state.successful + (measurement.phase === 'successful' ? 1 : 0),
    failed: state.failed + (measurement.phase === 'failed' ? 1 : 0),
    inconclusive: state.inconclusive + (measurement.phase === 'inconclusive' ? 1 : 0),
    errors: state.errors + (measurement.phase === 'error' ? 1 : 0),
    consecutiveErrors: measurement.phase === 'error' ? state.consecutiveErrors + 1 : 0,
    consecutiveSuccesses: measurement.phase === 'successful' ? state.consecutiveSuccesses + 1 : 0,
    lastProblem: measurement.phase === 'successful' ? state.lastProblem : measurement,
  };
  const { policy } = state;
  const detail = measurement.message ? `: ${measurement.message}` : '';
  if (next.failed > policy.failureLimit) {
    return {
      ...next,
      phase: 'failed',
      reason: `${next.failed} failed measurement(s), more than failure-limit ${policy.failureLimit}${detail}`,
    };
  }
  if (next.consecutiveErrors > policy.consecutiveErrorLimit) {
    return {
      ...next,
      phase: 'error',
      reason: `${next.consecutiveErrors} measurement errors in a row, more than consecutive-error-limit ${policy.consecutiveErrorLimit}${detail}`,
    };
  }
  if (next.inconclusive > policy.inconclusiveLimit) {
    return {
      ...next,
      phase: 'inconclusive',
      reason: `${next.inconclusive} inconclusive measurement(s), more than inconclusive-limit ${policy.inconclusiveLimit}${detail}`,
    };
  }
  if (policy.consecutiveSuccesses > 0 && next.consecutiveSuccesses >= policy.consecutiveSuccesses) {
    return {
      ...next,
      phase: 'successful',
      reason: `${next.consecutiveSuccesses} successful measurements in a row`,
    };
  }
  return next;
}

/** Close a check at the end of the window: within its limits it passes, unless it never measured anything usable. */
export function closeCheck(state: CheckState): CheckState {
  if (state.phase !== 'running') return state;
  if (state.successful === 0) {
    const why = state.measurements === 0 ? 'no measurement was taken' : 'no measurement was successful';
    return { ...state, phase: 'inconclusive', reason: `the window ended and ${why}` };
  }
  return {
    ...state,
    phase: 'successful',
    reason: `the window ended within the limits (${state.successful}/${state.measurements} successful)`,
  };
}

/**
 * The analysis phase implied by its checks. A failed check decides at once (waiting longer only keeps a
 * bad version serving). An errored or inconclusive check decides only once no other check is still
 * running, because a later failure elsewhere must still be able to trigger the rollback.
 */
export function summarize(checks: readonly CheckState[]): AnalysisState {
  const failed = checks.find((c) => c.phase === 'failed');
  if (failed)
    return { phase: 'failed', checks, reason: `check '${failed.name}': ${failed.reason ?? 'failed'}` };
  if (checks.length === 0 || checks.some((c) => c.phase === 'running')) return { phase: 'running', checks };
  for (const phase of ['error', 'inconclusive'] as const) {
    const deciding = checks.find((c) => c.phase === phase);
    if (deciding) return { phase, checks, reason: `check '${deciding.name}': ${deciding.reason ?? phase}` };
  }
  return { phase: 'successful', checks, reason: 'every check passed' };
}

/** Apply a measurement to the analysis. */
export function applyMeasurement(state: AnalysisState, measurement: Measurement): AnalysisState {
  if (state.phase !== 'running') return state;
  const checks = state.checks.map((c) =>
    c.name === measurement.check ? recordMeasurement(c, measurement) : c,
  );
  return summarize(checks);
}

/** The window is over: close every running check and decide. */
export function endWindow(state: AnalysisState): AnalysisState {
  if (state.phase !== 'running') return state;
  return summarize(state.checks.map(closeCheck));
}
