/**
 * A live view of one application: the watch stream when it works, polling when it does not. Proxies and
 * ingress controllers cut or buffer long streams (API-NOTES §7, argoproj/argo-cd#13752), so the stream is
 * reconnected from the last seen resourceVersion, and after repeated failures the observer falls back to
 * GET every `pollIntervalMs`. While streaming, a slow safety poll catches a stream that silently stalls.
 */
import { abortableSleep } from '../retry.js';
import { messageOf } from '../errors.js';
import { ArgoCdError, type ArgoCdClient } from './client.js';
import type { Application } from './types.js';

export interface ObserveOptions {
  signal: AbortSignal;
  /** `stream` (default): watch with polling fallback. `poll`: GET every `pollIntervalMs` only. */
  mode?: 'stream' | 'poll';
  /** Poll period when polling. Default 5 s. */
  pollIntervalMs?: number;
  /** Safety poll while streaming. Default 15 s. */
  streamSafetyPollMs?: number;
  /** Told once when the observer changes how it watches (e.g. falling back to polling). */
  onNotice?: (message: string) => void;
}

/**
 * Call `onApplication` with every new state of `name` until `signal` aborts. Errors that a retry cannot fix
 * (401 with a token, 403, 404) are rethrown; transient ones are absorbed and reported through `onNotice`.
 */
export async function observeApplication(
  client: ArgoCdClient,
  name: string,
  onApplication: (app: Application) => void,
  options: ObserveOptions,
): Promise<void> {
  // An inner signal, so that the safety poll also stops when this function throws.
  const inner = new AbortController();
  const stop = (): void => inner.abort();
  options.signal.addEventListener('abort', stop, { once: true });
  try {
    await observeUntilAborted(client, name, onApplication, { ...options, signal: inner.signal });
  } finally {
    options.signal.removeEventListener('abort', stop);
    inner.abort();
  }
}

async function observeUntilAborted(
  client: ArgoCdClient,
  name: string,
  onApplication: (app: Application) => void,
  options: ObserveOptions,
): Promise<void> {
  const { signal } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
  let lastVersion: string | undefined;
  const deliver = (app: Application): void => {
    const version = app.metadata.resourceVersion;
    if (version !== undefined && version === lastVersion) return;
    lastVersion = version;
    onApplication(app);
  };
  const getOnce = async (): Promise<void> => {
    try {
      deliver(await client.getApplication(name));
    } catch (error) {
      await handleError(client, error, options, `GET of '${name}'`);
    }
  };

  if ((options.mode ?? 'stream') === 'poll') {
    while (!signal.aborted) {
      await getOnce();
      await sleepQuietly(pollIntervalMs, signal);
    }
    return;
  }

  // The safety poll runs beside the stream for the whole wait.
  const safety = (async () => {
    const every = options.streamSafetyPollMs ?? 15_000;
    while (!signal.aborted) {
      await sleepQuietly(every, signal);
      if (!signal.aborted) await getOnce().catch(() => undefined);
    }
  })();

  let failures = 0;
  let polling = false;
  try {
    while (!signal.aborted) {
      if (polling) {
        await getOnce();
        await sleepQuietly(pollIntervalMs, signal);
        // Try the stream again now and then: a proxy hiccup should not cost the whole wait its latency.
        if (++failures % 6 === 0) polling = false;
        continue;
      }
      let received = false;
      try {
        for await (const event of client.watchApplication(name, { signal })) {
          received = true;
          failures = 0;
          if (event.type === 'DELETED') {
            throw new ArgoCdError(client.service, `application '${name}' was deleted while waiting`, {
              status: 404,
              serverMessage: 'deleted',
            });
          }
          deliver(event.application);
        }
        if (signal.aborted) break;
        options.onNotice?.('the watch stream closed; reconnecting');
      } catch (error) {
        if (signal.aborted) break;
        await handleError(client, error, options, 'the watch stream');
        if (!received) failures++;
        if (failures >= 2) {
          polling = true;
          options.onNotice?.(
            `the watch stream is unavailable (${messageOf(error)}); polling every ${Math.round(pollIntervalMs / 1000)}s`,
          );
          await getOnce();
          continue;
        }
      }
      // Like `argocd app wait`, reconnect after a short pause (pkg/apiclient WatchApplicationWithRetry).
      await sleepQuietly(received ? 100 : 1000, signal);
    }
  } finally {
    await safety.catch(() => undefined);
  }
}

async function handleError(
  client: ArgoCdClient,
  error: unknown,
  options: ObserveOptions,
  what: string,
): Promise<void> {
  if (error instanceof ArgoCdError) {
    if (error.kind === 'unauthenticated' && client.canRenewSession) {
      options.onNotice?.('the Argo CD session expired; logging in again');
      await client.renewSession();
      return;
    }
    if (error.kind === 'unauthenticated' || error.kind === 'permission-denied' || error.kind === 'not-found')
      throw error;
  }
  if (options.signal.aborted) return;
  options.onNotice?.(`${what} failed (${messageOf(error)}); retrying`);
}

async function sleepQuietly(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await abortableSleep(ms, signal);
  } catch {
    // aborted: the caller's loop checks the signal
  }
}
