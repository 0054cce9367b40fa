import { describe, expect, it } from 'vitest';
import {
  describeApplicationState,
  evaluateDeployment,
  OPERATION_NONCE_INFO,
  type DeployTarget,
} from '../../../shared/argocd/verdict.js';
import { unhealthyResources } from '../../../shared/argocd/wait.js';
import { parseErrorBody, parseStreamLine, ArgoCdError } from '../../../shared/argocd/client.js';
import type { Application, OperationState } from '../../../shared/argocd/types.js';

const NEW = 'b'.repeat(40);
const OLD = 'a'.repeat(40);
const LATER = 'c'.repeat(40);

function op(
  phase: OperationState['phase'],
  revision: string,
  extra: Partial<OperationState> = {},
): OperationState {
  return {
    operation: { sync: { revision }, info: [{ name: OPERATION_NONCE_INFO, value: 'ours' }] },
    phase,
    startedAt: '2026-11-23T01:00:00Z',
    ...(phase === 'Running' ? {} : { finishedAt: '2026-11-23T01:00:05Z' }),
    syncResult: { revision },
    ...extra,
  };
}

function app(status: Application['status'], operation?: Application['operation']): Application {
  return {
    metadata: { name: 'shop' },
    spec: { project: 'default', destination: {} },
    status,
    ...(operation ? { operation } : {}),
  };
}

const target: DeployTarget = { revision: NEW, requireOperation: true, operationNonce: 'ours' };

describe('evaluateDeployment', () => {
  it.each<[string, Application, DeployTarget, string]>([
    [
      'stale Synced/Healthy of the previous revision while our operation is only requested',
      app(
        {
          sync: { status: 'Synced', revision: OLD },
          health: { status: 'Healthy' },
          operationState: op('Succeeded', OLD, { operation: { sync: { revision: OLD } } }),
        },
        { sync: { revision: NEW } },
      ),
      target,
      'waiting',
    ],
    [
      'our operation running',
      app(
        {
          sync: { status: 'OutOfSync', revision: NEW },
          health: { status: 'Healthy' },
          operationState: op('Running', NEW),
        },
        { sync: {} },
      ),
      target,
      'waiting',
    ],
    [
      'finished but not reconciled since',
      app({
        sync: { status: 'Synced', revision: NEW },
        health: { status: 'Healthy' },
        operationState: op('Succeeded', NEW),
        reconciledAt: '2026-11-23T01:00:04Z',
      }),
      target,
      'waiting',
    ],
    [
      'reconciled in the same second counts (timestamps have second precision)',
      app({
        sync: { status: 'Synced', revision: NEW },
        health: { status: 'Healthy' },
        operationState: op('Succeeded', NEW),
        reconciledAt: '2026-11-23T01:00:05Z',
      }),
      target,
      'done',
    ],
    [
      'Synced but still Progressing',
      app({
        sync: { status: 'Synced', revision: NEW },
        health: { status: 'Progressing' },
        operationState: op('Succeeded', NEW),
        reconciledAt: '2026-11-23T01:00:06Z',
      }),
      target,
      'waiting',
    ],
    [
      'Degraded after our sync',
      app({
        sync: { status: 'Synced', revision: NEW },
        health: { status: 'Degraded', message: 'crash' },
        operationState: op('Succeeded', NEW),
        reconciledAt: '2026-11-23T01:00:06Z',
      }),
      target,
      'failed',
    ],
    [
      'our sync failed',
      app({
        sync: { status: 'OutOfSync', revision: NEW },
        health: { status: 'Healthy' },
        operationState: op('Failed', NEW, { message: 'boom' }),
      }),
      target,
      'failed',
    ],
    [
      'an operation that is not ours (other nonce) does not count',
      app({
        sync: { status: 'Synced', revision: NEW },
        health: { status: 'Healthy' },
        operationState: op('Succeeded', NEW, {
          operation: { sync: { revision: NEW }, info: [{ name: OPERATION_NONCE_INFO, value: 'theirs' }] },
        }),
        reconciledAt: '2026-11-23T01:00:06Z',
      }),
      target,
      'waiting',
    ],
    [
      'the branch moved on to another app’s commit and the app is Synced to it',
      app({
        sync: { status: 'Synced', revision: LATER },
        health: { status: 'Healthy' },
        operationState: op('Succeeded', NEW),
        reconciledAt: '2026-11-23T01:00:06Z',
      }),
      target,
      'done',
    ],
    [
      'auto-sync: already live on the revision with no operation needed',
      app({
        sync: { status: 'Synced', revision: NEW },
        health: { status: 'Healthy' },
        reconciledAt: '2026-11-23T01:00:06Z',
      }),
      { revision: NEW, requireOperation: false },
      'done',
    ],
    [
      'auto-sync: still at the old revision',
      app({
        sync: { status: 'Synced', revision: OLD },
        health: { status: 'Healthy' },
        reconciledAt: '2026-11-23T01:00:06Z',
      }),
      { revision: NEW, requireOperation: false },
      'waiting',
    ],
  ])('%s', (_name, application, deployTarget, state) => {
    expect(evaluateDeployment(application, deployTarget).state).toBe(state);
  });

  it('does not take OutOfSync after a rollback for a deploy (rollbacks have their own verdict)', () => {
    const rolledBack = app({
      sync: { status: 'OutOfSync', revision: NEW },
      health: { status: 'Healthy' },
      operationState: op('Succeeded', OLD),
      reconciledAt: '2026-11-23T01:00:06Z',
    });
    expect(
      evaluateDeployment(rolledBack, { revision: OLD, requireOperation: true, operationNonce: 'ours' }).state,
    ).toBe('waiting');
  });

  it('names failed resources in a failed sync', () => {
    const failed = app({
      operationState: op('Failed', NEW, {
        message: 'one or more objects failed to apply',
        syncResult: {
          revision: NEW,
          resources: [{ kind: 'Deployment', name: 'shop', status: 'SyncFailed', message: 'invalid spec' }],
        },
      }),
    });
    expect(evaluateDeployment(failed, target)).toEqual({
      state: 'failed',
      reason: 'the sync operation failed: one or more objects failed to apply; Deployment/shop: invalid spec',
    });
  });

  it('describes a state in one line', () => {
    expect(
      describeApplicationState(
        app({
          sync: { status: 'OutOfSync', revision: NEW },
          health: { status: 'Healthy' },
          operationState: op('Running', NEW),
        }),
      ),
    ).toBe('OutOfSync/Healthy at bbbbbbb, operation Running (bbbbbbb)');
  });
});

describe('resource tree and wire format', () => {
  it('lists unhealthy nodes with their messages', () => {
    expect(
      unhealthyResources({
        nodes: [
          { kind: 'Service', name: 'shop', health: { status: 'Healthy' } },
          { kind: 'Pod', name: 'shop-1', health: { status: 'Degraded', message: 'CrashLoopBackOff' } },
          { kind: 'ConfigMap', name: 'cfg' },
        ],
      }),
    ).toEqual(['Pod/shop-1 (Degraded): CrashLoopBackOff']);
  });

  it.each([
    [
      '{"error":"another operation is already in progress","code":9,"message":"another operation is already in progress"}',
      'another operation is already in progress',
      9,
    ],
    ['Invalid content type\n', 'Invalid content type', undefined],
  ])('parses error body %j', (text, message, code) => {
    expect(parseErrorBody(text)).toEqual({ message, code });
  });

  it('parses stream lines, SSE framing and in-stream errors', () => {
    expect(
      parseStreamLine('{"result":{"type":"ADDED","application":{"metadata":{"name":"x"}}}}')?.event?.type,
    ).toBe('ADDED');
    expect(
      parseStreamLine('data: {"result":{"type":"MODIFIED","application":{"metadata":{"name":"x"}}}} ')?.event
        ?.type,
    ).toBe('MODIFIED');
    expect(parseStreamLine(':')).toBeUndefined();
    expect(
      parseStreamLine('{"error":{"grpc_code":16,"http_code":401,"message":"invalid session"}}')?.error
        ?.grpc_code,
    ).toBe(16);
  });

  it.each([
    [400, 9, 'another operation is already in progress', 'operation-in-progress'],
    [400, 9, 'rollback cannot be initiated when auto-sync is enabled', 'auto-sync-enabled'],
    [401, 16, 'invalid session: token is expired', 'unauthenticated'],
    [403, 7, 'permission denied', 'permission-denied'],
    [404, 5, 'applications.argoproj.io "x" not found', 'not-found'],
    [415, undefined, 'Invalid content type', 'unsupported-content-type'],
    [503, 14, 'unavailable', 'unavailable'],
  ])('classifies %i/%s %j', (status, grpcCode, message, kind) => {
    const error = new ArgoCdError('Argo CD', message, { status, grpcCode, serverMessage: message });
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(status >= 500);
  });
});
