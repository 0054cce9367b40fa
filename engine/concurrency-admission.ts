/**
 * Joining a `concurrency:` group for one member of a run: the run itself (workflow level, top level
 * or a called workflow), an ordinary job, or a job that calls a reusable workflow. The group locks are
 * in concurrency.ts; this adds what depends on the run's shape — GitHub's deadlock rule.
 *
 * A run that holds a group (its workflow-level one, a calling job's, a called workflow's) can never
 * let a member nested inside it take the same group: the member would wait for its own ancestor.
 * GitHub cancels that member at once with "Canceling since a deadlock was detected for concurrency
 * group: '<group>' between a top level workflow and '<name>'" (seen with `${{ github.workflow }}`
 * groups, which inside a called workflow name the caller). Members that are not nested — sibling
 * jobs, matrix legs, separate runs — queue as usual.
 */
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { concurrencySpec, groupKey, supersededMessage, type ConcurrencyLease } from './concurrency.js';
import type { RunShared } from './context.js';
import type { ExpressionScope } from './expressions.js';

/** GitHub's message for a nested member asking for a group its own run already holds. */
export function deadlockMessage(group: string, name: string): string {
  return `Canceling since a deadlock was detected for concurrency group: '${group}' between a top level workflow and '${name}'`;
}

/** The groups a nested scope inherits: its ancestors' and the ones just taken. */
export function heldWith(
  held: ReadonlySet<string> | undefined,
  ...groups: Array<string | undefined>
): ReadonlySet<string> {
  const out = new Set(held ?? []);
  for (const group of groups) if (group !== undefined) out.add(groupKey(group));
  return out;
}

export type GroupAdmission =
  /** Runs; `group` is undefined when there is no `concurrency:` (or it evaluated to an empty name). */
  | { lease: ConcurrencyLease | undefined; group: string | undefined }
  /** Concluded `cancelled` before starting: replaced while pending, a deadlock, or the run cancelled. */
  | { cancelled: string }
  /** The `concurrency:` expression could not be evaluated: the member fails. */
  | { failed: string };

/** How a member that was not admitted concludes, and the annotation that says why. */
export function refusal(admission: Exclude<GroupAdmission, { lease: unknown }>): {
  conclusion: 'failure' | 'cancelled';
  message: string;
} {
  return 'failed' in admission
    ? { conclusion: 'failure', message: admission.failed }
    : { conclusion: 'cancelled', message: admission.cancelled };
}

/**
 * Evaluate `token` in `exprScope` and join that group. `held` are the groups the enclosing run holds
 * (a deadlock when the new group is one of them); `name` is the member's name in the deadlock message;
 * `logAs` is where waiting and cancel-in-progress are reported; `label` tells other processes who
 * holds the group. When the lease is later cancelled by a newer request, the annotation is added here.
 */
export async function joinGroup(request: {
  shared: RunShared;
  token: TemplateToken | undefined;
  exprScope: ExpressionScope;
  held: ReadonlySet<string> | undefined;
  name: string;
  logAs: string;
  label: string;
  signal: AbortSignal;
}): Promise<GroupAdmission> {
  const { shared, logAs } = request;
  let spec;
  try {
    spec = concurrencySpec(request.token, request.exprScope);
  } catch (error) {
    return { failed: `concurrency: ${(error as Error).message}` };
  }
  if (!spec) return { lease: undefined, group: undefined };
  if (request.held?.has(groupKey(spec.group)))
    return { cancelled: deadlockMessage(spec.group, request.name) };
  const admitted = await shared.features.groups.acquire(spec, request.label, request.signal, (text) =>
    shared.emit({ kind: 'info', job: logAs, text }),
  );
  if ('cancelled' in admitted) return admitted;
  const group = spec.group;
  admitted.lease.signal.addEventListener(
    'abort',
    () => {
      const message = supersededMessage(group);
      shared.annotations.push({ level: 'error', message, job: logAs });
      shared.emit({ kind: 'command', job: logAs, text: `##[error]${message}` });
    },
    { once: true },
  );
  return { lease: admitted.lease, group };
}
