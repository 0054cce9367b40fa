/**
 * Retry with exponential backoff and full jitter (delay drawn uniformly from 0 to min(cap, base·2ⁿ)),
 * bounded by both an attempt count and a total time budget. A server's Retry-After wins over the
 * computed delay; if honouring it would overrun the budget we stop and surface the error instead of
 * sleeping past the deadline. See https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
import { RemoteError } from './errors.js';

export interface RetryOptions {
  /** Total attempts including the first. Default 5. */
  attempts?: number;
  /** First backoff ceiling in ms. Default 500. */
  baseMs?: number;
  /** Largest computed backoff in ms. Default 30 s. */
  capMs?: number;
  /** Give up when the next wait would end after this many ms since the first attempt. Default 2 min. */
  maxElapsedMs?: number;
  signal?: AbortSignal;
  /** Whether an error is worth another attempt. Default: {@link isRetryable}. */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Called before each wait, e.g. to log `retrying in 1.2s (attempt 2/5)`. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Retryable: RemoteErrors that say so (5xx, 429), and connection resets/timeouts anywhere in the cause chain. */
export function isRetryable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    if (current instanceof RemoteError) return current.retryable;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The server's requested wait (RemoteError.retryAfterMs), if any, anywhere in the chain. */
function retryAfterOf(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 10; depth++) {
    if (current instanceof RemoteError && current.retryAfterMs !== undefined) return current.retryAfterMs;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Parse a Retry-After header: delta-seconds or an HTTP-date. Returns ms (never negative) or undefined. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The full-jitter delay before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Run `fn` until it succeeds, the error is not retryable, or attempts/time run out. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const baseMs = options.baseMs ?? 500;
  const capMs = options.capMs ?? 30_000;
  const maxElapsedMs = options.maxElapsedMs ?? 120_000;
  const shouldRetry = options.shouldRetry ?? isRetryable;
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= attempts || options.signal?.aborted || !shouldRetry(error, attempt)) throw error;
      const requested = retryAfterOf(error);
      const delayMs = requested ?? backoffDelay(attempt, baseMs, capMs, options.random);
      if (now() - started + delayMs > maxElapsedMs) throw error;
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, options.signal);
    }
  }
}
