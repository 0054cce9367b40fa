import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyGroups } from '../../../engine/concurrency.js';

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
});
