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
