/**
 * One HTTP(S) probe → one measurement. The judgement of a response (`judgeHttpResponse`) is pure; the
 * request goes through shared/http.ts with no retries, because a retry would hide exactly the blips the
 * analysis is there to count.
 *
 * A probe that gets no answer (refused, reset, timed out) is a *failed* measurement, not an error: the
 * service under test not answering is the signal. Errors are kept for when the measuring tool breaks.
 */
import { request } from '../http.js';
import { messageOf } from '../errors.js';
import { redact } from '../secrets.js';
import type { Measurement, MeasurementPhase } from './analysis.js';
import { statusMatches, type HttpCheck } from './checks.js';
import { jsonValueText, selectJsonPath } from './json-path.js';

export interface HttpObservation {
  status: number;
  latencyMs: number;
  body: string;
  contentType?: string;
}

/** Judge a response against a check: status, body substring, JSON path, latency — first problem wins. */
export function judgeHttpResponse(
  check: HttpCheck,
  response: HttpObservation,
): { phase: MeasurementPhase; observed: string; message?: string } {
  const observed = `${response.status} in ${Math.round(response.latencyMs)}ms`;
  const fail = (message: string): { phase: MeasurementPhase; observed: string; message: string } => ({
    phase: 'failed',
    observed,
    message: redact(message),
  });
  if (!statusMatches(check.expectedStatus, response.status)) {
    return fail(`status ${response.status}, expected ${check.expectedStatus.text}${snippet(response.body)}`);
  }
  if (check.bodyContains !== undefined && !response.body.includes(check.bodyContains)) {
    return fail(`the body does not contain ${JSON.stringify(check.bodyContains)}${snippet(response.body)}`);
  }
  if (check.jsonPath) {
    let document: unknown;
    try {
      document = JSON.parse(response.body);
    } catch {
      return fail(`the body is not JSON, so ${check.jsonPath.text} cannot be read${snippet(response.body)}`);
    }
    const selected = selectJsonPath(document, check.jsonPath);
    if ('missing' in selected)
      return fail(`${selected.missing} is not in the response${snippet(response.body)}`);
    const actual = jsonValueText(selected.value);
    if (actual !== check.jsonEquals) {
      return fail(
        `${check.jsonPath.text} is ${JSON.stringify(actual)}, expected ${JSON.stringify(check.jsonEquals)}`,
      );
    }
  }
  if (check.maxLatencyMs !== undefined && response.latencyMs > check.maxLatencyMs) {
    return fail(`took ${Math.round(response.latencyMs)}ms, more than max-latency ${check.maxLatencyMs}ms`);
  }
  return { phase: 'successful', observed };
}

function snippet(body: string): string {
  const text = body.trim().replace(/\s+/g, ' ');
  if (!text) return '';
  return ` (body: ${JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text)})`;
}

const ANY_STATUS = Array.from({ length: 500 }, (_, i) => i + 100);

/** Send the probe and judge it. `at` is the analysis clock (ms since start). */
export async function probeHttp(check: HttpCheck, at: number, signal?: AbortSignal): Promise<Measurement> {
  const started = performance.now();
  try {
    const response = await request(check.url, {
      method: check.method,
      headers: { ...check.headers },
      timeoutMs: check.timeoutMs,
      retry: false,
      okStatuses: ANY_STATUS,
      insecureTls: check.insecure,
      service: `probe '${check.name}'`,
      signal,
    });
    const latencyMs = performance.now() - started;
    const judged = judgeHttpResponse(check, {
      status: response.status,
      latencyMs,
      body: response.text,
      contentType: response.headers.get('content-type') ?? undefined,
    });
    return { check: check.name, at, value: Math.round(latencyMs), ...judged };
  } catch (error) {
    return {
      check: check.name,
      at,
      phase: 'failed',
      observed: 'no response',
      message: redact(messageOf(error).replace(/^probe '[^']*': /, '')),
    };
  }
}
