/** Bad input: one clear error, exit 1, nothing measured and nothing rolled back. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../../sandbox/process.js';
import { startFakeService, type FakeService } from './fake-service.js';
import { runStep } from './harness.js';

let service: FakeService;
/** The log as the runner shows it: it consumes `::add-mask::` commands instead of printing them. */
const visible = (log: string): string =>
  log
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
beforeAll(async () => {
  service = await startFakeService();
});
afterAll(async () => {
  await service?.close();
});

describe('health-check refuses bad input before anything happens', () => {
  test.each([
    [
      'a malformed condition',
      {
        'prometheus-url': 'http://127.0.0.1:9',
        'prometheus-query': 'sum(up)',
        'prometheus-condition': 'less than 1',
        rollback: 'off',
      },
      `::error::Input 'prometheus-condition' must be a comparison like '< 0.01', '>= 0.95', '== 0', '!= 1', or 'between 0.9 and 1'; got "less than 1" (it does not start with a comparison operator)`,
    ],
    [
      'a missing previous-history-id with rollback auto and strategy argocd',
      { 'argocd-server': 'http://127.0.0.1:9', 'argocd-token': 'tok-abcdef', app: 'sample' },
      "::error::Input 'previous-history-id' is required with rollback: auto and rollback-strategy: argocd; pass deploy-argocd's output, e.g. previous-history-id: ${{ steps.deploy.outputs.previous-history-id }} (or use rollback-strategy: git-revert)",
    ],
    [
      'git-revert without the GitOps repo',
      {
        'argocd-server': 'http://127.0.0.1:9',
        'argocd-token': 'tok-abcdef',
        app: 'sample',
        'rollback-strategy': 'git-revert',
        'gitops-commit': 'a'.repeat(40),
      },
      "::error::Input 'gitops-repo' is required with rollback-strategy: git-revert: git-revert reverts 'gitops-commit' (deploy-argocd's gitops-commit output) in 'gitops-repo'",
    ],
    [
      'no checks at all',
      { rollback: 'off', urls: '' },
      "::error::No checks to run: set 'urls' (HTTP probes), 'prometheus-query' with 'prometheus-condition', or a 'checks' list",
    ],
    [
      'an interval longer than the window',
      { rollback: 'off', duration: '10s', interval: '1m' },
      `::error::Input 'interval' must not be longer than 'duration'; got interval "1m" with duration "10s"`,
    ],
    [
      'an environment that would not be one trailer line',
      { rollback: 'off', environment: 'prod\nPaved-Service: evil' },
      `::error::Input 'environment' must be an environment name (letters, digits, space . _ / -), like production; got "prod`,
    ],
    [
      'a checks list that is not YAML',
      { rollback: 'off', checks: '- url: [' },
      "::error::Input 'checks' must be a JSON or YAML object",
    ],
  ])('%s', async (_label, inputs, error) => {
    service.requests = 0;
    const run = await runStep('health-check', { urls: service.url, ...inputs });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(error);
    expect(run.log).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(service.requests).toBe(0);
    expect(visible(run.log)).not.toContain('tok-abcdef');
  });

  test('an unreachable Prometheus is one error, before any probe', async () => {
    service.requests = 0;
    const port = await freePort();
    const run = await runStep('health-check', {
      urls: service.url,
      'prometheus-url': `http://127.0.0.1:${port}`,
      'prometheus-query': 'sum(rate(http_requests_total[1m]))',
      'prometheus-condition': '< 0.01',
      rollback: 'off',
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(
      new RegExp(
        `^::error::Prometheus at http://127\\.0\\.0\\.1:${port} could not be queried, so the analysis cannot run \\(nothing was rolled back\\): .*ECONNREFUSED`,
      ),
    );
    expect(service.requests).toBe(0);
  });
});

describe('health-check without rollback', () => {
  test('one failed probe under the failure limit does not fail the step (flapping)', async () => {
    service.requests = 0;
    service.script = [200, 503, 200, 200];
    const run = await runStep('health-check', {
      urls: `${service.url}/healthz`,
      'json-path': '$.status',
      'json-equals': 'ok',
      duration: '2s',
      interval: '500ms',
      'failure-limit': '1',
      rollback: 'off',
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.outputs['healthy']).toBe('true');
    expect(run.outputs['rolled-back']).toBe('false');
    const report = JSON.parse(run.outputs['report'] as string) as {
      analysis: { measurements: { phase: string }[] };
    };
    expect(report.analysis.measurements.map((m) => m.phase)).toEqual([
      'successful',
      'failed',
      'successful',
      'successful',
    ]);
    expect(run.summary).toContain('✅ Healthy');
    expect(run.summary).toContain('status 503, expected 2xx');
  });

  test('failures over the limit fail the step, say why, and mask header values everywhere', async () => {
    service.script = [];
    service.status = 500;
    try {
      const run = await runStep('health-check', {
        urls: `${service.url}/healthz`,
        headers: 'Authorization=Bearer very-secret-probe-token',
        duration: '5s',
        interval: '500ms',
        'failure-limit': '1',
        rollback: 'off',
      });
      expect(run.code).toBe(1);
      expect(run.outputs['healthy']).toBe('false');
      expect(run.outputs['rolled-back']).toBe('false');
      expect(run.errors).toEqual([
        `::error::Health check failed: check '${service.url}/healthz': 2 failed measurement(s), more than failure-limit 1: status 500, expected 2xx (body: "{\\"status\\":\\"failing\\",\\"auth\\":\\"***\\"}"). Nothing was rolled back (rollback: off)`,
      ]);
      const report = JSON.parse(run.outputs['report'] as string) as {
        analysis: { decidedAtMs: number; measurements: unknown[] };
      };
      expect(report.analysis.measurements).toHaveLength(2);
      for (const text of [visible(run.log), run.summary, run.outputs['report'] as string])
        expect(text).not.toContain('very-secret-probe-token');
    } finally {
      service.status = 200;
    }
  });
});

describe('rollback refuses bad input before touching Argo CD or git', () => {
  const base = { 'argocd-server': 'http://127.0.0.1:9', 'argocd-token': 'tok-abcdef', app: 'sample' };
  test.each([
    [
      { ...base, 'to-history-id': '3', 'to-revision': 'abcdef1' },
      "::error::Inputs 'to-history-id' and 'to-revision' cannot be used together: each names the deployment to go back to; give one (or neither for the previous deployment)",
    ],
    [
      { ...base, strategy: 'git-revert' },
      "::error::Input 'gitops-repo' is required with strategy: git-revert: it is where the commit is reverted",
    ],
    [
      { ...base, strategy: 'git-revert', 'gitops-repo': 'file:///x', 'to-history-id': '2' },
      "::error::Input 'to-history-id' only applies to strategy: argocd; git-revert reverts 'gitops-commit' (default: the revision Argo CD has synced now)",
    ],
    [
      { ...base, 'to-revision': 'main' },
      `::error::Input 'to-revision' must be a git commit sha (7 to 64 hex digits); got "main"`,
    ],
    [
      { ...base, app: 'Sample_App' },
      `::error::Input 'app' must be an Argo CD application name (lower-case letters, digits, - and .); got "Sample_App"`,
    ],
    [
      { ...base, 'prometheus-query': 'up', 'prometheus-condition': '> 0' },
      '::error::Input \'prometheus-url\' is required by the Prometheus check "prometheus-query"; set it to your Prometheus, like http://prometheus.monitoring:9090',
    ],
  ])('%o', async (inputs, error) => {
    const run = await runStep('rollback', inputs);
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([error]);
    expect(visible(run.log)).not.toContain('tok-abcdef');
  });
});
