/**
 * The DORA measures on synthetic GitOps histories with known answers: real git repositories whose
 * commits carry controlled dates in several time zones, read back with the same `git log` the CLI uses.
 */
import { afterAll, describe, expect, test } from 'vitest';
import {
  classifyHistory,
  computeMetrics,
  readHistory,
  type DoraMetrics,
} from '../../../shared/metrics/index.js';
import { SyntheticGitOps, deployMessage } from '../../support/synthetic-gitops.js';

const repos: SyntheticGitOps[] = [];
afterAll(() => repos.forEach((r) => r.dispose()));
const at = (iso: string): number => Date.parse(iso) / 1000;

async function measure(
  repo: SyntheticGitOps,
  filter: Parameters<typeof computeMetrics>[1],
): Promise<DoraMetrics> {
  const deploys = classifyHistory(await readHistory(repo.gitDir));
  return computeMetrics(deploys, filter, at('2030-01-01T00:00:00Z'));
}

function repo(): SyntheticGitOps {
  const r = new SyntheticGitOps();
  repos.push(r);
  r.commit('2026-01-01T00:00:00Z', 'initial manifests');
  return r;
}

describe('lead time and frequency across time zones', () => {
  const r = repo();
  const d1 = r.commit(
    '2026-03-02T01:00:00+05:30', // 2026-03-01T19:30Z
    deployMessage({
      service: 'shop',
      environment: 'prod',
      image: 'reg/shop@sha256:1',
      sourceTime: '2026-03-01T09:30:00-08:00',
    }),
  );
  r.commit(
    '2026-03-03T10:00:00-05:00', // 15:00Z
    deployMessage({
      service: 'shop',
      environment: 'prod',
      image: 'reg/shop@sha256:2',
      sourceTime: '2026-03-03T15:00:00+01:00',
    }),
  );
  r.commit(
    '2026-03-05T12:00:00Z',
    deployMessage({
      service: 'shop',
      environment: 'prod',
      image: 'reg/shop@sha256:3',
      sourceTime: '2026-03-04T12:00:00+0000',
    }),
  );

  test('known answers', async () => {
    const m = await measure(r, {
      service: 'shop',
      environment: 'prod',
      since: at('2026-03-01T00:00:00Z'),
      until: at('2026-03-08T00:00:00Z'),
    });
    expect(m.deployments).toBe(3);
    expect(m.deploys.map((d) => d.lead_time_seconds)).toEqual([7200, 3600, 86_400]);
    expect(m.deploys[0]).toMatchObject({
      commit: d1,
      time: '2026-03-01T19:30:00Z',
      image: 'reg/shop@sha256:1',
      failed: false,
    });
    expect(m.lead_time_seconds).toEqual({ median: 7200, p90: 70_560 });
    expect(m.deployment_frequency_per_day).toBeCloseTo(3 / 7, 10);
    expect(m.deployment_frequency_per_week).toBeCloseTo(3, 10);
    expect(m.change_failure_rate).toBe(0);
    expect(m.time_to_restore_seconds).toEqual({ median: null, p90: null });
    expect(m.bands).toEqual({
      deployment_frequency: 'high',
      lead_time: 'elite',
      change_failure_rate: 'elite',
      time_to_restore: null,
    });
    expect(m.since).toBe('2026-03-01T00:00:00Z');
    expect(m.until).toBe('2026-03-08T00:00:00Z');
  });

  test('since and until cut the window on commit time, whatever the offset', async () => {
    // 2026-03-02T01:00+05:30 is still March 1st in UTC: a window starting March 2nd (UTC) leaves it out.
    const m = await measure(r, {
      service: 'shop',
      since: at('2026-03-02T00:00:00Z'),
      until: at('2026-03-05T00:00:00Z'),
    });
    expect(m.deployments).toBe(1);
    expect(m.deploys[0]?.time).toBe('2026-03-03T15:00:00Z');
  });
});

describe('git-revert rollbacks and reverts of reverts', () => {
  const r = repo();
  const d1 = r.commit(
    '2026-04-01T10:00:00+02:00',
    deployMessage({
      service: 'shop',
      environment: 'prod',
      image: 'reg/shop@sha256:a',
      sourceTime: '2026-04-01T07:00:00Z',
    }),
  );
  r.note(d1, 'Paved-Health: healthy\nPaved-Health-Time: 2026-04-01T08:05:00Z');
  const d2 = r.commit(
    '2026-04-02T10:00:00Z',
    deployMessage({
      service: 'shop',
      environment: 'prod',
      image: 'reg/shop@sha256:b',
      sourceTime: '2026-04-02T09:00:00Z',
    }),
  );
  r.note(d2, 'Paved-Health: unhealthy\nPaved-Health-Time: 2026-04-02T10:05:00Z');
  const r1 = r.revert(
    '2026-04-02T12:15:00+02:00',
    d2,
    `Paved-Rollback-Of: ${d2}\nPaved-Reason: health-check failed: error rate`,
  );
  const r2 = r.revert('2026-04-03T09:00:00Z', r1); // a person puts the change back
  const r3 = r.revert('2026-04-03T09:30:00Z', r2); // and takes it out again

  test('rollback commits are not deploys; a revert of a rollback is one, and can fail in turn', async () => {
    const m = await measure(r, { service: 'shop', environment: 'prod' });
    expect(m.deploys.map((d) => d.commit)).toEqual([d1, d2, r2]);
    expect(m.deploys[2]).toMatchObject({
      reapplies: d2,
      image: 'reg/shop@sha256:b',
      failed: true,
      rolled_back_by: r3,
    });
    expect(m.deploys[1]).toMatchObject({ failed: true, restored_seconds: 600, rolled_back_by: r1 });
    expect(m.deploys[2]?.restored_seconds).toBe(1800); // no verdict: from the deploy time
    expect(m.deploys.map((d) => d.lead_time_seconds)).toEqual([3600, 3600, 86_400]);
    expect(m.change_failure_rate).toBeCloseTo(2 / 3, 10);
    expect(m.time_to_restore_seconds).toEqual({ median: 1200, p90: 1680 });
    expect(m.bands.change_failure_rate).toBe('low');
    expect(m.bands.time_to_restore).toBe('elite');
    expect(m.unattributed).toBe(0);
  });
});

describe('Argo CD rollback notes and a fix deploy without a rollback', () => {
  const r = repo();
  const shop = (image: string): string => deployMessage({ service: 'shop', environment: 'prod', image });
  const d1 = r.commit('2026-05-01T10:00:00Z', shop('reg/shop:1'));
  r.note(d1, 'Paved-Health: unhealthy\nPaved-Health-Time: 2026-05-01T10:10:00Z');
  r.note(
    d1,
    'Paved-Rollback: argocd\nPaved-Reason: health-check failed\nPaved-Restored-At: 2026-05-01T12:20:00+02:00',
  );
  const d2 = r.commit('2026-05-01T12:00:00Z', shop('reg/shop:2'));
  r.note(d2, 'Paved-Health: healthy\nPaved-Health-Time: 2026-05-01T12:05:00Z');
  const d3 = r.commit('2026-05-01T14:00:00Z', shop('reg/shop:3'));
  r.note(d3, 'Paved-Health: unhealthy\nPaved-Health-Time: 2026-05-01T14:05:00Z');
  const d4 = r.commit('2026-05-01T15:35:00Z', shop('reg/shop:4'));

  test('restored at Paved-Restored-At, or at the next deploy that held', async () => {
    const m = await measure(r, { service: 'shop' });
    expect(m.deploys.map((d) => [d.commit, d.failed, d.restored_seconds])).toEqual([
      [d1, true, 600],
      [d2, false, null],
      [d3, true, 5400],
      [d4, false, null],
    ]);
    expect(m.deploys[0]?.rolled_back_by).toBe('argocd');
    expect(m.change_failure_rate).toBe(0.5);
    expect(m.time_to_restore_seconds.median).toBe(3000);
    expect(m.lead_time_seconds).toEqual({ median: null, p90: null });
    expect(m.bands.lead_time).toBeNull();
    expect(m.bands.time_to_restore).toBe('elite');
  });

  test('a failed deploy with nothing after it is not restored, and not counted as 0', async () => {
    const m = await measure(r, { service: 'shop', until: at('2026-05-01T15:00:00Z') });
    expect(m.deploys.at(-1)).toMatchObject({ commit: d3, failed: true, restored_seconds: 5400 });
    const only = await measure(r, {
      service: 'shop',
      since: at('2026-05-01T13:00:00Z'),
      until: at('2026-05-01T15:00:00Z'),
    });
    expect(only.time_to_restore_seconds.median).toBe(5400); // the fix after the window still restores it
  });
});

describe('two environments', () => {
  const r = repo();
  const deploy = (env: string, image: string, date: string): string =>
    r.commit(date, deployMessage({ service: 'shop', environment: env, image }));
  deploy('staging', 'reg/shop:1', '2026-06-01T10:00:00Z');
  deploy('prod', 'reg/shop:1', '2026-06-01T12:00:00Z');
  const bad = deploy('staging', 'reg/shop:2', '2026-06-02T10:00:00Z');
  r.note(bad, 'Paved-Health: unhealthy\nPaved-Health-Time: 2026-06-02T10:01:00Z');
  const fix = deploy('staging', 'reg/shop:3', '2026-06-02T11:00:00Z');
  deploy('prod', 'reg/shop:3', '2026-06-02T13:00:00Z');

  test('each environment is measured on its own', async () => {
    const prod = await measure(r, { service: 'shop', environment: 'prod' });
    expect(prod.deployments).toBe(2);
    expect(prod.change_failure_rate).toBe(0);
    const staging = await measure(r, { service: 'shop', environment: 'staging' });
    expect(staging.deployments).toBe(3);
    expect(staging.change_failure_rate).toBeCloseTo(1 / 3, 10);
    // Restored by the next staging deploy, not by the later prod one.
    expect(staging.deploys.find((d) => d.commit === bad)?.restored_seconds).toBe(3540);
    expect(staging.deploys.find((d) => d.commit === fix)?.failed).toBe(false);
    const both = await measure(r, { service: 'shop' });
    expect(both.deployments).toBe(5);
  });
});

describe('deploys without trailers and records that make no sense', () => {
  const r = repo();
  const byHand = r.commit('2026-07-01T10:00:00Z', 'bump shop to 1.2 by hand');
  const paved = r.commit(
    '2026-07-02T10:00:00Z',
    deployMessage({ service: 'shop', image: 'reg/shop:1.3', sourceTime: 'yesterday afternoon' }),
  );
  r.note(paved, 'Paved-Health: so-so\nPaved-Health-Time: never');

  test('an unattributed deploy is counted and flagged; a bad time or verdict is ignored, not fatal', async () => {
    const all = await measure(r, { since: at('2026-07-01T00:00:00Z'), until: at('2026-07-08T00:00:00Z') });
    expect(all.deployments).toBe(2);
    expect(all.unattributed).toBe(1);
    expect(all.deploys[0]).toMatchObject({
      commit: byHand,
      attributed: false,
      service: null,
      lead_time_seconds: null,
    });
    expect(all.deploys[1]).toMatchObject({
      commit: paved,
      attributed: true,
      lead_time_seconds: null,
      failed: false,
    });
    const shop = await measure(r, { service: 'shop' });
    expect(shop.deployments).toBe(1);
    expect(shop.unattributed).toBe(0);
  });

  test('no matching deploys: every measure is null, never 0', async () => {
    const none = await measure(r, { service: 'nothing-here' });
    expect(none).toMatchObject({
      deployments: 0,
      since: null,
      deployment_frequency_per_day: null,
      lead_time_seconds: { median: null, p90: null },
      change_failure_rate: null,
      time_to_restore_seconds: { median: null, p90: null },
      bands: {
        deployment_frequency: null,
        lead_time: null,
        change_failure_rate: null,
        time_to_restore: null,
      },
      deploys: [],
    });
    // With a window, zero deploys is a known rate of zero.
    const window = await measure(r, {
      service: 'nothing-here',
      since: at('2026-07-01T00:00:00Z'),
      until: at('2026-07-08T00:00:00Z'),
    });
    expect(window.deployment_frequency_per_day).toBe(0);
    expect(window.bands.deployment_frequency).toBe('low');
    expect(window.change_failure_rate).toBeNull();
  });

  test('merge commits without trailers are not deploys', async () => {
    const m = new SyntheticGitOps();
    repos.push(m);
    m.commit('2026-08-01T10:00:00Z', deployMessage({ service: 'shop', image: 'reg/shop:1' }));
    m.git(['checkout', '-q', '-b', 'side']);
    m.commit('2026-08-01T11:00:00Z', deployMessage({ service: 'shop', image: 'reg/shop:2' }), 'other');
    m.git(['checkout', '-q', 'main']);
    m.commit('2026-08-01T12:00:00Z', deployMessage({ service: 'cart', image: 'reg/cart:1' }), 'cart');
    m.git(['merge', '-q', '--no-edit', 'side'], '2026-08-01T13:00:00Z');
    const result = await measure(m, {});
    expect(result.deployments).toBe(3);
    expect(result.unattributed).toBe(0);
  });
});
