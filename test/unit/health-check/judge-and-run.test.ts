import { describe, expect, test } from 'vitest';
import type { Measurement, MeasurementPhase } from '../../../shared/health/analysis.js';
import {
  parseCheckList,
  parseStatusMatcher,
  type CheckDefaults,
  type HealthCheck,
  type HttpCheck,
} from '../../../shared/health/checks.js';
import { parseCondition, type Condition } from '../../../shared/health/condition.js';
import { judgeHttpResponse } from '../../../shared/health/http-probe.js';
import { judgePrometheusResult } from '../../../shared/health/prometheus.js';
import { runAnalysis, runRecoveryCheck } from '../../../shared/health/run.js';

const defaults: CheckDefaults = {
  policy: { failureLimit: 1, inconclusiveLimit: 0, consecutiveErrorLimit: 4, consecutiveSuccesses: 0 },
  timeoutMs: 1000,
  method: 'GET',
  expectedStatus: parseStatusMatcher('2xx') as NonNullable<ReturnType<typeof parseStatusMatcher>>,
  headers: {},
  insecure: false,
};
const probe = (extra: Record<string, unknown> = {}): HttpCheck =>
  parseCheckList([{ url: 'http://app/healthz', ...extra }], defaults)[0] as HttpCheck;

describe('judging an HTTP response', () => {
  test.each([
    [{}, { status: 200, body: 'ok' }, 'successful', undefined],
    [{}, { status: 503, body: '' }, 'failed', 'status 503, expected 2xx'],
    [
      { 'body-contains': 'ready' },
      { status: 200, body: 'not yet' },
      'failed',
      'the body does not contain "ready" (body: "not yet")',
    ],
    [
      { 'json-path': '$.status', 'json-equals': 'ok' },
      { status: 200, body: '{"status":"ok"}' },
      'successful',
      undefined,
    ],
    [
      { 'json-path': '$.status', 'json-equals': 'ok' },
      { status: 200, body: '{"status":"degraded"}' },
      'failed',
      '$.status is "degraded", expected "ok"',
    ],
    [
      { 'json-path': '$.db.up', 'json-equals': 'true' },
      { status: 200, body: '{"db":{"up":true}}' },
      'successful',
      undefined,
    ],
    [
      { 'json-path': '$.db.up', 'json-equals': 'true' },
      { status: 200, body: '{}' },
      'failed',
      '$.db is not in the response (body: "{}")',
    ],
    [
      { 'json-path': '$.status', 'json-equals': 'ok' },
      { status: 200, body: '<html>' },
      'failed',
      'the body is not JSON, so $.status cannot be read (body: "<html>")',
    ],
    [
      { 'max-latency': '100ms' },
      { status: 200, body: '', latencyMs: 250 },
      'failed',
      'took 250ms, more than max-latency 100ms',
    ],
  ])('%o with %o → %s', (options, response, phase, message) => {
    const judged = judgeHttpResponse(probe(options), { latencyMs: 5, ...response });
    expect(judged.phase).toBe(phase);
    expect(judged.message).toBe(message);
  });
});

describe('judging a Prometheus result', () => {
  const condition = parseCondition('< 0.01') as Condition;
  const vector = (...values: string[]) => ({
    resultType: 'vector' as const,
    result: values.map((v, i) => ({ metric: { pod: `p${i}` }, value: [1, v] as [number, string] })),
  });
  test.each([
    ['one sample that holds', vector('0.001'), 'successful'],
    ['one sample that does not', vector('0.2'), 'failed'],
    ['no series', vector(), 'inconclusive'],
    ['NaN', vector('NaN'), 'inconclusive'],
    ['+Inf', vector('+Inf'), 'inconclusive'],
    ['several series', vector('0', '0.5'), 'inconclusive'],
    ['a scalar', { resultType: 'scalar' as const, result: [1, '0'] as [number, string] }, 'successful'],
    ['a range vector', { resultType: 'matrix' as const, result: [] }, 'error'],
  ])('%s → %s', (_label, data, phase) => {
    expect(judgePrometheusResult(data, condition).phase).toBe(phase);
  });
  test('several series name the first few and say how to fix it', () => {
    expect(judgePrometheusResult(vector('0', '1', '2', '3'), condition).message).toBe(
      'the query returned 4 series ({pod="p0"}, {pod="p1"}, {pod="p2"}, …); aggregate it to one, e.g. with max() or sum()',
    );
  });
});

/** A clock that only moves when the runner sleeps. */
function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let t = 1_000_000;
  return { now: () => t, sleep: async (ms) => void (t += ms) };
}

function scripted(
  phases: Record<string, MeasurementPhase[]>,
): (check: HealthCheck, at: number) => Promise<Measurement> {
  return async (check, at) => ({
    check: check.name,
    at,
    phase: phases[check.name]?.shift() ?? 'successful',
    observed: '',
  });
}

describe('the analysis runner', () => {
  const checks = parseCheckList(
    [
      { name: 'a', url: 'http://a/' },
      { name: 'b', url: 'http://b/', 'failure-limit': 0 },
    ],
    defaults,
  );

  test('measures at the start and every interval, for duration / interval rounds', async () => {
    const result = await runAnalysis(checks, scripted({}), {
      durationMs: 5000,
      intervalMs: 1000,
      ...fakeClock(),
    });
    expect(result.state.phase).toBe('successful');
    expect(result.measurements.filter((m) => m.check === 'a').map((m) => m.at)).toEqual([
      0, 1000, 2000, 3000, 4000,
    ]);
    expect(result.decidedAt).toBeUndefined();
  });

  test('stops at the measurement that exceeds a limit: failure-limit × interval after the first failure', async () => {
    const result = await runAnalysis(checks, scripted({ a: ['successful', 'failed', 'failed'] }), {
      durationMs: 60_000,
      intervalMs: 1000,
      ...fakeClock(),
    });
    expect(result.state.phase).toBe('failed');
    expect(result.decidedAt).toBe(2000);
    expect(result.measurements).toHaveLength(6);
  });

  test('a check that passed early is not measured again', async () => {
    const early = parseCheckList(
      [
        { name: 'a', url: 'http://a/', 'consecutive-successes': 2 },
        { name: 'b', url: 'http://b/' },
      ],
      defaults,
    );
    const result = await runAnalysis(early, scripted({}), {
      durationMs: 4000,
      intervalMs: 1000,
      ...fakeClock(),
    });
    expect(result.measurements.filter((m) => m.check === 'a')).toHaveLength(2);
    expect(result.measurements.filter((m) => m.check === 'b')).toHaveLength(4);
  });

  test('recovery waits through failures for the successes in a row', async () => {
    const recovery = await runRecoveryCheck(
      checks,
      scripted({ a: ['failed', 'failed', 'failed', 'successful', 'successful'] }),
      {
        timeoutMs: 10_000,
        intervalMs: 1000,
        successes: 2,
        ...fakeClock(),
      },
    );
    expect(recovery.confirmed).toBe(true);
    expect(recovery.decidedAt).toBe(4000);
  });

  test('recovery not confirmed names the checks that never got there', async () => {
    const recovery = await runRecoveryCheck(
      checks,
      async (check, at) => ({
        check: check.name,
        at,
        phase: check.name === 'b' ? 'failed' : 'successful',
        observed: '',
        message: 'status 500',
      }),
      {
        timeoutMs: 3000,
        intervalMs: 1000,
        successes: 2,
        ...fakeClock(),
      },
    );
    expect(recovery.confirmed).toBe(false);
    expect(recovery.state.reason).toBe(
      "not every check reached 2 successful measurement(s) in a row within 3s: 'b' (status 500)",
    );
  });
});
