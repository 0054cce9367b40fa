/** The Prometheus launcher, client and judgement against a real Debian `prometheus` scraping a real HTTP service. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InputError, PavedError } from '../../../shared/errors.js';
import { closeHttpAgents } from '../../../shared/http.js';
import { parseCheckList, parseStatusMatcher, type PrometheusCheck } from '../../../shared/health/checks.js';
import { measurePrometheus, PrometheusClient } from '../../../shared/health/prometheus.js';
import { freePort } from '../../../sandbox/process.js';
import { startPrometheus, type LocalPrometheus } from '../../../sandbox/prometheus.js';
import { startFakeService, type FakeService } from './fake-service.js';

const defaults = {
  policy: { failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4, consecutiveSuccesses: 0 },
  timeoutMs: 5000,
  method: 'GET',
  expectedStatus: parseStatusMatcher('2xx') as NonNullable<ReturnType<typeof parseStatusMatcher>>,
  headers: {},
  insecure: false,
};
const query = (q: string, condition: string): PrometheusCheck =>
  parseCheckList([{ name: 'q', query: q, condition }], defaults)[0] as PrometheusCheck;

let prometheus: LocalPrometheus;
let service: FakeService;
let client: PrometheusClient;

beforeAll(async () => {
  service = await startFakeService();
  service.count(200, 100);
  prometheus = await startPrometheus({ targets: [{ address: service.address, labels: { app: 'fake' } }] });
  client = new PrometheusClient({ url: prometheus.url });
  await prometheus.waitForSeries('http_requests_total{app="fake"}');
});

afterAll(async () => {
  await prometheus?.stop();
  await service?.close();
  await closeHttpAgents();
});

describe('measurements against real Prometheus', () => {
  test('a condition that holds is successful, one that does not is failed, with the value', async () => {
    const ok = await measurePrometheus(client, query('sum(http_requests_total{app="fake"})', '>= 100'), 0);
    expect(ok).toMatchObject({ phase: 'successful', value: 100 });
    const bad = await measurePrometheus(client, query('sum(http_requests_total{app="fake"})', '< 10'), 0);
    expect(bad).toMatchObject({ phase: 'failed', value: 100, message: '100 does not satisfy < 10' });
  });

  test('no series, NaN and several series are inconclusive; each says why', async () => {
    const empty = await measurePrometheus(client, query('http_requests_total{code="418"}', '< 1'), 0);
    expect(empty).toMatchObject({ phase: 'inconclusive', observed: 'no series' });
    const nan = await measurePrometheus(
      client,
      query(
        'sum(rate(http_requests_total{code="599"}[5s])) / sum(rate(http_requests_total{code="599"}[5s])) or vector(0)/vector(0)',
        '< 1',
      ),
      0,
    );
    expect(nan).toMatchObject({ phase: 'inconclusive', observed: 'NaN' });
    service.count(500, 1);
    await prometheus.waitForSeries('http_requests_total{code="500"}');
    const several = await measurePrometheus(client, query('http_requests_total', '>= 0'), 0);
    expect(several.phase).toBe('inconclusive');
    expect(several.message).toMatch(/returned 2 series .*aggregate it to one/);
  });

  test('the error rate moves when the service starts failing', async () => {
    const rate = query(
      'sum(rate(http_requests_total{code=~"5.."}[10s])) / sum(rate(http_requests_total[10s]))',
      '< 0.05',
    );
    service.count(500, 200);
    await expect
      .poll(async () => (await measurePrometheus(client, rate, 0)).phase, { timeout: 20_000, interval: 500 })
      .toBe('failed');
  });
});

describe('preflight', () => {
  test('a query Prometheus cannot parse is an input error naming the check', async () => {
    const bad = query('sum(rate(http_requests_total[1m]', '< 1');
    const error = await client.preflight([bad], 'checks').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /^Input 'checks': Prometheus rejected the query of check 'q' "sum\(rate\(http_requests_total\[1m\]": .*parse error/,
    );
  });

  test('a range vector is refused up front', async () => {
    const error = await client
      .preflight([query('http_requests_total[1m]', '< 1')], 'checks')
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /returns a matrix; it must return an instant vector or a scalar/,
    );
  });

  test('an unreachable Prometheus is one clear error', async () => {
    const nobody = new PrometheusClient({ url: `http://127.0.0.1:${await freePort()}` });
    const error = await nobody.preflight([query('up', '== 1')], 'prometheus-query').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PavedError);
    expect((error as Error).message).toMatch(
      /^Prometheus at http:\/\/127\.0\.0\.1:\d+ could not be queried, so the analysis cannot run \(nothing was rolled back\): .*ECONNREFUSED/,
    );
  });

  test('a valid query passes', async () => {
    await expect(
      client.preflight([query('sum(http_requests_total)', '> 0')], 'checks'),
    ).resolves.toBeUndefined();
  });
});

test('targets can be replaced while it runs', async () => {
  const other = await startFakeService();
  other.count(204, 7);
  try {
    await prometheus.setTargets([{ address: other.address, labels: { app: 'other' } }]);
    await prometheus.waitForSeries('http_requests_total{app="other",code="204"}');
    const data = await client.query('sum(http_requests_total{app="other"})');
    expect(data).toMatchObject({ resultType: 'vector', result: [{ value: [expect.any(Number), '7'] }] });
  } finally {
    await prometheus.setTargets([{ address: service.address, labels: { app: 'fake' } }]);
    await other.close();
  }
});
