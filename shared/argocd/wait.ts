/**
 * Waiting on Argo CD the way a pipeline needs: until a given revision is live and healthy (not the
 * previous one), logging every state change and a heartbeat, failing fast on a failed sync or Degraded
 * health, and on timeout saying what was last seen and which resources are unhealthy and why.
 */
import { PavedError, TimeoutError, messageOf } from '../errors.js';
import { formatDuration } from '../duration.js';
import { isOperationInProgress, type ArgoCdClient } from './client.js';
import { observeApplication } from './observe.js';
import {
  describeApplicationState,
  evaluateDeployment,
  evaluateRollback,
  type DeployTarget,
  type RollbackTarget,
} from './verdict.js';
import { isCompletedPhase, type Application, type ApplicationTree, type ResourceNode } from './types.js';

export interface WaitLogger {
  /** A state change or a notice. */
  info(message: string): void;
}

export interface WaitOptions {
  timeoutMs: number;
  /** After the target is live, keep watching this long and fail if it degrades. Default 0. */
  stableForMs?: number;
  mode?: 'stream' | 'poll';
  pollIntervalMs?: number;
  /** Heartbeat period. Default 30 s. */
  heartbeatMs?: number;
  log: WaitLogger;
  signal?: AbortSignal;
  /** How the timeout is named in the error (default: `timeoutMs` formatted), e.g. the user's whole budget. */
  timeoutDescription?: string;
}

/** The sync or health failure of a deployment (as opposed to a timeout). */
export class DeploymentFailedError extends PavedError {
  override name = 'DeploymentFailedError';
  constructor(
    message: string,
    readonly application: Application | undefined,
  ) {
    super(message);
  }
}

/** Non-healthy nodes of a resource tree, as `Kind/name (Health): message`, workloads first. */
export function unhealthyResources(tree: ApplicationTree | undefined): string[] {
  const nodes: ResourceNode[] = tree?.nodes ?? [];
  return nodes
    .filter((node) => node.health?.status && node.health.status !== 'Healthy')
    .map(
      (node) =>
        `${node.kind}/${node.name} (${node.health?.status})${node.health?.message ? `: ${node.health.message}` : ''}`,
    );
}

interface Watched {
  latest: Application | undefined;
  changed: () => void;
}

/**
 * Watch `name` until `evaluate` says done or failed, or `timeoutMs` passes. Logs a line per state change
 * and a heartbeat with the elapsed time. Returns the application in its final state.
 */
export async function waitForApplication(
  client: ArgoCdClient,
  name: string,
  evaluate: (app: Application) => { state: 'waiting' | 'done' | 'failed'; reason?: string },
  options: WaitOptions & { what: string },
): Promise<Application> {
  const started = Date.now();
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const watched: Watched = { latest: undefined, changed: () => undefined };
  let lastLine = '';
  let outcome: { state: 'done' | 'failed'; reason?: string } | undefined;
  let resolveOutcome: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (resolveOutcome = resolve));

  const onApplication = (app: Application): void => {
    watched.latest = app;
    const verdict = evaluate(app);
    const line = `${describeApplicationState(app)}${verdict.state === 'waiting' && verdict.reason ? ` — ${verdict.reason}` : ''}`;
    if (line !== lastLine) {
      lastLine = line;
      options.log.info(`[${formatDuration(Date.now() - started)}] ${name}: ${line}`);
    }
    if (verdict.state !== 'waiting' && !outcome) {
      outcome = { state: verdict.state, reason: verdict.reason };
      resolveOutcome();
    }
  };

  const heartbeat = setInterval(() => {
    options.log.info(
      `… still waiting for ${options.what} (${formatDuration(Date.now() - started)} elapsed): ${lastLine || 'no state yet'}`,
    );
  }, options.heartbeatMs ?? 30_000);
  const timer = setTimeout(() => resolveOutcome(), options.timeoutMs);
  let observerError: unknown;
  const observer = observeApplication(client, name, onApplication, {
    signal: controller.signal,
    mode: options.mode,
    pollIntervalMs: options.pollIntervalMs,
    onNotice: (message) => options.log.info(`${name}: ${message}`),
  }).catch((error: unknown) => {
    observerError = error;
    resolveOutcome();
  });
  try {
    await settled;
  } finally {
    clearInterval(heartbeat);
    clearTimeout(timer);
    controller.abort();
    options.signal?.removeEventListener('abort', onOuterAbort);
    await observer;
  }
  if (observerError) throw observerError;
  if (options.signal?.aborted) throw new PavedError(`waiting for ${options.what} was cancelled`);
  if (outcome?.state === 'done') return watched.latest as Application;
  const tree = await client.resourceTree(name).catch(() => undefined);
  const unhealthy = unhealthyResources(tree);
  const details = unhealthy.length
    ? `\nResources that are not healthy:\n${unhealthy.map((r) => `  - ${r}`).join('\n')}`
    : '';
  if (outcome?.state === 'failed') {
    throw new DeploymentFailedError(`${name}: ${outcome.reason ?? 'failed'}${details}`, watched.latest);
  }
  const last = watched.latest ? describeApplicationState(watched.latest) : 'no state received';
  throw new TimeoutError(
    `${name}: timed out after ${options.timeoutDescription ?? formatDuration(options.timeoutMs)} waiting for ${options.what}; last state ${last}${
      lastLine.includes(' — ') ? ` (${lastLine.split(' — ')[1]})` : ''
    }${details}`,
  );
}

/**
 * Wait until `target.revision` is live (see {@link evaluateDeployment}), then hold for `stableForMs` and
 * fail if it stops being Synced/Healthy on that revision meanwhile.
 */
export async function waitForDeployment(
  client: ArgoCdClient,
  name: string,
  target: DeployTarget,
  options: WaitOptions,
): Promise<Application> {
  const short = target.revision.slice(0, 7);
  const live = await waitForApplication(client, name, (app) => evaluateDeployment(app, target), {
    ...options,
    what: `revision ${short} to be Synced and Healthy`,
  });
  const stableForMs = options.stableForMs ?? 0;
  if (stableForMs <= 0) return live;
  options.log.info(
    `${name}: live on ${short}; checking that it stays Healthy for ${formatDuration(stableForMs)}`,
  );
  let final = live;
  try {
    await waitForApplication(
      client,
      name,
      (app) => {
        final = app;
        const verdict = evaluateDeployment(app, { ...target, requireOperation: false });
        if (verdict.state === 'done') return { state: 'waiting' };
        return {
          state: 'failed',
          reason: `it stopped being Synced/Healthy on ${short} within stable-for: ${describeApplicationState(app)}`,
        };
      },
      { ...options, timeoutMs: stableForMs, what: `${formatDuration(stableForMs)} of stability` },
    );
  } catch (error) {
    if (error instanceof TimeoutError) return final;
    throw error;
  }
  return final;
}

/**
 * Wait until a requested rollback is live and Healthy (see {@link evaluateRollback}). Once the operation has
 * succeeded, a `?refresh` GET makes the controller reconcile and blocks until it has (API-NOTES §3): every
 * state from then on reflects the rolled-back pods. Waiting for the controller's own post-operation refresh
 * instead would need timestamps to tell it apart from the reconcile before, and one that lands before the
 * watch starts produces no later event to wait for.
 */
export async function waitForRollback(
  client: ArgoCdClient,
  name: string,
  target: Omit<RollbackTarget, 'reconciledAfterOperation'>,
  options: WaitOptions,
): Promise<Application> {
  const deadline = Date.now() + options.timeoutMs;
  const what = `the rollback to ${target.revision.slice(0, 7)} to be live and Healthy`;
  const remaining = (): number => Math.max(1000, deadline - Date.now());
  await waitForApplication(
    client,
    name,
    (app) => {
      const verdict = evaluateRollback(app, { ...target, reconciledAfterOperation: false });
      return verdict.state === 'waiting' && verdict.needsReconcile ? { state: 'done' } : verdict;
    },
    { ...options, timeoutMs: remaining(), what },
  );
  await client.getApplication(name, { refresh: 'normal' });
  return waitForApplication(
    client,
    name,
    (app) => evaluateRollback(app, { ...target, reconciledAfterOperation: true }),
    { ...options, timeoutMs: remaining(), what },
  );
}

/**
 * Start an operation (sync or rollback). When Argo CD answers "another operation is already in progress"
 * (an auto-sync the push triggered, another pipeline, a person in the UI), wait for that operation to end
 * and try again, instead of failing as `argocd app sync` does (argoproj/argo-cd#4505, #20372).
 */
export async function startOperationWhenFree(
  client: ArgoCdClient,
  name: string,
  start: () => Promise<Application>,
  options: {
    timeoutMs: number;
    log: WaitLogger;
    mode?: 'stream' | 'poll';
    pollIntervalMs?: number;
    signal?: AbortSignal;
  },
): Promise<Application> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      return await start();
    } catch (error) {
      if (!isOperationInProgress(error)) throw error;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new TimeoutError(
          `${name}: another operation was still in progress after ${formatDuration(options.timeoutMs)}: ${messageOf(error)}`,
        );
      }
      const current = await client.getApplication(name).catch(() => undefined);
      const who = describeOperation(current);
      options.log.info(
        `${name}: another operation is already in progress${who}; waiting for it to finish before starting ours`,
      );
      await waitForApplication(
        client,
        name,
        (app) =>
          !app.operation && (!app.status?.operationState || isCompletedPhase(app.status.operationState.phase))
            ? { state: 'done' }
            : { state: 'waiting', reason: 'another operation is running' },
        { ...options, timeoutMs: remaining, what: 'the running operation to finish' },
      );
    }
  }
}

function describeOperation(app: Application | undefined): string {
  const op = app?.status?.operationState;
  const initiator = op?.operation.initiatedBy ?? app?.operation?.initiatedBy;
  const by = initiator?.automated ? 'auto-sync' : initiator?.username;
  const revision = op?.operation.sync?.revision ?? app?.operation?.sync?.revision;
  const parts = [by ? `started by ${by}` : '', revision ? `for ${revision.slice(0, 7)}` : ''].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
