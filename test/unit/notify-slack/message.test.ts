import { describe, expect, test } from 'vitest';
import { runMessage, stageReply } from '../../../actions/notify-slack/src/message.js';
import {
  headline,
  matrixJobName,
  pipelineFacts,
  statusColor,
  type PipelineFacts,
} from '../../../actions/notify-slack/src/pipeline.js';
import type { GitHubContext } from '../../../shared/github-context.js';
import { validateMessage } from '../../../shared/slack/blockkit.js';

const context: GitHubContext = {
  repository: 'acme/api',
  owner: 'acme',
  repo: 'api',
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  eventName: 'pull_request',
  sha: 'feedface00000000',
  githubSha: 'merge0000',
  ref: 'refs/pull/12/merge',
  branch: 'fix/login',
  tag: undefined,
  defaultBranch: 'main',
  prNumber: 12,
  actor: 'grace',
  workflow: 'deliver',
  job: 'test',
  runId: '99',
  runAttempt: '2',
  runNumber: '31',
  runUrl: 'https://github.com/acme/api/actions/runs/99/attempts/2',
  workspace: '/w',
  payload: { pull_request: { title: 'Fix login\n\nlong body', user: { login: 'grace' } } },
};

function facts(overrides: Partial<Parameters<typeof pipelineFacts>[1]> = {}): PipelineFacts {
  return pipelineFacts(
    context,
    {
      stage: 'deploy',
      status: 'failure',
      jobName: undefined,
      matrix: undefined,
      startedAt: 1_000_000,
      tests: {},
      image: 'ghcr.io/acme/api@sha256:abc',
      environment: 'production',
      reason: 'sync failed: <b>Degraded</b>',
      detailsUrl: undefined,
      mentions: ['<@U0123ABCD>'],
      progress: [],
      ...overrides,
    },
    1_000_000 + 83_000,
  );
}

describe('matrix job names', () => {
  test.each([
    ['test', undefined, 'test'],
    ['test', {}, 'test'],
    ['test', { os: 'ubuntu-latest', node: 20 }, 'test (ubuntu-latest, 20)'],
    ['build', { target: { arch: 'arm64' } }, 'build ({"arch":"arm64"})'],
  ])('%s with %j → %s', (job, matrix, expected) => {
    expect(matrixJobName(job, matrix)).toBe(expected);
  });

  test('the job field shows the matrix name and links the run attempt', () => {
    const message = JSON.stringify(runMessage(facts({ matrix: { os: 'ubuntu-latest', node: 20 } })));
    expect(message).toContain(
      '<https://github.com/acme/api/actions/runs/99/attempts/2|test (ubuntu-latest, 20)>',
    );
  });
});

describe('built-in messages', () => {
  test.each([
    ['pipeline', 'started', undefined, 'Pipeline started'],
    ['build', 'success', undefined, 'Build succeeded'],
    ['test', 'success', undefined, 'Tests passed'],
    ['deploy', 'failure', 'production', 'Deploy to production failed'],
    ['health-check', 'failure', 'staging', 'Health check of staging failed'],
    ['rollback', 'success', 'production', 'Rolled back production'],
    ['containerize', 'cancelled', undefined, 'Image build cancelled'],
  ] as const)('%s %s → %s', (stage, status, environment, expected) => {
    expect(headline({ stage, status, environment })).toBe(expected);
  });

  test('colours by outcome', () => {
    expect(statusColor('deploy', 'success')).toBe('#2EB67D');
    expect(statusColor('deploy', 'failure')).toBe('#E01E5A');
    expect(statusColor('rollback', 'success')).toBe('#ECB22E');
    expect(statusColor('pipeline', 'started')).toBe('#439FE0');
  });

  test('carries repo, branch, commit, author, PR, duration, image, environment, reason and mentions', () => {
    const message = runMessage(facts({ tests: { passed: 10, failed: 2, total: 12 } }));
    const text = JSON.stringify(message);
    for (const expected of [
      '<https://github.com/acme/api|acme/api>',
      '<https://github.com/acme/api/tree/fix/login|fix/login>',
      '<https://github.com/acme/api/commit/feedface00000000|feedfac> Fix login',
      'grace',
      '<https://github.com/acme/api/pull/12|#12>',
      '1m23s',
      'ghcr.io/acme/api@sha256:abc',
      'production',
      '10 passed, 2 failed (12 total)',
      'sync failed: &lt;b&gt;Degraded&lt;/b&gt;',
      '<@U0123ABCD>',
      'attempt 2',
    ]) {
      expect(text).toContain(JSON.stringify(expected).slice(1, -1));
    }
    expect((message.attachments?.[0] as { color: string }).color).toBe('#E01E5A');
    expect(message.text).toBe('❌ Deploy to production failed · acme/api · fix/login · feedfac <@U0123ABCD>');
  });

  test('delivery health is one line linking to the run summary, and only when given', () => {
    const line = '14 deploys in 30 days · lead time median 2h (elite) · change failure rate 7.1% (high)';
    const text = JSON.stringify(
      runMessage(facts({ stage: 'health-check', status: 'success', deliveryHealth: line })),
    );
    expect(text).toContain(line);
    expect(text).toContain(
      '<https://github.com/acme/api/actions/runs/99/attempts/2|delivery health in the run summary>',
    );
    expect(validateMessage(runMessage(facts({ deliveryHealth: 'x'.repeat(5000) })))).toEqual([]);
    expect(JSON.stringify(runMessage(facts()))).not.toContain('delivery health');
  });

  test('mentions only on failure', () => {
    expect(JSON.stringify(runMessage(facts({ status: 'success' })))).not.toContain('U0123ABCD');
    expect(JSON.stringify(stageReply(facts({ status: 'success' })))).not.toContain('U0123ABCD');
  });

  test('huge values are cut to fit, so built-in messages always pass validation', () => {
    const long = 'é'.repeat(50_000);
    const big = facts({ reason: long, image: long, environment: long, jobName: long });
    big.commitTitle = long;
    big.author = long;
    expect(validateMessage(runMessage(big))).toEqual([]);
    expect(validateMessage(stageReply(big))).toEqual([]);
  });

  test('links the published test results when given, and only then', () => {
    type Button = { type: string; url?: string; action_id?: string };
    const buttons = (detailsUrl: string | undefined): Button[] =>
      (
        runMessage(facts({ detailsUrl })).attachments?.[0] as {
          blocks: { type: string; elements?: Button[] }[];
        }
      ).blocks.find((b) => b.type === 'actions')?.elements ?? [];
    const url = 'https://github.com/acme/api/actions/runs/99';
    expect(buttons(url).find((b) => b.action_id === 'paved-view-tests')?.url).toBe(url);
    expect(buttons(undefined).map((b) => b.action_id)).not.toContain('paved-view-tests');
  });

  test('the progress line lists stages in order', () => {
    const message = JSON.stringify(
      runMessage(
        facts({
          stage: 'rollback',
          status: 'success',
          progress: [
            { stage: 'pipeline', status: 'started' },
            { stage: 'build', status: 'success' },
            { stage: 'deploy', status: 'success' },
            { stage: 'rollback', status: 'success' },
          ],
        }),
      ),
    );
    expect(message).toContain('✅ Build  →  ✅ Deploy  →  ↩️ Rollback');
  });
});
