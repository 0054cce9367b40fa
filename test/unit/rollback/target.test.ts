import { describe, expect, test } from 'vitest';
import { evaluateRollback, type Application, type RevisionHistory } from '../../../shared/argocd/index.js';
import {
  currentHistoryEntry,
  describeHistory,
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
  // History before the rollback: 3 deployed a (the good one), 4 deployed b (the bad one). Rolling back to a
  // appends entry 5; its operation may share every one-second timestamp with the reconcile before it.
  const base = [entry(3, sha('a')), entry(4, sha('b'))];
  const target = { revision: sha('a'), previousHistoryId: 4 };
  const same = '2026-08-01T10:05:00Z';
  const state = (options: {
    requested?: boolean;
    phase?: string;
    opRevision?: string;
    history?: RevisionHistory[];
    sync?: string;
    health?: string;
  }): Application =>
    ({
      metadata: { name: 'g' },
      spec: { project: 'default' },
      ...(options.requested ? { operation: { sync: { revision: sha('a') } } } : {}),
      status: {
        sync: { status: options.sync ?? 'OutOfSync', revision: sha('b') },
        health: { status: options.health ?? 'Healthy', message: 'exceeded its progress deadline' },
        history: options.history ?? base,
        reconciledAt: same,
        ...(options.phase
          ? {
              operationState: {
                operation: {
                  sync: { revision: options.opRevision ?? sha('a') },
                  initiatedBy: { username: 'ci' },
                },
                phase: options.phase,
                message: 'one or more objects failed to apply',
                startedAt: same,
                ...(options.phase === 'Running' ? {} : { finishedAt: same }),
              },
            }
          : {}),
      },
    }) as unknown as Application;
  const after = [...base, entry(5, sha('a'))];

  test.each<[string, Application, boolean, 'waiting' | 'done' | 'failed']>([
    [
      'requested, not picked up (the request cleared operationState)',
      state({ requested: true }),
      false,
      'waiting',
    ],
    ['requested, no state at all yet', state({}), false, 'waiting'],
    ['Running', state({ requested: true, phase: 'Running' }), false, 'waiting'],
    ['Terminating', state({ requested: true, phase: 'Terminating' }), false, 'waiting'],
    ['Failed for the target', state({ phase: 'Failed' }), false, 'failed'],
    ['Error for the target', state({ phase: 'Error' }), false, 'failed'],
    [
      'Succeeded for another revision',
      state({ phase: 'Succeeded', opRevision: sha('c'), history: [...base, entry(5, sha('c'))] }),
      true,
      'failed',
    ],
    ['Succeeded for the target without a new history id', state({ phase: 'Succeeded' }), true, 'failed'],
    [
      'Succeeded, new id, stale Healthy before the reconcile',
      state({ phase: 'Succeeded', history: after }),
      false,
      'waiting',
    ],
    [
      'Succeeded, new id, reconciled, Progressing',
      state({ phase: 'Succeeded', history: after, health: 'Progressing' }),
      true,
      'waiting',
    ],
    [
      'Succeeded, new id, reconciled, Missing',
      state({ phase: 'Succeeded', history: after, health: 'Missing' }),
      true,
      'waiting',
    ],
    [
      'Succeeded, new id, reconciled, Degraded',
      state({ phase: 'Succeeded', history: after, health: 'Degraded' }),
      true,
      'failed',
    ],
    // OutOfSync with the spec is what a rollback leaves behind (the branch still names the bad version).
    [
      'Succeeded, new id, reconciled, OutOfSync and Healthy',
      state({ phase: 'Succeeded', history: after }),
      true,
      'done',
    ],
    [
      'Succeeded, new id, reconciled, Synced and Healthy',
      state({ phase: 'Succeeded', history: after, sync: 'Synced' }),
      true,
      'done',
    ],
    // Truncated history (revisionHistoryLimit): ids keep growing, so the new entry still has the highest id.
    [
      'Succeeded, truncated history, new id',
      state({ phase: 'Succeeded', history: [entry(4, sha('b')), entry(5, sha('a'))] }),
      true,
      'done',
    ],
  ])('%s (reconciled after: %s) → %s', (_label, app, reconciledAfterOperation, expected) => {
    expect(evaluateRollback(app, { ...target, reconciledAfterOperation }).state).toBe(expected);
  });

  test('only the succeeded, not yet reconciled state asks for a reconcile', () => {
    expect(
      evaluateRollback(state({ phase: 'Succeeded', history: after }), {
        ...target,
        reconciledAfterOperation: false,
      }),
    ).toEqual({
      state: 'waiting',
      reason: 'the controller has not reconciled since the rollback finished',
      needsReconcile: true,
    });
    expect(
      evaluateRollback(state({ requested: true, phase: 'Running' }), {
        ...target,
        reconciledAfterOperation: false,
      }),
    ).not.toHaveProperty('needsReconcile');
  });

  test('failures say why', () => {
    expect(
      evaluateRollback(state({ phase: 'Failed' }), { ...target, reconciledAfterOperation: false }),
    ).toEqual({
      state: 'failed',
      reason: 'the rollback operation failed: one or more objects failed to apply',
    });
    expect(
      evaluateRollback(state({ phase: 'Succeeded', history: after, health: 'Degraded' }), {
        ...target,
        reconciledAfterOperation: true,
      }),
    ).toEqual({
      state: 'failed',
      reason: 'health is Degraded after the rollback: exceeded its progress deadline',
    });
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
