/**
 * Whether to notify at all: the `when` filter (always, success, failure, or change against the
 * previous run's status) and the branch filter. Pure.
 */
import { outcomeOf, type Outcome, type Stage, type Status } from './pipeline.js';

export const WHEN = ['always', 'success', 'failure', 'change'] as const;
export type When = (typeof WHEN)[number];
export const PREVIOUS_STATUSES = ['success', 'failure', 'cancelled', 'skipped'] as const;
export type PreviousStatus = (typeof PREVIOUS_STATUSES)[number];

export interface Decision {
  send: boolean;
  /** Why not, for the log: `when: failure, and deploy succeeded`. */
  reason: string;
}

function previousOutcome(status: PreviousStatus): Outcome {
  return status === 'success' ? 'success' : status === 'failure' ? 'failure' : 'neutral';
}

export function decideByStatus(
  when: When,
  stage: Stage,
  status: Status,
  previous: PreviousStatus | undefined,
): Decision {
  const outcome = outcomeOf(stage, status);
  switch (when) {
    case 'always':
      return { send: true, reason: 'when: always' };
    case 'success':
    case 'failure':
      return outcome === when
        ? { send: true, reason: `when: ${when}` }
        : { send: false, reason: `when: ${when}, and ${stage} is ${status}` };
    case 'change': {
      // A first run (no previous status) counts as a change, so a new pipeline announces itself once.
      if (previous === undefined)
        return { send: true, reason: 'when: change, and there is no previous status' };
      const before = previousOutcome(previous);
      return before !== outcome
        ? { send: true, reason: `when: change, ${previous} → ${status}` }
        : { send: false, reason: `when: change, and the outcome is ${status} as before (${previous})` };
    }
  }
}

/** A branch glob as in GitHub's `on.push.branches`: `*` stops at `/`, `**` crosses it, `?` one character. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Patterns in order, `!` negating, the last match winning (GitHub's rule). An empty list allows every
 * branch; a list of only negations allows everything they do not exclude.
 */
export function decideByBranch(patterns: readonly string[], branch: string | undefined): Decision {
  if (patterns.length === 0) return { send: true, reason: 'no branch filter' };
  if (branch === undefined)
    return { send: false, reason: 'branches is set, and this run is not on a branch or tag' };
  let allowed = patterns.every((p) => p.startsWith('!'));
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(branch)) allowed = !negated;
  }
  return allowed
    ? { send: true, reason: `branch ${branch} matches branches` }
    : { send: false, reason: `branch ${branch} does not match branches (${patterns.join(', ')})` };
}
