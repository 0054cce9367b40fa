/** `paved metrics` end to end on a real synthetic GitOps repository: text, --json, --html, a URL, and usage errors. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '../../../cli/main.js';
import type { CliIo } from '../../../cli/command.js';
import { parseDateOption } from '../../../cli/commands/metrics.js';
import { SyntheticGitOps, deployMessage } from '../../support/synthetic-gitops.js';

const repo = new SyntheticGitOps();
const scratch = mkdtempSync(join(tmpdir(), 'paved-metrics-cli-'));
afterAll(() => {
  repo.dispose();
  rmSync(scratch, { recursive: true, force: true });
});
const d1 = repo.commit(
  '2026-03-02T10:00:00+01:00',
  deployMessage({
    service: 'shop',
    environment: 'prod',
    image: 'reg/shop@sha256:1',
    sourceTime: '2026-03-02T08:00:00Z',
    sourceCommit: 'abc1234',
  }),
);
const d2 = repo.commit(
  '2026-03-04T10:00:00Z',
  deployMessage({
    service: 'shop',
    environment: 'prod',
    image: 'reg/shop@sha256:2',
    sourceTime: '2026-03-04T09:30:00Z',
  }),
);
repo.note(d2, 'Paved-Health: unhealthy\nPaved-Health-Time: 2026-03-04T10:05:00Z');
repo.revert('2026-03-04T10:20:00Z', d2, `Paved-Rollback-Of: ${d2}\nPaved-Reason: unhealthy`);
repo.commit(
  '2026-03-05T10:00:00Z',
  deployMessage({ service: 'cart', environment: 'prod', image: 'reg/cart:1' }),
);

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    cwd: scratch,
    env: {},
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    usageError: (m) => {
      err.push(m);
      return 2;
    },
    interactive: false,
  };
  const code = await runCli(['metrics', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('paved metrics', () => {
  test('--json prints the documented object', async () => {
    const { code, out } = await cli(
      '--repo',
      repo.dir,
      '--service',
      'shop',
      '--environment',
      'prod',
      '--since',
      '2026-03-01',
      '--until',
      '2026-03-07',
      '--json',
    );
    expect(code).toBe(0);
    const m = JSON.parse(out);
    expect(m).toMatchObject({
      service: 'shop',
      environment: 'prod',
      since: '2026-03-01T00:00:00Z',
      until: '2026-03-07T23:59:59Z',
      deployments: 2,
      lead_time_seconds: { median: 2700, p90: 3420 },
      change_failure_rate: 0.5,
      time_to_restore_seconds: { median: 900, p90: 900 },
      bands: {
        lead_time: 'elite',
        change_failure_rate: 'low',
        time_to_restore: 'elite',
        deployment_frequency: 'high',
      },
    });
    expect(m.deployment_frequency_per_day).toBeCloseTo(2 / 7, 4);
    expect(m.deploys[0]).toEqual(
      expect.objectContaining({
        commit: d1,
        time: '2026-03-02T09:00:00Z',
        image: 'reg/shop@sha256:1',
        source_commit: 'abc1234',
        lead_time_seconds: 3600,
        failed: false,
        restored_seconds: null,
      }),
    );
    expect(m.deploys[1]).toEqual(
      expect.objectContaining({ commit: d2, failed: true, restored_seconds: 900 }),
    );
  });

  test('the table names the measures and their bands; --html writes a page that needs no network', async () => {
    const { code, out } = await cli('--repo', repo.dir, '--service=shop', '--html', 'report.html');
    expect(code).toBe(0);
    expect(out).toMatch(/Change failure rate\s+50% \(1 of 2\)\s+low/);
    expect(out).toMatch(/Time to restore\s+median 15m, p90 15m\s+elite/);
    const html = readFileSync(join(scratch, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Deploys per week');
    expect(html).toContain('Lead time per deploy');
    expect(html).toContain('Failed deploys (red)');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3)/);
  });

  test('a URL is fetched, notes included', async () => {
    const { code, out } = await cli(
      '--repo',
      `file://${repo.dir}`,
      '--branch',
      'main',
      '--service',
      'shop',
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(out).deploys[1]).toMatchObject({ commit: d2, failed: true, restored_seconds: 900 });
  });

  test.each([
    [[], /--repo is required/],
    [['--repo', '.', '--since', 'last week'], /--since must be a date like 2026-03-01/],
    [['--repo', '.', '--since', '2026-03-05', '--until', '2026-03-01'], /is after --until/],
    [['--repo', '.', '--json', '--html', 'x.html'], /cannot go together/],
    [['--repo', '.', '--frobnicate'], /unexpected "--frobnicate"/],
  ])('usage error %j', async (args, message) => {
    const { code, err } = await cli(...(args as string[]));
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  test('a directory that is not a repository is an error, not a crash', async () => {
    const { code, err } = await cli('--repo', scratch);
    expect(code).toBe(1);
    expect(err).toMatch(/is not a git repository/);
  });

  test.each([
    ['2026-03-01', false, Date.parse('2026-03-01T00:00:00Z') / 1000],
    ['2026-03-01', true, Date.parse('2026-03-01T23:59:59Z') / 1000],
    ['2026-03-01T10:00:00+0130', false, Date.parse('2026-03-01T08:30:00Z') / 1000],
    ['30d', false, 1_000_000 - 30 * 86_400],
    ['2026-03-01T10:00', false, undefined],
  ])('date option %s', (value, end, expected) => {
    expect(parseDateOption(value, 1_000_000, end)).toBe(expected);
  });
});
