/**
 * Prometheus instant queries as health measurements, through shared/http.ts.
 *
 * What a result means (Argo Rollouts' analysis has the same three outcomes, and leaves users to trip on
 * empty vectors with `result[0]`; Paved names them):
 * - one sample → compared with the condition: successful or failed;
 * - no series → inconclusive: the metric does not exist yet or has had no traffic in the range;
 * - NaN or ±Inf → inconclusive: typically a ratio of two zero rates (0/0), i.e. no traffic;
 * - several series → inconclusive: which one should decide is ambiguous; aggregate in the query
 *   (`sum(...)`, `max(...)`) to say so;
 * - Prometheus unreachable or failing → a measurement error (counted against consecutive-error-limit).
 *
 * Before the window starts, {@link PrometheusClient.preflight} checks that Prometheus answers and that
 * every query parses and returns an instant vector or scalar; a query Prometheus rejects is an input error.
 */
import { InputError, PavedError, RemoteError, messageOf, quote } from '../errors.js';
import { requestJson } from '../http.js';
import type { Measurement, MeasurementPhase } from './analysis.js';
import type { PrometheusCheck } from './checks.js';
import { conditionHolds, type Condition } from './condition.js';

/** `/api/v1/query` response data. */
export type PrometheusQueryData =
  | { resultType: 'vector'; result: { metric: Record<string, string>; value: [number, string] }[] }
  | { resultType: 'scalar'; result: [number, string] }
  | { resultType: 'matrix'; result: unknown[] }
  | { resultType: 'string'; result: [number, string] };

interface ApiResponse {
  status: 'success' | 'error';
  data?: PrometheusQueryData;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

/** Judge a query result against a condition (pure). */
export function judgePrometheusResult(
  data: PrometheusQueryData,
  condition: Condition,
): { phase: MeasurementPhase; observed: string; message?: string; value?: number } {
  let raw: string;
  if (data.resultType === 'scalar') {
    raw = data.result[1];
  } else if (data.resultType === 'vector') {
    if (data.result.length === 0) {
      return {
        phase: 'inconclusive',
        observed: 'no series',
        message: 'the query returned no series (no such metric yet, or no traffic in the range)',
      };
    }
    if (data.result.length > 1) {
      const labels = data.result
        .slice(0, 3)
        .map((s) => formatLabels(s.metric))
        .join(', ');
      return {
        phase: 'inconclusive',
        observed: `${data.result.length} series`,
        message: `the query returned ${data.result.length} series (${labels}${data.result.length > 3 ? ', …' : ''}); aggregate it to one, e.g. with max() or sum()`,
      };
    }
    raw = (data.result[0] as { value: [number, string] }).value[1];
  } else {
    return {
      phase: 'error',
      observed: data.resultType,
      message: `the query returned a ${data.resultType}; it must return an instant vector or a scalar`,
    };
  }
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    return {
      phase: 'inconclusive',
      observed: raw,
      message: `the value is ${raw} (usually a ratio of zero rates: no traffic to judge)`,
    };
  }
  const observed = `${formatNumber(value)} (${condition.text})`;
  if (conditionHolds(condition, value)) return { phase: 'successful', observed, value };
  return {
    phase: 'failed',
    observed,
    value,
    message: `${formatNumber(value)} does not satisfy ${condition.text}`,
  };
}

function formatLabels(metric: Record<string, string>): string {
  const pairs = Object.entries(metric).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `{${pairs.join(',')}}`;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

export interface PrometheusClientOptions {
  url: string | URL;
  /** Bearer token (masked by the caller). */
  token?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  insecure?: boolean;
}

export class PrometheusClient {
  readonly baseUrl: URL;
  readonly service: string;

  constructor(private readonly options: PrometheusClientOptions) {
    const base = new URL(String(options.url));
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.baseUrl = base;
    this.service = `Prometheus at ${base.origin}${base.pathname === '/' ? '' : base.pathname.replace(/\/$/, '')}`;
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { ...this.options.headers };
    if (this.options.token) headers['authorization'] = `Bearer ${this.options.token}`;
    return headers;
  }

  /** Run an instant query. Prometheus' own errors (bad_data, timeout, execution) become RemoteError with its text. */
  async query(
    query: string,
    options: { retry?: boolean; signal?: AbortSignal } = {},
  ): Promise<PrometheusQueryData> {
    const url = new URL('api/v1/query', this.baseUrl);
    url.searchParams.set('query', query);
    const body = await requestJson<ApiResponse>(url, {
      headers: this.headers(),
      service: this.service,
      timeoutMs: this.options.timeoutMs ?? 10_000,
      insecureTls: this.options.insecure ?? false,
      // Inside the window a failed query is a measurement error and the next interval tries again, so
      // retries there only blur the timeline; the preflight retries briefly.
      retry: options.retry ? { attempts: 3, maxElapsedMs: 10_000, baseMs: 300 } : false,
      signal: options.signal,
    });
    if (body?.status !== 'success' || !body.data) {
      throw new RemoteError(
        this.service,
        `query failed: ${body?.errorType ?? 'error'}: ${body?.error ?? 'no data'}`,
      );
    }
    return body.data;
  }

  /**
   * Before the window: Prometheus must answer, and every query must be valid PromQL returning an
   * instant vector or scalar. A rejected query is an InputError naming `input` and the check.
   */
  async preflight(checks: readonly PrometheusCheck[], input: string): Promise<void> {
    for (const check of checks) {
      let data: PrometheusQueryData;
      try {
        data = await this.query(check.query, { retry: true });
      } catch (error) {
        if (error instanceof RemoteError && error.status === 400) {
          throw new InputError(
            input,
            `Input '${input}': Prometheus rejected the query of check '${check.name}' ${quote(check.query)}: ${messageOf(error).replace(/^.*returned 400: /, '')}`,
          );
        }
        throw new PavedError(
          `${this.service} could not be queried, so the analysis cannot run (nothing was rolled back): ${messageOf(error)}`,
          { cause: error },
        );
      }
      if (data.resultType === 'matrix' || data.resultType === 'string') {
        throw new InputError(
          input,
          `Input '${input}': the query of check '${check.name}' ${quote(check.query)} returns a ${data.resultType}; it must return an instant vector or a scalar (for a range vector, wrap it, e.g. rate(x[1m]))`,
        );
      }
    }
  }
}

/** Take one measurement of a Prometheus check. */
export async function measurePrometheus(
  client: PrometheusClient,
  check: PrometheusCheck,
  at: number,
  signal?: AbortSignal,
): Promise<Measurement> {
  try {
    const data = await client.query(check.query, { signal });
    return { check: check.name, at, ...judgePrometheusResult(data, check.condition) };
  } catch (error) {
    return { check: check.name, at, phase: 'error', observed: 'query failed', message: messageOf(error) };
  }
}

/**
 * The Prometheus client for `checks`, preflighted (see {@link PrometheusClient.preflight}); undefined when
 * no check needs Prometheus. `input` names the action input that errors point at.
 */
export async function preparePrometheus(
  checks: readonly { kind: string }[],
  target: { url: URL; token?: string } | undefined,
  input: string,
): Promise<PrometheusClient | undefined> {
  if (!target) return undefined;
  const client = new PrometheusClient({ url: target.url, token: target.token, timeoutMs: 10_000 });
  const queries = checks.filter((c): c is PrometheusCheck => c.kind === 'prometheus');
  if (queries.length) await client.preflight(queries, input);
  return client;
}
