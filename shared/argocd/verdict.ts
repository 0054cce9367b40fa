/**
 * Whether a revision is live: the pure decision behind every wait. Argo CD's own `app wait` can return on
 * the *previous* revision's Synced/Healthy (argoproj/argo-cd#5592, #12211), so a state counts as done only
 * when all of these hold (API-NOTES §12.6):
 * - no operation is requested or running (`operation` absent, `operationState` completed);
 * - the completed operation is the one we care about (newer than the one seen before we started, and for
 *   the target revision);
 * - the controller has reconciled after it finished (`reconciledAt >= finishedAt`);
 * - `status.sync.revision` is the target revision, sync is `Synced` and health is `Healthy`.
 */
import { isCompletedPhase, type Application, type ResourceResult } from './types.js';

export interface DeployTarget {
  /** The full git sha that must be live. */
  revision: string;
  /**
   * `startedAt` of the operation that existed before we asked for ours. When set, an operation with this
   * `startedAt` is old news, and the verdict waits for a newer one.
   */
  previousOperationStartedAt?: string;
  /**
   * The newest history id before we started. A newer entry marks a later successful operation even when
   * both started within the same second (an auto-sync carries no {@link DeployTarget.operationNonce}).
   */
  previousHistoryId?: number;
  /**
   * A value we put in our sync request's `infos` (stored in `operation.info`). When set, only the operation
   * carrying it counts: timestamps have one-second precision, so two operations can share a `startedAt`.
   */
  operationNonce?: string;
  /** Require an operation for `revision` (true when we started a sync; false for auto-sync, which may have run already). */
  requireOperation: boolean;
}

/** The `infos` name under which Paved tags the operations it starts. */
export const OPERATION_NONCE_INFO = 'paved-operation';

export type DeployVerdict =
  { state: 'waiting'; reason: string } | { state: 'done' } | { state: 'failed'; reason: string };

/** `Synced/Healthy, operation Succeeded at abc1234` — one line for logs and errors. */
export function describeApplicationState(app: Application): string {
  const status = app.status ?? {};
  const sync = status.sync?.status ?? 'Unknown';
  const health = status.health?.status ?? 'Unknown';
  const revision = status.sync?.revision ? ` at ${status.sync.revision.slice(0, 7)}` : '';
  const op = status.operationState;
  let operation = '';
  if (app.operation && (!op || isCompletedPhase(op.phase))) operation = ', operation requested';
  else if (op)
    operation = `, operation ${op.phase}${op.syncResult?.revision || op.operation.sync?.revision ? ` (${(op.syncResult?.revision ?? op.operation.sync?.revision ?? '').slice(0, 7)})` : ''}`;
  return `${sync}/${health}${revision}${operation}`;
}

/** The newest history id of `app`, -1 when it has none (ids grow; truncation drops the oldest). */
export function newestHistoryId(app: Application): number {
  return Math.max(-1, ...(app.status?.history ?? []).map((h) => h.id));
}

function operationRevision(app: Application): string | undefined {
  const op = app.status?.operationState;
  return op?.syncResult?.revision || op?.operation.sync?.revision;
}

/** Resources the sync could not apply, as `Kind/name: message`. */
export function failedSyncResources(app: Application): string[] {
  const resources: ResourceResult[] = app.status?.operationState?.syncResult?.resources ?? [];
  return resources
    .filter((r) => r.status === 'SyncFailed' || r.hookPhase === 'Failed' || r.hookPhase === 'Error')
    .map((r) => `${r.kind}/${r.name}${r.message ? `: ${r.message}` : ''}`);
}

/** Decide whether `target` is live in `app`, still on its way, or failed. */
export function evaluateDeployment(app: Application, target: DeployTarget): DeployVerdict {
  const status = app.status ?? {};
  const op = status.operationState;
  const isOurs = (candidate: typeof op): boolean =>
    candidate !== undefined &&
    (target.operationNonce
      ? (candidate.operation.info ?? []).some(
          (item) => item.name === OPERATION_NONCE_INFO && item.value === target.operationNonce,
        )
      : candidate.startedAt !== target.previousOperationStartedAt ||
        !isCompletedPhase(candidate.phase) ||
        (target.previousHistoryId !== undefined &&
          candidate.phase === 'Succeeded' &&
          newestHistoryId(app) > target.previousHistoryId));
  if (app.operation && (!op || isCompletedPhase(op.phase) || !isOurs(op))) {
    return { state: 'waiting', reason: 'the operation has not started yet' };
  }
  if (op && !isCompletedPhase(op.phase)) {
    const retrying = op.retryCount ? ` (retry ${op.retryCount}: ${op.message ?? ''})` : '';
    return { state: 'waiting', reason: `the operation is ${op.phase}${retrying}` };
  }
  const fresh = isOurs(op);
  const forTarget = op !== undefined && operationRevision(app) === target.revision;
  if (target.requireOperation && !(fresh && forTarget)) {
    return { state: 'waiting', reason: 'the sync operation for this revision has not run yet' };
  }
  if (op && fresh && forTarget && (op.phase === 'Failed' || op.phase === 'Error')) {
    const failed = failedSyncResources(app);
    return {
      state: 'failed',
      reason: `the sync operation ${op.phase === 'Error' ? 'errored' : 'failed'}: ${op.message ?? 'no message'}${failed.length ? `; ${failed.join('; ')}` : ''}`,
    };
  }
  if (op?.finishedAt && status.reconciledAt && Date.parse(status.reconciledAt) < Date.parse(op.finishedAt)) {
    return { state: 'waiting', reason: 'the controller has not reconciled since the operation finished' };
  }
  if (op?.finishedAt && !status.reconciledAt) {
    return { state: 'waiting', reason: 'the application has not been reconciled yet' };
  }
  const revision = status.sync?.revision;
  // The branch may have moved on (another app's bump) by the time the controller reconciles: our operation
  // applied the target and the app is Synced to a later commit, so the target's content is what runs.
  const movedOn =
    fresh &&
    forTarget &&
    op?.phase === 'Succeeded' &&
    revision !== undefined &&
    status.sync?.status === 'Synced';
  if (revision !== target.revision && !movedOn) {
    return {
      state: 'waiting',
      reason: `the application is at ${revision ? revision.slice(0, 7) : 'no revision'}, not ${target.revision.slice(0, 7)}`,
    };
  }
  const comparisonError = (status.conditions ?? []).find(
    (c) => c.type === 'ComparisonError' || c.type === 'InvalidSpecError',
  );
  if (status.sync?.status !== 'Synced') {
    if (comparisonError && forTarget)
      return { state: 'failed', reason: `${comparisonError.type}: ${comparisonError.message}` };
    return { state: 'waiting', reason: `sync status is ${status.sync?.status ?? 'Unknown'}` };
  }
  const health = status.health?.status ?? 'Unknown';
  if (health === 'Degraded') {
    return {
      state: 'failed',
      reason: `health is Degraded${status.health?.message ? `: ${status.health.message}` : ''}`,
    };
  }
  if (health !== 'Healthy') return { state: 'waiting', reason: `health is ${health}` };
  return { state: 'done' };
}

export interface RollbackTarget {
  /** The revision of the history entry rolled back to. */
  revision: string;
  /** {@link newestHistoryId} before the rollback was requested: our rollback's entry gets a higher id. */
  previousHistoryId: number;
  /**
   * Whether this state was read after a refresh asked for once the rollback operation had finished (or
   * later). Until then health may be the previous pods' (API-NOTES §12.6), and `reconciledAt`/`finishedAt`
   * have one-second precision, so they cannot say which came first.
   */
  reconciledAfterOperation: boolean;
}

export type RollbackVerdict =
  | { state: 'waiting'; reason: string; needsReconcile?: true }
  | { state: 'done' }
  | { state: 'failed'; reason: string };

/**
 * Whether a rollback (`POST …/rollback`, an operation for an older revision) is done. The rollback request
 * clears `status.operationState` (API-NOTES §4, §12.1), and no other operation can start while ours is
 * requested or running, so the first completed operation seen after the request is ours when it is for
 * `target.revision`. A succeeded rollback always appends a history entry (§12.5): an entry newer than
 * `previousHistoryId` for the revision confirms it without comparing timestamps. The app then stays
 * OutOfSync against git (the spec still names the branch head, §5), so sync status does not matter; once
 * a reconcile after the operation is known (`needsReconcile` asks the caller for one), health decides.
 */
export function evaluateRollback(app: Application, target: RollbackTarget): RollbackVerdict {
  const status = app.status ?? {};
  const op = status.operationState;
  if (app.operation && (!op || isCompletedPhase(op.phase))) {
    return { state: 'waiting', reason: 'the rollback operation has not started yet' };
  }
  if (!op) return { state: 'waiting', reason: 'the rollback operation has not started yet' };
  if (!isCompletedPhase(op.phase)) {
    const retrying = op.retryCount ? ` (retry ${op.retryCount}: ${op.message ?? ''})` : '';
    return { state: 'waiting', reason: `the rollback operation is ${op.phase}${retrying}` };
  }
  const revision = operationRevision(app);
  if (revision !== target.revision) {
    return {
      state: 'failed',
      reason: `another operation (to ${(revision ?? 'an unknown revision').slice(0, 7)}) ran instead of the rollback to ${target.revision.slice(0, 7)}`,
    };
  }
  if (op.phase !== 'Succeeded') {
    const failed = failedSyncResources(app);
    return {
      state: 'failed',
      reason: `the rollback operation ${op.phase === 'Error' ? 'errored' : 'failed'}: ${op.message ?? 'no message'}${failed.length ? `; ${failed.join('; ')}` : ''}`,
    };
  }
  const entry = (status.history ?? []).find((e) => e.id === newestHistoryId(app));
  if (!entry || entry.id <= target.previousHistoryId || entry.revision !== target.revision) {
    return {
      state: 'failed',
      reason: `the operation to ${target.revision.slice(0, 7)} succeeded but recorded no new history entry after id ${target.previousHistoryId}, so it was not the rollback`,
    };
  }
  if (!target.reconciledAfterOperation) {
    return {
      state: 'waiting',
      reason: 'the controller has not reconciled since the rollback finished',
      needsReconcile: true,
    };
  }
  const health = status.health?.status ?? 'Unknown';
  if (health === 'Degraded') {
    return {
      state: 'failed',
      reason: `health is Degraded after the rollback${status.health?.message ? `: ${status.health.message}` : ''}`,
    };
  }
  if (health !== 'Healthy') return { state: 'waiting', reason: `health is ${health}` };
  return { state: 'done' };
}
