/**
 * The activity types of the events that have them (`github.event.action`), as listed in GitHub's
 * "Events that trigger workflows": which ones exist, which ones start a workflow whose `on.<event>`
 * declares no `types`, and which one a synthetic payload (a run without `--eventpath`) stands for.
 */
import { quote } from '../shared/errors.js';
import { EngineUsageError } from './actions.js';

// `opened` first: a synthetic pull request is one that was just opened.
const PULL_REQUEST_TYPES = [
  'opened',
  'assigned',
  'unassigned',
  'labeled',
  'unlabeled',
  'edited',
  'closed',
  'reopened',
  'synchronize',
  'converted_to_draft',
  'ready_for_review',
  'locked',
  'unlocked',
  'review_requested',
  'review_request_removed',
  'auto_merge_enabled',
  'auto_merge_disabled',
  'milestoned',
  'demilestoned',
  'enqueued',
  'dequeued',
];

const CREATED_EDITED_DELETED = ['created', 'edited', 'deleted'];

/** Every activity type of each event that has activity types; the first is the synthetic default. */
const ACTIVITY_TYPES: Record<string, string[]> = {
  branch_protection_rule: CREATED_EDITED_DELETED,
  check_run: ['created', 'rerequested', 'completed', 'requested_action'],
  check_suite: ['completed'],
  discussion: [
    'created',
    'edited',
    'deleted',
    'transferred',
    'pinned',
    'unpinned',
    'labeled',
    'unlabeled',
    'locked',
    'unlocked',
    'category_changed',
    'answered',
    'unanswered',
  ],
  discussion_comment: CREATED_EDITED_DELETED,
  issue_comment: CREATED_EDITED_DELETED,
  issues: [
    'opened',
    'edited',
    'deleted',
    'transferred',
    'pinned',
    'unpinned',
    'closed',
    'reopened',
    'assigned',
    'unassigned',
    'labeled',
    'unlabeled',
    'locked',
    'unlocked',
    'milestoned',
    'demilestoned',
    'typed',
    'untyped',
  ],
  label: CREATED_EDITED_DELETED,
  merge_group: ['checks_requested'],
  milestone: ['created', 'closed', 'opened', 'edited', 'deleted'],
  project: ['created', 'closed', 'reopened', 'edited', 'deleted'],
  project_card: ['created', 'moved', 'converted', 'edited', 'deleted'],
  project_column: ['created', 'updated', 'moved', 'deleted'],
  pull_request: PULL_REQUEST_TYPES,
  pull_request_review: ['submitted', 'edited', 'dismissed'],
  pull_request_review_comment: CREATED_EDITED_DELETED,
  pull_request_target: PULL_REQUEST_TYPES,
  registry_package: ['published', 'updated'],
  release: ['published', 'unpublished', 'created', 'edited', 'deleted', 'prereleased', 'released'],
  watch: ['started'],
  workflow_run: ['completed', 'requested', 'in_progress'],
};

/**
 * The types that start a workflow whose `on.<event>` declares none, where that is narrower than
 * "every type" (GitHub's docs: pull_request's defaults; workflow_run without `types` keeps its
 * original `requested` and `completed`).
 */
export const DEFAULT_TYPES: Record<string, string[]> = {
  pull_request: ['opened', 'synchronize', 'reopened'],
  pull_request_target: ['opened', 'synchronize', 'reopened'],
  workflow_run: ['completed', 'requested'],
};

/** repository_dispatch's activity is the caller's `event_type`: any name, up to 100 characters. */
const CUSTOM_TYPE = /^[^\s]{1,100}$/;

/** Whether `event` has activity types (so its payload carries an `action`). */
export function hasActivityTypes(event: string): boolean {
  return event in ACTIVITY_TYPES || event === 'repository_dispatch';
}

/**
 * The activity a run of `event` stands for: `requested` (from `--activity`) after checking it is one
 * of the event's types, else the type a synthetic payload represents (the event's first), else
 * undefined (an event without activity types, or repository_dispatch without an event type).
 */
export function resolveActivity(event: string, requested: string | undefined): string | undefined {
  const types = ACTIVITY_TYPES[event];
  if (requested === undefined) return types?.[0];
  if (event === 'repository_dispatch') {
    if (!CUSTOM_TYPE.test(requested))
      throw new EngineUsageError(
        `--activity must be a repository_dispatch event type (1 to 100 characters, no spaces); got ${quote(requested)}`,
      );
    return requested;
  }
  if (!types)
    throw new EngineUsageError(
      `--activity ${quote(requested)}: the ${event} event has no activity types; leave --activity out`,
    );
  if (!types.includes(requested))
    throw new EngineUsageError(
      `--activity must be one of the ${event} activity types: ${types.join(', ')}; got ${quote(requested)}`,
    );
  return requested;
}
