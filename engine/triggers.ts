/**
 * Whether GitHub would start a workflow for an event: the `on.<event>` filters (`branches`,
 * `branches-ignore`, `tags`, `tags-ignore`, `paths`, `paths-ignore`, activity `types`, and
 * `workflow_run`'s `workflows`) evaluated against the event payload, following GitHub's "Events that
 * trigger workflows" and "Workflow syntax: filter pattern cheat sheet".
 *
 * Changed paths are asked for only when a paths filter needs them (see changed-files.ts).
 */
import { DEFAULT_TYPES } from './activity-types.js';
import type { ChangedFiles } from './changed-files.js';

export type { ChangedFiles } from './changed-files.js';

/** The filters of one event as `@actions/workflow-parser` converts them (`template.events[name]`). */
export type EventFilters = Record<string, unknown>;

/** `note`: why a filter was not applied although it is declared (the user may expect a skip). */
export type TriggerDecision = { run: true; note?: string } | { run: false; reason: string };

/**
 * GitHub compares a paths filter with the first 300 files of the diff only: "If there are files
 * changed that aren't matched in the first 300 files returned by the filter, the workflow will not
 * run" (Workflow syntax, "Git diff comparisons").
 */
export const DIFF_FILE_LIMIT = 300;

/** A filter pattern that cannot be compiled: the workflow is invalid. */
export class FilterPatternError extends Error {
  override name = 'FilterPatternError';
}

/**
 * A filter pattern as a regular expression. `*` is any run of characters but `/`, `**` any run at all
 * (`a/**\/b` and a leading `**\/` also match zero directories), `?` and `+` make the preceding
 * character optional or repeatable, `[...]` is a character set, and `\` escapes the next character.
 */
export function patternToRegExp(pattern: string): RegExp {
  let source = '';
  // Whether the last thing written is one character or set that `?` or `+` may quantify; after a
  // wildcard or another quantifier (`*+`, `a??`) they can only be literal characters.
  let quantifiable = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i] as string);
      quantifiable = true;
      continue;
    }
    if (char === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        // `**/` matches zero or more whole directories (`docs/**/*.md` matches docs/README.md).
        if (pattern[i + 1] === '/' && (i === 1 || pattern[i - 2] === '/')) {
          i++;
          source += '(?:.*/)?';
        } else source += '.*';
      } else source += '[^/]*';
      quantifiable = false;
      continue;
    }
    if (char === '?' || char === '+') {
      // A quantifier of the preceding character; where there is none it can only be literal.
      source += quantifiable ? char : escapeRegExp(char);
      quantifiable = !quantifiable;
      continue;
    }
    if (char === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += escapeRegExp(char);
    quantifiable = true;
  }
  try {
    return new RegExp(`^${source}$`);
  } catch (error) {
    throw new FilterPatternError(`the filter pattern '${pattern}' is not valid: ${(error as Error).message}`);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Whether `name` is selected by an ordered pattern list: each matching pattern decides, so a later
 * `!pattern` excludes what an earlier one included and a later positive pattern includes it again.
 */
export function matchesPatterns(name: string, patterns: string[]): boolean {
  let selected = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (patternToRegExp(negated ? pattern.slice(1) : pattern).test(name)) selected = !negated;
  }
  return selected;
}

function list(filters: EventFilters, key: string): string[] | undefined {
  const value = filters[key];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

const show = (patterns: string[]): string => `[${patterns.join(', ')}]`;

/** Check a name against a select list and an ignore list of the same kind (`branches`/`branches-ignore`). */
function checkNames(
  what: string,
  name: string,
  filters: EventFilters,
  event: string,
  key: string,
): string | undefined {
  const selected = list(filters, key);
  const ignored = list(filters, `${key}-ignore`);
  if (selected && !matchesPatterns(name, selected))
    return `${what} does not match on.${event}.${key} ${show(selected)}`;
  if (ignored && matchesPatterns(name, ignored))
    return `${what} matches on.${event}.${key}-ignore ${show(ignored)}`;
  return undefined;
}

function checkPaths(event: string, filters: EventFilters, changed: () => ChangedFiles): TriggerDecision {
  const paths = list(filters, 'paths');
  const ignored = list(filters, 'paths-ignore');
  if (!paths && !ignored) return { run: true };
  const { files: all, compared, unfiltered } = changed();
  if (unfiltered)
    return { run: true, note: `on.${event}.${paths ? 'paths' : 'paths-ignore'} not applied: ${unfiltered}` };
  const files = all.slice(0, DIFF_FILE_LIMIT);
  const count =
    all.length > DIFF_FILE_LIMIT
      ? `first ${DIFF_FILE_LIMIT} of the ${all.length} changed files (${compared}; GitHub compares only the first ${DIFF_FILE_LIMIT})`
      : `${all.length} changed file${all.length === 1 ? '' : 's'} (${compared})`;
  if (paths && !files.some((file) => matchesPatterns(file, paths)))
    return { run: false, reason: `none of the ${count} matches on.${event}.paths ${show(paths)}` };
  if (ignored && files.every((file) => matchesPatterns(file, ignored)))
    return {
      run: false,
      reason:
        files.length === 0
          ? `there are no changed files (${compared}) outside on.${event}.paths-ignore ${show(ignored)}`
          : `every one of the ${count} matches on.${event}.paths-ignore ${show(ignored)}`,
    };
  return { run: true };
}

const ZERO_SHA = /^0{40}$/;

/** A push that deletes its ref: `deleted: true`, or `after` all zeros. */
export function isDeletePush(payload: Record<string, unknown>): boolean {
  return (
    payload['deleted'] === true || (typeof payload['after'] === 'string' && ZERO_SHA.test(payload['after']))
  );
}

function checkTypes(
  event: string,
  filters: EventFilters,
  payload: Record<string, unknown>,
): string | undefined {
  const declared = list(filters, 'types');
  const types = declared ?? DEFAULT_TYPES[event];
  const action = payload['action'];
  // repository_dispatch always carries its caller's event_type; a synthetic one has none to match.
  if (declared && event === 'repository_dispatch' && typeof action !== 'string')
    return `the repository_dispatch event has no event type (action) to match on.repository_dispatch.types ${show(declared)}; pass --activity with one of them`;
  // Otherwise a payload without an activity (an --eventpath payload that lacks one) is not filtered.
  if (!types || typeof action !== 'string') return undefined;
  if (types.includes(action)) return undefined;
  return `the ${event} activity '${action}' is not in on.${event}.types ${show(types)}${declared ? '' : " (GitHub's default)"}`;
}

const SKIP_TOKENS = ['[skip ci]', '[ci skip]', '[no ci]', '[skip actions]', '[actions skip]'];

/**
 * The skip instruction in a commit message, if any ("Skipping workflow runs"): one of
 * `[skip ci]`, `[ci skip]`, `[no ci]`, `[skip actions]`, `[actions skip]` anywhere in it, or a
 * `skip-checks:true` / `skip-checks: true` trailer — "The trailers section should be included at the
 * end of your commit message and be preceded by two empty lines. If you already have other trailers
 * in your commit message, `skip-checks` should be last."
 */
export function skipInstruction(message: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  const token = SKIP_TOKENS.find((t) => message.includes(t));
  if (token) return token;
  const trailer = /\n\n\n(?:[^\n]*\S[^\n]*\n)*(skip-checks: ?true)$/.exec(message.replace(/\s+$/, ''));
  return trailer ? `a '${trailer[1]}' trailer` : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Decide whether `event` (with `payload` and the resolved `ref`) starts a workflow whose
 * `on.<event>` has `filters`. `changed` is called only when a paths filter is present, `headMessage`
 * (the message of the pushed head commit, or of the pull request's head commit) only for push and
 * pull_request.
 */
export function evaluateTrigger(
  event: string,
  filters: EventFilters | undefined,
  payload: Record<string, unknown>,
  ref: string,
  changed: () => ChangedFiles,
  headMessage: () => string | undefined = () => undefined,
): TriggerDecision {
  const f = filters ?? {};
  const decide = (reason: string | undefined): TriggerDecision =>
    reason === undefined ? { run: true } : { run: false, reason };
  const types = checkTypes(event, f, payload);
  if (types) return decide(types);
  // "Workflows that would otherwise be triggered using on: push or on: pull_request won't be
  // triggered if you add any of the following strings to the commit message in a push, or the HEAD
  // commit of a pull request" (Skipping workflow runs); "Skip instructions only apply to the push and
  // pull_request events", not to pull_request_target. A deleting push has no commit.
  if (event === 'pull_request' || (event === 'push' && !isDeletePush(payload))) {
    const skip = skipInstruction(headMessage());
    if (skip)
      return decide(
        `the ${event === 'push' ? 'pushed' : "pull request's head"} commit's message has ${skip.startsWith('[') ? `'${skip}'` : skip}, and GitHub starts no ${event} workflow for it`,
      );
  }
  if (event === 'push') {
    // A push that deletes a branch or tag has no commit to read the workflow from: GitHub Actions
    // starts no push workflow for it, whatever the filters (a `delete` workflow runs instead). The
    // docs say only what a run's GITHUB_SHA/REF would be ("When you delete a branch, the SHA in the
    // workflow run (and its associated refs) reverts to the default branch", Events that trigger
    // workflows → push); that no run is created is observed behaviour since Actions v2, e.g.
    // https://github.com/peaceiris/actions-gh-pages/issues/12. --force runs it with those refs.
    if (isDeletePush(payload))
      return decide(
        `the push deletes ${text(payload['ref']) ?? 'its ref'}, and GitHub starts no push workflow for a deleted branch or tag (on: delete does run)`,
      );
    const isTag = ref.startsWith('refs/tags/');
    const name = ref.replace(/^refs\/(heads|tags)\//, '');
    const branchFilters = list(f, 'branches') ?? list(f, 'branches-ignore');
    const tagFilters = list(f, 'tags') ?? list(f, 'tags-ignore');
    const what = `the push to ${ref}`;
    if (isTag) {
      // With only branch filters, tag pushes do not start the workflow (and vice versa). "Path
      // filters are not evaluated for pushes of tags" (Workflow syntax, on.push.paths).
      if (tagFilters) return decide(checkNames(what, name, f, event, 'tags'));
      if (branchFilters) return decide(`${what} is a tag, and on.push filters branches only`);
      return { run: true };
    }
    if (branchFilters) {
      const reason = checkNames(what, name, f, event, 'branches');
      if (reason) return decide(reason);
    } else if (tagFilters) return decide(`${what} is a branch, and on.push filters tags only`);
    return checkPaths(event, f, changed);
  }
  if (event === 'pull_request' || event === 'pull_request_target') {
    const pr = (payload['pull_request'] ?? {}) as { base?: { ref?: unknown } };
    const base = text(pr.base?.ref) ?? '';
    const reason = checkNames(
      `the pull request into ${base || '(no base branch)'}`,
      base,
      f,
      event,
      'branches',
    );
    if (reason) return decide(reason);
    return checkPaths(event, f, changed);
  }
  if (event === 'workflow_run') {
    const run = (payload['workflow_run'] ?? {}) as { name?: unknown; head_branch?: unknown };
    const workflows = list(f, 'workflows');
    const name = text(run.name);
    if (workflows && name !== undefined && !workflows.some((w) => matchesPatterns(name, [w])))
      return decide(`the run of workflow '${name}' is not in on.workflow_run.workflows ${show(workflows)}`);
    const branch = text(run.head_branch);
    if (branch !== undefined)
      return decide(checkNames(`the workflow run on ${branch}`, branch, f, event, 'branches'));
    return { run: true };
  }
  return { run: true };
}
