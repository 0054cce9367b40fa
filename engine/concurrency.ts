/**
 * `concurrency:` groups with GitHub's rules ("Control the concurrency of workflows and jobs"): in a
 * group at most one run or job is running and at most one is pending; a newer pending request cancels
 * the older pending one, and with `cancel-in-progress: true` the running one is cancelled too. Both
 * conclude `cancelled` with GitHub's message "Canceling since a higher priority waiting request for
 * '<group>' exists"; a cancelled running job still runs its `always()` steps.
 *
 * Groups hold across the jobs of one run and across `paved run` processes on the same machine: each
 * group is a directory of small files under a per-user state directory —
 * - `running`: the holder (`{id, pid}`), created exclusively (`O_EXCL`), so one process wins;
 * - `pending`: the one waiter, replaced atomically (rename) by a newer one; a waiter that finds another
 *   id there has been superseded;
 * - `cancel-<id>`: written by a newer request with cancel-in-progress; the holder polls for it.
 * - `queue/<ticket>`: with `queue: max`, every waiter has a ticket, named so that tickets sort in the
 *   order they were taken; the first live one takes `running` next ("GitHub Actions concurrency groups
 *   now allow larger queues", 2026-05-07: up to 100 waiting, run in order, only without
 *   cancel-in-progress). GitHub does not say what a 101st waiter does; here it displaces the oldest
 *   waiter, as a newer request displaces the pending one without a queue.
 * A `running`, `pending` or ticket file whose pid is no longer alive is stale and reclaimed.
 */
import { randomUUID, createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { asString, evaluateToken, isTruthy, type ExpressionScope } from './expressions.js';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';

export interface ConcurrencySpec {
  group: string;
  cancelInProgress: boolean;
  /** `queue: max`: wait in line (up to {@link MAX_QUEUE}) instead of displacing the pending request. */
  queue?: 'single' | 'max';
}

/** How many requests may wait in a group with `queue: max`. */
export const MAX_QUEUE = 100;

/** `concurrency:` (a group name, or `group` and `cancel-in-progress`) evaluated; undefined when absent. */
export function concurrencySpec(
  token: TemplateToken | undefined,
  scope: ExpressionScope,
): ConcurrencySpec | undefined {
  if (!token) return undefined;
  let group: string;
  let cancelInProgress = false;
  let queue: 'single' | 'max' = 'single';
  if (token instanceof MappingToken) {
    group = asString(evaluateToken(token.find('group'), scope));
    const cancel = token.find('cancel-in-progress');
    if (cancel) cancelInProgress = isTruthy(evaluateToken(cancel, scope));
    // The schema allows `single` (the default) and `max` only.
    if (asString(evaluateToken(token.find('queue'), scope)) === 'max') queue = 'max';
  } else group = asString(evaluateToken(token, scope));
  group = group.trim();
  if (queue === 'max' && cancelInProgress)
    throw new Error(
      `group '${group}': 'queue: max' cannot be used with 'cancel-in-progress: true' (a queue is only kept when nothing is cancelled)`,
    );
  return group ? { group, cancelInProgress, queue } : undefined;
}

/** Group names are case-insensitive on GitHub: `prod` and `Prod` are one group. */
export function groupKey(group: string): string {
  return group.toLowerCase();
}

/** GitHub's message for a pending or running member of a group that a newer request displaced. */
export function supersededMessage(group: string): string {
  return `Canceling since a higher priority waiting request for '${group}' exists`;
}

/** Where groups are kept: $PAVED_STATE_DIR/concurrency, else $XDG_CACHE_HOME (or ~/.cache)/paved/concurrency. */
export function defaultConcurrencyDir(env: NodeJS.ProcessEnv): string {
  if (env['PAVED_STATE_DIR']) return join(env['PAVED_STATE_DIR'], 'concurrency');
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'paved', 'concurrency');
}

interface Holder {
  id: string;
  pid: number;
  /** Who holds it, for people looking at the directory. */
  label: string;
}

/** The running member of a group: its signal aborts when a newer request cancels it. */
export interface ConcurrencyLease {
  signal: AbortSignal;
  release(): void;
}

export type Admission = { lease: ConcurrencyLease } | { cancelled: string };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class ConcurrencyGroups {
  /**
   * @param dir the state directory shared by every `paved run` of this user
   * @param scopeKey groups are per repository on GitHub: `owner/name`
   */
  constructor(
    readonly dir: string,
    readonly scopeKey: string,
    readonly pollMs = 200,
  ) {}

  private groupDir(group: string): string {
    const key = `${this.scopeKey}\0${groupKey(group)}`;
    const id = createHash('sha256').update(key).digest('hex').slice(0, 32);
    const dir = join(this.dir, id);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** The live holder of `file`, removing it when its process is gone. */
  private read(path: string): Holder | undefined {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
    let holder: Holder | undefined;
    try {
      holder = JSON.parse(text) as Holder;
    } catch {
      // Being written right now (exclusive create, then write): alive unless it stays unreadable.
      const young = (() => {
        try {
          return Date.now() - statSync(path).mtimeMs < 5000;
        } catch {
          return false;
        }
      })();
      if (young) return { id: '', pid: process.pid, label: '' };
      holder = undefined;
    }
    if (holder && typeof holder.pid === 'number' && alive(holder.pid)) return holder;
    try {
      unlinkSync(path);
    } catch {
      // someone else reclaimed it first
    }
    return undefined;
  }

  private tryHold(path: string, me: Holder): boolean {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }

  private writePending(dir: string, me: Holder): void {
    const temp = join(dir, `pending.${me.id}.tmp`);
    writeFileSync(temp, JSON.stringify(me));
    renameSync(temp, join(dir, 'pending'));
  }

  private requestCancel(dir: string): void {
    const holder = this.read(join(dir, 'running'));
    if (holder?.id) writeFileSync(join(dir, `cancel-${holder.id}`), String(process.pid));
  }

  /**
   * Join `spec.group`: resolves with a lease once this request runs, or with the reason it was
   * cancelled while pending (a newer request replaced it, or `signal` aborted).
   */
  async acquire(
    spec: ConcurrencySpec,
    label: string,
    signal: AbortSignal,
    onWait: (message: string) => void,
  ): Promise<Admission> {
    const dir = this.groupDir(spec.group);
    const running = join(dir, 'running');
    const pendingPath = join(dir, 'pending');
    const me: Holder = { id: randomUUID(), pid: process.pid, label };
    if (spec.queue === 'max') return this.queueUp(dir, spec.group, me, signal, onWait);
    if (spec.cancelInProgress) this.requestCancel(dir);
    this.read(running); // reclaims a dead holder's slot
    // With a live pending request already queued, this newer one takes its place rather than jumping it.
    if (!this.read(pendingPath) && this.tryHold(running, me)) return { lease: this.lease(dir, me) };
    this.writePending(dir, me);
    onWait(
      `Waiting for the ${this.read(running)?.label || 'running member'} of the concurrency group '${spec.group}' to finish`,
    );
    for (;;) {
      await sleep(this.pollMs);
      const pending = this.read(pendingPath);
      if (signal.aborted) {
        if (pending?.id === me.id) this.removeIf(pendingPath, me.id);
        return { cancelled: 'The run was canceled' };
      }
      if (pending && pending.id !== me.id) return { cancelled: supersededMessage(spec.group) };
      if (!pending) this.writePending(dir, me);
      if (spec.cancelInProgress) this.requestCancel(dir);
      this.read(running); // reclaims a dead holder's slot
      if (this.tryHold(running, me)) {
        this.removeIf(pendingPath, me.id);
        return { lease: this.lease(dir, me) };
      }
    }
  }

  /** The live tickets of a group's queue, oldest first (dead holders' tickets are removed). */
  private tickets(queueDir: string): Array<{ path: string; holder: Holder }> {
    let names: string[];
    try {
      names = readdirSync(queueDir).filter((name) => !name.endsWith('.tmp'));
    } catch {
      return [];
    }
    const live: Array<{ path: string; holder: Holder }> = [];
    for (const name of names.sort()) {
      const path = join(queueDir, name);
      const holder = this.read(path);
      if (holder) live.push({ path, holder });
    }
    return live;
  }

  /**
   * `queue: max`: take a ticket and wait until it is the oldest live one and `running` is free. A
   * ticket that is removed by someone else (more than {@link MAX_QUEUE} waiting) cancels its waiter.
   */
  private async queueUp(
    dir: string,
    group: string,
    me: Holder,
    signal: AbortSignal,
    onWait: (message: string) => void,
  ): Promise<Admission> {
    const running = join(dir, 'running');
    const queueDir = join(dir, 'queue');
    mkdirSync(queueDir, { recursive: true });
    this.read(running); // reclaims a dead holder's slot
    if (this.tickets(queueDir).length === 0 && this.tryHold(running, me))
      return { lease: this.lease(dir, me) };
    // Sortable across processes: the wall clock, then a high-resolution tie-breaker.
    const ticket = join(
      queueDir,
      `${Date.now().toString().padStart(15, '0')}-${process.hrtime.bigint().toString().padStart(20, '0')}-${me.id}`,
    );
    writeFileSync(`${ticket}.tmp`, JSON.stringify(me));
    renameSync(`${ticket}.tmp`, ticket);
    const waiting = this.tickets(queueDir);
    for (const old of waiting.slice(0, Math.max(0, waiting.length - MAX_QUEUE)))
      this.removeIf(old.path, old.holder.id);
    const ahead = waiting.findIndex((entry) => entry.holder.id === me.id);
    onWait(
      `Waiting in the queue of the concurrency group '${group}' (${ahead} ahead of this one, behind the ${this.read(running)?.label || 'running member'})`,
    );
    for (;;) {
      await sleep(this.pollMs);
      if (signal.aborted) {
        this.removeIf(ticket, me.id);
        return { cancelled: 'The run was canceled' };
      }
      const queue = this.tickets(queueDir);
      if (!queue.some((entry) => entry.holder.id === me.id)) return { cancelled: supersededMessage(group) };
      this.read(running); // reclaims a dead holder's slot
      if (queue[0]?.holder.id === me.id && this.tryHold(running, me)) {
        this.removeIf(ticket, me.id);
        return { lease: this.lease(dir, me) };
      }
    }
  }

  private removeIf(path: string, id: string): void {
    try {
      if ((JSON.parse(readFileSync(path, 'utf8')) as Holder).id === id) unlinkSync(path);
    } catch {
      // gone or replaced
    }
  }

  private lease(dir: string, me: Holder): ConcurrencyLease {
    const controller = new AbortController();
    const cancelFile = join(dir, `cancel-${me.id}`);
    const timer = setInterval(() => {
      if (existsSync(cancelFile)) {
        clearInterval(timer);
        controller.abort();
      }
    }, this.pollMs);
    timer.unref();
    return {
      signal: controller.signal,
      release: () => {
        clearInterval(timer);
        this.removeIf(join(dir, 'running'), me.id);
        try {
          unlinkSync(cancelFile);
        } catch {
          // never asked to cancel
        }
      },
    };
  }
}
