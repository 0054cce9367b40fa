import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyGroups, concurrencySpec } from '../../../engine/concurrency.js';
import { parseWorkflowText } from '../../../engine/workflow.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paved-concurrency-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const never = new AbortController().signal;
const spec = { group: 'deploy', cancelInProgress: false };

describe('ConcurrencyGroups', () => {
  it('reclaims the slot of a holder whose process has exited', async () => {
    const groups = new ConcurrencyGroups(dir, 'acme/widgets', 20);
    const first = await groups.acquire(spec, 'first', never, () => undefined);
    if (!('lease' in first)) throw new Error('expected a lease');
    // Replace the holder with a process that is gone: a child that has already exited.
    const groupDir = join(dir, readdirSync(dir)[0] as string);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    writeFileSync(
      join(groupDir, 'running'),
      JSON.stringify({ id: 'gone', pid: Number(dead.stdout), label: 'gone' }),
    );
    const waits: string[] = [];
    const second = await groups.acquire(spec, 'second', never, (m) => waits.push(m));
    expect('lease' in second).toBe(true);
    expect(waits).toEqual([]);
  });

  it('treats group names case-insensitively, as GitHub does', async () => {
    const groups = new ConcurrencyGroups(dir, 'acme/widgets', 20);
    const holder = await groups.acquire({ group: 'Prod', cancelInProgress: false }, 'a', never, () => {});
    if (!('lease' in holder)) throw new Error('expected a lease');
    const abort = new AbortController();
    const waits: string[] = [];
    const other = groups.acquire({ group: 'prod', cancelInProgress: false }, 'b', abort.signal, (m) => {
      waits.push(m);
      abort.abort();
    });
    expect(await other).toEqual({ cancelled: 'The run was canceled' });
    expect(waits).toEqual(["Waiting for the a of the concurrency group 'prod' to finish"]);
    holder.lease.release();
  });

  it('keeps groups of different repositories apart', async () => {
    const a = await new ConcurrencyGroups(dir, 'acme/a', 20).acquire(spec, 'a', never, () => undefined);
    const b = await new ConcurrencyGroups(dir, 'acme/b', 20).acquire(spec, 'b', never, () => undefined);
    expect('lease' in a && 'lease' in b).toBe(true);
  });

  it('lets a cancelled waiter leave without taking the slot, and signals cancel-in-progress to the holder', async () => {
    const groups = new ConcurrencyGroups(dir, 'acme/widgets', 20);
    const holder = await groups.acquire(spec, 'holder', never, () => undefined);
    if (!('lease' in holder)) throw new Error('expected a lease');
    const abort = new AbortController();
    const waiting = groups.acquire(spec, 'waiter', abort.signal, () => abort.abort());
    expect(await waiting).toEqual({ cancelled: 'The run was canceled' });
    const newer = groups.acquire(
      { group: 'deploy', cancelInProgress: true },
      'newer',
      never,
      () => undefined,
    );
    await new Promise<void>((resolve) => holder.lease.signal.addEventListener('abort', () => resolve()));
    holder.lease.release();
    const admitted = await newer;
    expect('lease' in admitted).toBe(true);
  });

  // "GitHub Actions concurrency groups now allow larger queues" (changelog, 2026-05-07): with
  // `queue: max` up to 100 jobs or runs wait in a group and run in order, instead of a newer pending
  // one cancelling the older.
  it('with queue: max keeps every waiter and admits them in the order they came', async () => {
    const groups = new ConcurrencyGroups(dir, 'acme/widgets', 10);
    const queued = { group: 'deploy', cancelInProgress: false, queue: 'max' as const };
    const holder = await groups.acquire(queued, 'holder', never, () => undefined);
    if (!('lease' in holder)) throw new Error('expected a lease');
    const order: string[] = [];
    const waits: string[] = [];
    const waiters = ['first', 'second', 'third'].map(async (label) => {
      const admitted = await groups.acquire(queued, label, never, (m) => waits.push(m));
      if (!('lease' in admitted)) throw new Error(`${label} was cancelled: ${admitted.cancelled}`);
      order.push(label);
      await new Promise((resolve) => setTimeout(resolve, 30));
      admitted.lease.release();
    });
    // Each takes its ticket before the next asks (tickets sort by when they were taken).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBe(
      "Waiting in the queue of the concurrency group 'deploy' (0 ahead of this one, behind the holder)",
    );
    holder.lease.release();
    await Promise.all(waiters);
    expect(order).toEqual(['first', 'second', 'third']);
  });

  it('without queue: max a newer pending request still displaces the older one', async () => {
    const groups = new ConcurrencyGroups(dir, 'acme/widgets', 10);
    const holder = await groups.acquire(spec, 'holder', never, () => undefined);
    if (!('lease' in holder)) throw new Error('expected a lease');
    const older = groups.acquire(spec, 'older', never, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const newer = groups.acquire(spec, 'newer', never, () => undefined);
    expect(await older).toEqual({
      cancelled: "Canceling since a higher priority waiting request for 'deploy' exists",
    });
    holder.lease.release();
    const admitted = await newer;
    expect('lease' in admitted).toBe(true);
    if ('lease' in admitted) admitted.lease.release();
  });

  it('with queue: max keeps at most 100 waiting: the oldest waiter gives way to the 101st', async () => {
    const groups = new ConcurrencyGroups(dir, 'acme/widgets', 10);
    const queued = { group: 'deploy', cancelInProgress: false, queue: 'max' as const };
    const holder = await groups.acquire(queued, 'holder', never, () => undefined);
    if (!('lease' in holder)) throw new Error('expected a lease');
    const abort = new AbortController();
    const waiters = [];
    for (let i = 0; i < 101; i++) {
      waiters.push(groups.acquire(queued, `w${i}`, abort.signal, () => undefined));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(await waiters[0]).toEqual({
      cancelled: "Canceling since a higher priority waiting request for 'deploy' exists",
    });
    abort.abort();
    await Promise.all(waiters);
    holder.lease.release();
  });

  it('refuses queue: max with cancel-in-progress, which GitHub allows only without it', async () => {
    const concurrency = async (lines: string[]) =>
      (
        await parseWorkflowText(
          'w.yml',
          [
            'on: push',
            'concurrency:',
            ...lines.map((line) => `  ${line}`),
            'jobs:',
            '  a:',
            '    runs-on: x',
            '    steps:',
            '      - run: "true"',
          ].join('\n'),
        )
      ).concurrency;
    const both = await concurrency(['group: deploy', 'cancel-in-progress: true', 'queue: max']);
    expect(() => concurrencySpec(both, { contexts: {} })).toThrow(
      "'queue: max' cannot be used with 'cancel-in-progress: true'",
    );
    const queued = await concurrency(['group: deploy', 'queue: max']);
    expect(concurrencySpec(queued, { contexts: {} })).toEqual({
      group: 'deploy',
      cancelInProgress: false,
      queue: 'max',
    });
  });
});
