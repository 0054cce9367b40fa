import { describe, expect, test } from 'vitest';
import type { Application, RevisionHistory } from '../../../shared/argocd/index.js';
import {
  currentHistoryEntry,
  describeHistory,
  evaluateRollback,
  historyEntryForRevision,
  manualRecoverySteps,
  previousHistoryEntry,
} from '../../../shared/rollback/index.js';
import { RollbackFailedError } from '../../../shared/rollback/perform.js';

const sha = (c: string): string => c.repeat(40);
const entry = (id: number, revision: string): RevisionHistory => ({
  id,
  revision,
  deployedAt: `2026-08-01T10:0${id % 10}:00Z`,
});
const withHistory = (...history: RevisionHistory[]): Application =>
  ({
    metadata: { name: 'guestbook' },
    spec: { project: 'default' },
    status: { history },
  }) as unknown as Application;

describe('history targets, by id never by index', () => {
  // Truncated history: ids continue (10, 11, 12) after older entries were dropped.
  const app = withHistory(entry(10, sha('a')), entry(12, sha('c')), entry(11, sha('b')));
  test('current is the highest id, previous the next one down', () => {
    expect(currentHistoryEntry(app)?.id).toBe(12);
    expect(previousHistoryEntry(app)?.id).toBe(11);
  });
  test('a re-sync of the same revision is not a previous version', () => {
    expect(
      previousHistoryEntry(withHistory(entry(0, sha('a')), entry(1, sha('b')), entry(2, sha('b'))))?.id,
    ).toBe(0);
  });
  test('no previous version in a one-entry history', () => {
    expect(previousHistoryEntry(withHistory(entry(0, sha('a'))))).toBeUndefined();
    expect(currentHistoryEntry(withHistory())).toBeUndefined();
  });
  test('by revision: full sha or a prefix of 7+, the newest entry wins', () => {
    const again = withHistory(entry(3, sha('a')), entry(4, sha('b')), entry(5, sha('a')));
    expect(historyEntryForRevision(again, sha('a'))?.id).toBe(5);
    expect(historyEntryForRevision(again, 'bbbbbbb')?.id).toBe(4);
    expect(historyEntryForRevision(again, 'bbb')).toBeUndefined();
  });
  test('described for errors', () => {
    expect(describeHistory(app)).toBe(
      '10 (aaaaaaa, 2026-08-01T10:00:00Z), 11 (bbbbbbb, 2026-08-01T10:01:00Z), 12 (ccccccc, 2026-08-01T10:02:00Z)',
    );
  });
});

describe('when a rollback is done', () => {
  const target = { revision: sha('a'), previousOperationStartedAt: '2026-08-01T10:00:00Z' };
  const state = (over: Record<string, unknown>, op?: Record<string, unknown>): Application =>
    ({
      metadata: { name: 'g' },
      spec: { project: 'default' },
      ...over,
      status: {
        sync: { status: 'OutOfSync', revision: sha('b') },
        health: { status: 'Healthy' },
        reconciledAt: '2026-08-01T10:05:00Z',
        ...(op
          ? {
              operationState: {
                operation: { sync: { revision: sha('a') } },
                startedAt: '2026-08-01T10:04:00Z',
                ...op,
              },
            }
          : {}),
        ...(over['status'] as object),
      },
    }) as unknown as Application;

  test.each([
    ['requested, not picked up', state({ operation: { sync: {} } }), 'waiting'],
    [
      'the old operation is still shown',
      state({}, { phase: 'Succeeded', startedAt: '2026-08-01T10:00:00Z' }),
      'waiting',
    ],
    ['running', state({}, { phase: 'Running' }), 'waiting'],
    ['failed', state({}, { phase: 'Failed', message: 'one or more objects failed to apply' }), 'failed'],
    [
      'succeeded but not reconciled yet',
      state(
        {},
        { phase: 'Succeeded', finishedAt: '2026-08-01T10:06:00Z', syncResult: { revision: sha('a') } },
      ),
      'waiting',
    ],
    [
      'succeeded, Progressing',
      state(
        { status: { health: { status: 'Progressing' } } },
        { phase: 'Succeeded', finishedAt: '2026-08-01T10:04:30Z', syncResult: { revision: sha('a') } },
      ),
      'waiting',
    ],
    [
      'succeeded, Degraded',
      state(
        { status: { health: { status: 'Degraded', message: 'exceeded its progress deadline' } } },
        { phase: 'Succeeded', finishedAt: '2026-08-01T10:04:30Z', syncResult: { revision: sha('a') } },
      ),
      'failed',
    ],
    [
      'someone else synced another revision',
      state(
        {},
        { phase: 'Succeeded', finishedAt: '2026-08-01T10:04:30Z', syncResult: { revision: sha('c') } },
      ),
      'failed',
    ],
    // OutOfSync with the spec is expected after a rollback: done.
    [
      'succeeded, reconciled, Healthy, OutOfSync',
      state(
        {},
        { phase: 'Succeeded', finishedAt: '2026-08-01T10:04:30Z', syncResult: { revision: sha('a') } },
      ),
      'done',
    ],
  ])('%s → %s', (_label, app, expected) => {
    expect(evaluateRollback(app, target).state).toBe(expected);
  });
});

describe('manual recovery steps', () => {
  test('name the history id, the auto-sync switch, the revert and the wait, without credentials', () => {
    const steps = manualRecoverySteps({
      app: 'guestbook',
      argocdServer: 'https://cd.example.com/',
      historyId: 4,
      historyRevision: sha('a'),
      autoSync: true,
      gitops: { repo: 'https://user:hunter22@git.example.com/org/gitops.git', branch: 'main' },
      revertCommit: sha('b'),
    });
    expect(steps).toEqual([
      'Argo CD refuses a rollback while auto-sync is on: argocd app set guestbook --sync-policy none --server cd.example.com (turn it back on once the GitOps repo points at a good version)',
      'Roll back to history id 4 (revision aaaaaaa): argocd app rollback guestbook 4 --server cd.example.com',
      `Or revert the bump in the GitOps repo: git clone --branch main https://***:***@git.example.com/org/gitops.git gitops && cd gitops && git revert --no-edit ${sha('b')} && git push origin HEAD:main`,
      'Then sync (not needed with auto-sync on): argocd app sync guestbook --server cd.example.com',
      'Watch it recover: argocd app wait guestbook --health --timeout 600 --server cd.example.com',
    ]);
    const error = new RollbackFailedError('Rollback failed: boom', steps.slice(-1));
    expect(error.message).toBe(
      'Rollback failed: boom\nRecover by hand:\n  1. Watch it recover: argocd app wait guestbook --health --timeout 600 --server cd.example.com',
    );
  });
});
