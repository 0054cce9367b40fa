/**
 * Runs an analysis: measures every running check at the start and then every `intervalMs`, feeds the
 * state machine (analysis.ts), and stops as soon as it decides or after `durationMs`
 * (`max(1, floor(duration / interval))` rounds of measurements). Ticks are aligned to the start, so a
 * slow probe does not stretch the schedule.
 */
import { abortableSleep } from '../retry.js';
import {
  applyMeasurement,
  endWindow,
  initialAnalysisState,
  type AnalysisState,
  type Measurement,
} from './analysis.js';
import type { HealthCheck } from './checks.js';
import { probeHttp } from './http-probe.js';
import { measurePrometheus, type PrometheusClient } from './prometheus.js';

export interface AnalysisOptions {
  durationMs: number;
  intervalMs: number;
  /** Wait this long before the first measurement (lets a fresh rollout warm up). */
  initialDelayMs?: number;
  /** Called after each measurement, e.g. to log a timeline line. */
  onMeasurement?: (measurement: Measurement, state: AnalysisState) => void;
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface AnalysisResult {
  state: AnalysisState;
  measurements: Measurement[];
  /** Wall-clock start, ISO. */
  startedAt: string;
  /** How long the analysis ran, ms. */
  elapsedMs: number;
  /** ms after the start at which the analysis decided (the deciding measurement), if before the end. */
  decidedAt?: number;
}

/** How one check is measured; the default uses the real probes. */
export type Measure = (check: HealthCheck, at: number, signal?: AbortSignal) => Promise<Measurement>;

/** The real measurer: HTTP probes directly, Prometheus checks through `prometheus`. */
export function liveMeasure(prometheus: PrometheusClient | undefined): Measure {
  return (check, at, signal) => {
    if (check.kind === 'http') return probeHttp(check, at, signal);
    if (!prometheus) throw new Error(`check '${check.name}' needs a Prometheus client`);
    return measurePrometheus(prometheus, check, at, signal);
  };
}

export async function runAnalysis(
  checks: readonly HealthCheck[],
  measure: Measure,
  options: AnalysisOptions,
): Promise<AnalysisResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const wallStart = new Date(now()).toISOString();
  if (options.initialDelayMs) await sleep(options.initialDelayMs, options.signal);
  const start = now();
  const rounds = Math.max(1, Math.floor(options.durationMs / Math.max(1, options.intervalMs)));
  let state = initialAnalysisState(checks.map((c) => ({ name: c.name, policy: c.policy })));
  const measurements: Measurement[] = [];
  let decidedAt: number | undefined;
  for (let round = 0; round < rounds && state.phase === 'running'; round++) {
    const due = start + round * options.intervalMs;
    const wait = due - now();
    if (wait > 0) await sleep(wait, options.signal);
    options.signal?.throwIfAborted();
    const at = now() - start;
    const running = checks.filter((c) => state.checks.find((s) => s.name === c.name)?.phase === 'running');
    const taken = await Promise.all(running.map((check) => measure(check, at, options.signal)));
    for (const measurement of taken) {
      measurements.push(measurement);
      state = applyMeasurement(state, measurement);
      options.onMeasurement?.(measurement, state);
    }
    if (state.phase !== 'running') decidedAt = at;
  }
  state = endWindow(state);
  return { state, measurements, startedAt: wallStart, elapsedMs: now() - start, decidedAt };
}

export interface RecoveryOptions {
  /** Give up confirming after this long. */
  timeoutMs: number;
  intervalMs: number;
  /** Successful measurements in a row each check needs. */
  successes: number;
  onMeasurement?: AnalysisOptions['onMeasurement'];
  signal?: AbortSignal;
  now?: () => number;
  sleep?: AnalysisOptions['sleep'];
}

/**
 * After a rollback: is the previous version healthy again? Each check must reach `successes` successful
 * measurements in a row within `timeoutMs`. Failures do not end it early, because right after a rollback
 * a rate over a range (`rate(x[1m])`) still contains the bad version's errors for a while.
 */
export async function runRecoveryCheck(
  checks: readonly HealthCheck[],
  measure: Measure,
  options: RecoveryOptions,
): Promise<AnalysisResult & { confirmed: boolean }> {
  const unbounded = Number.MAX_SAFE_INTEGER;
  const lenient = checks.map((check) => ({
    ...check,
    policy: {
      failureLimit: unbounded,
      inconclusiveLimit: unbounded,
      consecutiveErrorLimit: unbounded,
      consecutiveSuccesses: Math.max(1, options.successes),
    },
  }));
  const result = await runAnalysis(lenient, measure, {
    durationMs: options.timeoutMs,
    intervalMs: options.intervalMs,
    onMeasurement: options.onMeasurement,
    signal: options.signal,
    now: options.now,
    sleep: options.sleep,
  });
  const confirmed = result.state.checks.every(
    (c) => c.consecutiveSuccesses >= Math.max(1, options.successes),
  );
  const reason = confirmed
    ? `every check had ${Math.max(1, options.successes)} successful measurement(s) in a row after the rollback`
    : `not every check reached ${Math.max(1, options.successes)} successful measurement(s) in a row within ${Math.round(options.timeoutMs / 1000)}s: ${result.state.checks
        .filter((c) => c.consecutiveSuccesses < Math.max(1, options.successes))
        .map((c) => `'${c.name}'${c.lastProblem?.message ? ` (${c.lastProblem.message})` : ''}`)
        .join(', ')}`;
  return {
    ...result,
    state: { ...result.state, phase: confirmed ? 'successful' : 'failed', reason },
    confirmed,
  };
}
