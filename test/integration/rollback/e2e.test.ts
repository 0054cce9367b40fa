/**
 * End to end, both strategies: deploy a good sample-service, deploy a bad one, and health-check detects
 * it, rolls back, and confirms that the previous image is running and healthy again — against the
 * Argo CD stand-in running real images from a real registry, and a real Prometheus scraping them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HealthReport } from '../../../shared/health/report.js';
import { fetchHistory } from '../../../shared/gitops/notes.js';
import { classifyHistory, readHistory, type Deploy } from '../../../shared/metrics/index.js';
import { startFakeService } from '../health-check/fake-service.js';
import { runStep } from '../health-check/harness.js';
import { startLoopEnvironment, type Deployed, type LoopEnvironment, type Variant } from './environment.js';

const good: Variant = { tag: 'good', version: '1.0.0', fault: 'none' };
/** Answers readiness, fails every request to `/`. */
const broken: Variant = { tag: 'broken', version: '2.0.0', fault: 'error-rate=1' };
/** Answers readiness and /healthz, fails half the requests to `/`: only the error rate shows it. */
const flaky: Variant = { tag: 'flaky', version: '3.0.0', fault: 'error-rate=0.5' };

let env: LoopEnvironment;

beforeAll(async () => {
  env = await startLoopEnvironment([good, broken, flaky]);
}, 600_000);

afterAll(async () => {
  await env?.stop();
});

/** What paved metrics would read from the GitOps repository now. */
async function recordedDeploys(): Promise<Deploy[]> {
  const scratch = await fetchHistory({ url: env.gitopsUrl, auth: { token: env.git.token } }, 'main');
  try {
    return classifyHistory(await readHistory(scratch.gitDir, { ref: 'refs/heads/main' }));
  } finally {
    scratch.dispose();
  }
}

function reportOf(outputs: Record<string, string>): HealthReport {
  return JSON.parse(outputs['report'] as string) as HealthReport;
}

function argocdInputs(app: string): Record<string, string> {
  return { 'argocd-server': env.standIn.url, 'argocd-token': env.standIn.adminToken, app };
}

describe('strategy argocd (auto-sync off)', () => {
  let first: Deployed;
  let bad: Deployed;

  beforeAll(async () => {
    first = await env.addApp('alpha', { automated: false, initial: good });
    bad = await env.deploy('alpha', broken);
  }, 300_000);

  test('detects the bad version within failure-limit × interval + one interval, rolls back to the previous history id, and recovery is confirmed', async () => {
    expect(await env.servedVersion('alpha')).toBe('2.0.0');
    expect(bad.previousHistoryId).toBe(first.historyId);
    const run = await runStep('health-check', {
      urls: `${env.serviceUrl('alpha')}/`,
      duration: '30s',
      interval: '1s',
      'failure-limit': '2',
      ...argocdInputs('alpha'),
      'previous-history-id': String(bad.previousHistoryId),
      'gitops-commit': bad.revision,
      'gitops-repo': env.gitopsUrl,
      'gitops-token': env.git.token,
      'recovery-timeout': '30s',
    });
    const report = reportOf(run.outputs);
    expect(run.code).toBe(1); // fail-on-rollback
    expect(run.outputs['healthy']).toBe('false');
    expect(run.outputs['rolled-back']).toBe('true');
    expect(run.outputs['rollback-revision']).toBe(first.revision);
    expect(run.outputs['recovered']).toBe('true');
    expect(run.outputs['reason']).toContain(
      `rolled back to history id ${first.historyId}, revision ${first.revision.slice(0, 7)}`,
    );
    expect(run.outputs['reason']).toContain('Recovery is confirmed.');
    // Detection: the third failed probe (failure-limit 2) decided it, at the third tick of the 1s schedule.
    expect(report.analysis?.measurements.map((m) => m.phase)).toEqual(['failed', 'failed', 'failed']);
    expect(report.analysis?.decidedAtMs).toBeLessThanOrEqual(2 * 1000 + 1000);
    expect(report.rollback).toMatchObject({
      strategy: 'argocd',
      historyId: first.historyId,
      revision: first.revision,
      images: [`${env.imageName}:good`],
    });
    expect(report.recovery?.confirmed).toBe(true);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(`Rolled back 'alpha' to history id ${first.historyId}`);
    // The previous image is what runs, and it is healthy.
    expect(await env.servedVersion('alpha')).toBe('1.0.0');
    const app = await env.client.getApplication('alpha');
    expect(app.status?.health?.status).toBe('Healthy');
    expect(app.status?.summary?.images).toEqual([`${env.imageName}:good`]);
    expect(run.summary).toContain('↩️ Rolled back');
    expect(run.summary).toContain(`Rolled back with **argocd** to history id ${first.historyId}`);
    // The record for paved metrics: the verdict and the Argo CD rollback as notes on the bad deploy.
    const deploys = await recordedDeploys();
    const record = deploys.find((d) => d.commit === bad.revision);
    expect(record?.health.map((h) => h.verdict)).toEqual(['unhealthy']);
    expect(record?.rollbacks).toMatchObject([
      { how: 'argocd', reason: expect.stringContaining('health-check failed') },
    ]);
    expect(record?.rollbacks[0]?.time).toBeGreaterThanOrEqual(record?.health[0]?.time as number);
    expect(run.summary).toContain('### Delivery health: alpha, last 30 days');
    expect(run.outputs['delivery-health']).toMatch(/^\d+ deploys in 30 days/);
  }, 240_000);

  test('one failed probe under the failure limit does not roll back (flapping)', async () => {
    const flapping = await startFakeService();
    try {
      flapping.script = [200, 503, 200, 200];
      const before = (await env.client.getApplication('alpha')).status?.history?.length;
      const run = await runStep('health-check', {
        urls: `${env.serviceUrl('alpha')}/\n${flapping.url}/healthz`,
        duration: '4s',
        interval: '1s',
        'failure-limit': '1',
        ...argocdInputs('alpha'),
        'previous-history-id': String(first.historyId),
      });
      expect(run.errors).toEqual([]);
      expect(run.code).toBe(0);
      expect(run.outputs['healthy']).toBe('true');
      expect(run.outputs['rolled-back']).toBe('false');
      const report = reportOf(run.outputs);
      expect(report.analysis?.checks.find((c) => c.name === `${flapping.url}/healthz`)).toMatchObject({
        failed: 1,
        successful: 3,
        phase: 'successful',
      });
      expect((await env.client.getApplication('alpha')).status?.history?.length).toBe(before);
      expect(await env.servedVersion('alpha')).toBe('1.0.0');
    } finally {
      await flapping.close();
    }
  }, 240_000);
});

describe('strategy argocd refused by auto-sync → git-revert, with the Prometheus error-rate gate', () => {
  let first: Deployed;
  let bad: Deployed;

  beforeAll(async () => {
    first = await env.addApp('beta', { automated: true, initial: good });
    bad = await env.deploy('beta', flaky);
  }, 300_000);

  test('the error rate catches a version whose readiness and /healthz are fine; the bump is reverted in git', async () => {
    const traffic = env.startTraffic('beta');
    try {
      await env.prometheus.waitForSeries('http_requests_total{app="beta",status=~"5.."}', 60_000);
      // `or vector(0)`: once the 5xx series is gone (the good version never sent one), the ratio is 0, not "no series".
      const errorRate =
        '(sum(rate(http_requests_total{app="beta",status=~"5.."}[5s])) or vector(0)) / sum(rate(http_requests_total{app="beta"}[5s]))';
      const run = await runStep('health-check', {
        urls: `${env.serviceUrl('beta')}/healthz`,
        'json-path': '$.status',
        'json-equals': 'ok',
        'prometheus-url': env.prometheus.url,
        checks: `- name: error-rate\n  query: '${errorRate}'\n  condition: '< 0.05'\n  inconclusive-limit: 3\n`,
        duration: '40s',
        interval: '1s',
        'failure-limit': '2',
        ...argocdInputs('beta'),
        'previous-history-id': String(bad.previousHistoryId),
        'gitops-commit': bad.revision,
        'gitops-repo': env.gitopsUrl,
        'gitops-token': env.git.token,
        'recovery-timeout': '60s',
      });
      const report = reportOf(run.outputs);
      expect(run.outputs['rolled-back']).toBe('true');
      expect(run.outputs['recovered']).toBe('true');
      expect(report.analysis?.reason).toMatch(
        /^check 'error-rate': 3 failed measurement\(s\), more than failure-limit 2: 0\.\d+ does not satisfy < 0\.05$/,
      );
      const healthz = report.analysis?.checks.find((c) => c.name.endsWith('/healthz'));
      expect(healthz).toMatchObject({ failed: 0 });
      expect(report.rollback?.strategy).toBe('git-revert');
      expect(report.rollback?.fallbackReason).toContain(
        'Argo CD refused the rollback because auto-sync is enabled on \'beta\' ("rollback cannot be initiated when auto-sync is enabled")',
      );
      expect(report.rollback?.revertedCommit).toBe(bad.revision);
      const revert = run.outputs['rollback-revision'] as string;
      expect(revert).toMatch(/^[0-9a-f]{40}$/);
      expect(revert).not.toBe(first.revision);
      expect(run.log).toContain('Argo CD refused the rollback because auto-sync is enabled');
      expect(await env.servedVersion('beta')).toBe('1.0.0');
      const app = await env.client.getApplication('beta');
      expect(app.status?.sync).toMatchObject({ status: 'Synced', revision: revert });
      expect(app.status?.health?.status).toBe('Healthy');
      expect(run.summary).toContain('Rolled back with **git-revert**');
      expect(run.summary).not.toContain(env.git.token);
    } finally {
      traffic.stop();
    }
  }, 240_000);
});

describe('strategy git-revert (auto-sync off)', () => {
  test('reverts the bump, syncs the revert, and the previous image serves again', async () => {
    await env.addApp('gamma', { automated: false, initial: good });
    const bad = await env.deploy('gamma', broken);
    const run = await runStep('health-check', {
      urls: `${env.serviceUrl('gamma')}/`,
      duration: '20s',
      interval: '1s',
      'failure-limit': '1',
      ...argocdInputs('gamma'),
      'rollback-strategy': 'git-revert',
      'gitops-commit': bad.revision,
      'gitops-repo': env.gitopsUrl,
      'gitops-token': env.git.token,
      'fail-on-rollback': 'false',
      'recovery-timeout': '30s',
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0); // fail-on-rollback: false
    expect(run.outputs['rolled-back']).toBe('true');
    expect(run.outputs['recovered']).toBe('true');
    expect(reportOf(run.outputs).rollback).toMatchObject({
      strategy: 'git-revert',
      revertedCommit: bad.revision,
    });
    // The revert commit is the rollback record: Paved-Rollback-Of names the deploy it undid.
    const record = (await recordedDeploys()).find((d) => d.commit === bad.revision);
    expect(record?.rollbacks).toMatchObject([
      { how: 'git-revert', commit: run.outputs['rollback-revision'] },
    ]);
    expect(record?.health.map((h) => h.verdict)).toEqual(['unhealthy']);
    expect(await env.servedVersion('gamma')).toBe('1.0.0');
  }, 240_000);
});

describe('when the rollback itself fails', () => {
  test('the step fails with the manual recovery steps, in the error and the summary', async () => {
    const first = await env.addApp('epsilon', { automated: false, initial: good });
    const bad = await env.deploy('epsilon', broken);
    env.standIn.setFaults({
      syncFailure: { count: 1, app: 'epsilon', message: 'admission webhook "policy" denied the request' },
    });
    try {
      const run = await runStep('health-check', {
        urls: `${env.serviceUrl('epsilon')}/`,
        duration: '20s',
        interval: '1s',
        'failure-limit': '1',
        ...argocdInputs('epsilon'),
        'previous-history-id': String(bad.previousHistoryId),
        'gitops-commit': bad.revision,
        'gitops-repo': env.gitopsUrl,
        'rollback-timeout': '60s',
      });
      expect(run.code).toBe(1);
      expect(run.outputs['healthy']).toBe('false');
      expect(run.outputs['rolled-back']).toBe('false');
      const report = reportOf(run.outputs);
      expect(report.verdict).toBe('rollback-failed');
      expect(run.errors).toHaveLength(1);
      const error = (run.errors[0] as string)
        .replace(/%0A/g, '\n')
        .replace(/%0D/g, '\r')
        .replace(/%25/g, '%');
      expect(error).toContain('the rollback operation failed: one or more objects failed to apply');
      expect(error).toContain('Recover by hand:');
      expect(error).toContain(`argocd app rollback epsilon ${first.historyId}`);
      expect(error).toContain(`git revert --no-edit ${bad.revision}`);
      expect(report.manualSteps?.length).toBeGreaterThanOrEqual(3);
      expect(run.summary).toContain('🚨 Unhealthy, and the rollback failed');
      expect(run.summary).toContain('### Recover by hand');
      expect(await env.servedVersion('epsilon')).toBe('2.0.0');
    } finally {
      env.standIn.setFaults({});
    }
  }, 240_000);
});

describe('the rollback action (manual)', () => {
  let first: Deployed;
  let bad: Deployed;

  beforeAll(async () => {
    first = await env.addApp('delta', { automated: false, initial: good });
    bad = await env.deploy('delta', broken);
  }, 300_000);

  test('an unknown history id is one clear error listing the history, and nothing is rolled back', async () => {
    const run = await runStep('rollback', { ...argocdInputs('delta'), 'to-history-id': '99' });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      `::error::'delta' has no history id 99 to roll back to; its history: ${first.historyId} (${first.revision.slice(0, 7)}, ${(await historyDate('delta', first.historyId)) ?? ''}), ${bad.historyId} (${bad.revision.slice(0, 7)}, ${(await historyDate('delta', bad.historyId)) ?? ''}). Nothing was rolled back`,
    ]);
    expect(await env.servedVersion('delta')).toBe('2.0.0');
  }, 240_000);

  test('rolls back to the previous deployment and confirms recovery with the checks', async () => {
    const run = await runStep('rollback', {
      ...argocdInputs('delta'),
      urls: `${env.serviceUrl('delta')}/`,
      interval: '1s',
      'recovery-timeout': '30s',
      reason: 'bad release reported by support',
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      'rolled-back': 'true',
      'history-id': String(first.historyId),
      'rollback-revision': first.revision,
      recovered: 'true',
    });
    expect(run.outputs['reason']).toBe(
      `bad release reported by support: rolled back 'delta' to history id ${first.historyId}, revision ${first.revision.slice(0, 7)} (${env.imageName}:good); recovery confirmed by the checks`,
    );
    expect(await env.servedVersion('delta')).toBe('1.0.0');
    expect(run.summary).toContain('### Recovery ✅ confirmed');
  }, 240_000);
});

async function historyDate(app: string, id: number): Promise<string | undefined> {
  return (await env.client.getApplication(app)).status?.history?.find((e) => e.id === id)?.deployedAt;
}
