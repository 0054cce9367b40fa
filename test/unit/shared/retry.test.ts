import { describe, expect, test } from 'vitest';
import { backoffDelay, isRetryable, parseRetryAfter, retry } from '../../../shared/retry.js';
import { RemoteError } from '../../../shared/errors.js';

const retryable = () => new RemoteError('svc', 'boom', { status: 503, retryable: true });

describe('backoffDelay (full jitter)', () => {
  test.each([
    [1, 0.999, 499],
    [2, 0.999, 999],
    [3, 0.5, 1000],
    [10, 0.999, 29_970],
    [1, 0, 0],
  ])('attempt %d, random %d -> %d', (attempt, random, expected) => {
    expect(backoffDelay(attempt, 500, 30_000, () => random)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  test.each([
    ['3', 3000],
    ['0', 0],
    ['1.5', 1500],
    [' 2 ', 2000],
  ])('seconds %j', (value, ms) => expect(parseRetryAfter(value)).toBe(ms));
  test('HTTP date', () => {
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:27:00 GMT', now)).toBe(0);
  });
  test.each([undefined, null, '', 'soon'])('%j -> undefined', (value) =>
    expect(parseRetryAfter(value)).toBeUndefined(),
  );
});

describe('isRetryable', () => {
  test('RemoteError decides', () => {
    expect(isRetryable(retryable())).toBe(true);
    expect(isRetryable(new RemoteError('svc', 'nope', { status: 404 }))).toBe(false);
  });
  test('connection resets anywhere in the cause chain', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(isRetryable(new Error('fetch failed', { cause: reset }))).toBe(true);
  });
  test('refused connections and plain errors are not retried', () => {
    expect(isRetryable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
  });
});

describe('retry', () => {
  const fakeClock = () => {
    let t = 0;
    const sleeps: number[] = [];
    return {
      sleeps,
      now: () => t,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        t += ms;
      },
    };
  };

  test('succeeds after transient failures, with growing jittered waits', async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await retry(
      async () => {
        calls++;
        if (calls < 3) throw retryable();
        return 'ok';
      },
      { ...clock, random: () => 0.5, baseMs: 100 },
    );
    expect(result).toBe('ok');
    expect(clock.sleeps).toEqual([50, 100]);
  });

  test('stops at the attempt cap and rethrows the last error', async () => {
    const clock = fakeClock();
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw retryable();
        },
        { ...clock, attempts: 3 },
      ),
    ).rejects.toThrow('svc: boom');
    expect(calls).toBe(3);
    expect(clock.sleeps).toHaveLength(2);
  });

  test('does not retry what is not retryable', async () => {
    let calls = 0;
    await expect(
      retry(async () => {
        calls++;
        throw new RemoteError('svc', 'bad request', { status: 400 });
      }),
    ).rejects.toThrow('bad request');
    expect(calls).toBe(1);
  });

  test('Retry-After wins over the computed backoff', async () => {
    const clock = fakeClock();
    let calls = 0;
    await retry(
      async () => {
        if (++calls === 1)
          throw new RemoteError('svc', 'slow down', { status: 429, retryable: true, retryAfterMs: 7000 });
        return 1;
      },
      { ...clock, random: () => 0.9 },
    );
    expect(clock.sleeps).toEqual([7000]);
  });

  test('gives up rather than sleeping past the time budget', async () => {
    const clock = fakeClock();
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new RemoteError('svc', 'wait a minute', {
            status: 429,
            retryable: true,
            retryAfterMs: 60_000,
          });
        },
        { ...clock, maxElapsedMs: 10_000 },
      ),
    ).rejects.toThrow('wait a minute');
    expect(calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  test('an aborted signal stops further attempts', async () => {
    const controller = new AbortController();
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          controller.abort(new Error('cancelled'));
          throw retryable();
        },
        { signal: controller.signal },
      ),
    ).rejects.toThrow('svc: boom');
    expect(calls).toBe(1);
  });

  test('onRetry sees each wait', async () => {
    const clock = fakeClock();
    const seen: number[] = [];
    let calls = 0;
    await retry(
      async () => {
        if (++calls < 3) throw retryable();
      },
      { ...clock, random: () => 0, onRetry: ({ attempt }) => seen.push(attempt) },
    );
    expect(seen).toEqual([1, 2]);
  });
});
