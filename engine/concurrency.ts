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
 * A `running` or `pending` file whose pid is no longer alive is stale and reclaimed.
 */
import { randomUUID, createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
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
}

/** `concurrency:` (a group name, or `group` and `cancel-in-progress`) evaluated; undefined when absent. */
export function concurrencySpec(
  token: TemplateToken | undefined,
  scope: ExpressionScope,
): ConcurrencySpec | undefined {
  if (!token) return undefined;
  let group: string;
  let cancelInProgress = false;
  if (token instanceof MappingToken) {
    group = asString(evaluateToken(token.find('group'), scope));
    const cancel = token.find('cancel-in-progress');
    if (cancel) cancelInProgress = isTruthy(evaluateToken(cancel, scope));
  } else group = asString(evaluateToken(token, scope));
  group = group.trim();
  return group ? { group, cancelInProgress } : undefined;
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
