/**
 * Whether GitHub would start a workflow for an event: the `on.<event>` filters (`branches`,
 * `branches-ignore`, `tags`, `tags-ignore`, `paths`, `paths-ignore`, activity `types`, and
 * `workflow_run`'s `workflows`) evaluated against the event payload, following GitHub's "Events that
 * trigger workflows" and "Workflow syntax: filter pattern cheat sheet".
 *
 * Changed paths are asked for only when a paths filter needs them (see {@link changedFilesFor}).
 */
import { spawnSync } from 'node:child_process';

/** The filters of one event as `@actions/workflow-parser` converts them (`template.events[name]`). */
export type EventFilters = Record<string, unknown>;

export type TriggerDecision = { run: true } | { run: false; reason: string };

/** The default activity types of the events that have defaults narrower than "all" (GitHub's docs). */
const DEFAULT_TYPES: Record<string, string[]> = {
  pull_request: ['opened', 'synchronize', 'reopened'],
  pull_request_target: ['opened', 'synchronize', 'reopened'],
  workflow_run: ['completed', 'requested'],
};

/**
 * A filter pattern as a regular expression. `*` is any run of characters but `/`, `**` any run at all
 * (`a/**\/b` and a leading `**\/` also match zero directories), `?` and `+` make the preceding
 * character optional or repeatable, `[...]` is a character set, and `\` escapes the next character.
 */
export function patternToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i] as string);
    } else if (char === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        // `**/` matches zero or more whole directories (`docs/**/*.md` matches docs/README.md).
        if (pattern[i + 1] === '/' && (i === 1 || pattern[i - 2] === '/')) {
          i++;
          source += '(?:.*/)?';
        } else source += '.*';
      } else source += '[^/]*';
    } else if (char === '?' || char === '+') {
      // A quantifier of the preceding character; at the start it can only be literal.
      source += source === '' ? escapeRegExp(char) : char;
    } else if (char === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`);
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

/** What a paths filter is compared with: the changed files and a description of the comparison. */
export interface ChangedFiles {
  files: string[];
  /** e.g. `HEAD~1..HEAD` or `merge-base(main, HEAD)..HEAD`. */
  compared: string;
}

function checkPaths(event: string, filters: EventFilters, changed: () => ChangedFiles): string | undefined {
  const paths = list(filters, 'paths');
  const ignored = list(filters, 'paths-ignore');
  if (!paths && !ignored) return undefined;
  const { files, compared } = changed();
  const count = `${files.length} changed file${files.length === 1 ? '' : 's'} (${compared})`;
  if (paths && !files.some((file) => matchesPatterns(file, paths)))
    return `none of the ${count} matches on.${event}.paths ${show(paths)}`;
  if (ignored && files.every((file) => matchesPatterns(file, ignored)))
    return files.length === 0
      ? `there are no changed files (${compared}) outside on.${event}.paths-ignore ${show(ignored)}`
      : `every one of the ${count} matches on.${event}.paths-ignore ${show(ignored)}`;
  return undefined;
}

function checkTypes(
  event: string,
  filters: EventFilters,
  payload: Record<string, unknown>,
): string | undefined {
  const declared = list(filters, 'types');
  const types = declared ?? DEFAULT_TYPES[event];
  const action = payload['action'];
  // A payload without an activity (a synthetic one for an event that has none) is not filtered.
  if (!types || typeof action !== 'string') return undefined;
  if (types.includes(action)) return undefined;
  return `the ${event} activity '${action}' is not in on.${event}.types ${show(types)}${declared ? '' : " (GitHub's default)"}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Decide whether `event` (with `payload` and the resolved `ref`) starts a workflow whose
 * `on.<event>` has `filters`. `changed` is called only when a paths filter is present.
 */
export function evaluateTrigger(
  event: string,
  filters: EventFilters | undefined,
  payload: Record<string, unknown>,
  ref: string,
  changed: () => ChangedFiles,
): TriggerDecision {
  const f = filters ?? {};
  const decide = (reason: string | undefined): TriggerDecision =>
    reason === undefined ? { run: true } : { run: false, reason };
  const types = checkTypes(event, f, payload);
  if (types) return decide(types);
  if (event === 'push') {
    const isTag = ref.startsWith('refs/tags/');
    const name = ref.replace(/^refs\/(heads|tags)\//, '');
    const branchFilters = list(f, 'branches') ?? list(f, 'branches-ignore');
    const tagFilters = list(f, 'tags') ?? list(f, 'tags-ignore');
    const what = `the push to ${ref}`;
    if (isTag) {
      // With only branch filters, tag pushes do not start the workflow (and vice versa); paths
      // filters are not evaluated for tags.
      if (tagFilters) return decide(checkNames(what, name, f, event, 'tags'));
      if (branchFilters) return decide(`${what} is a tag, and on.push filters branches only`);
      return { run: true };
    }
    if (branchFilters) {
      const reason = checkNames(what, name, f, event, 'branches');
      if (reason) return decide(reason);
    } else if (tagFilters) return decide(`${what} is a branch, and on.push filters tags only`);
    return decide(checkPaths(event, f, changed));
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
    return decide(checkPaths(event, f, changed));
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

function git(cwd: string, args: string[]): string | undefined {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return result.status === 0 ? result.stdout : undefined;
}

const isSha = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{40}$/.test(value) && !/^0+$/.test(value);

function commitExists(root: string, rev: string): boolean {
  return git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]) !== undefined;
}

function diffNames(root: string, from: string | undefined, to: string): string[] {
  const out = from
    ? git(root, ['diff', '--name-only', '--no-renames', '-z', from, to])
    : // A root commit: everything in it is new.
      git(root, ['ls-tree', '-r', '--name-only', '-z', to]);
  return (out ?? '').split('\0').filter(Boolean);
}

/**
 * The files a paths filter is compared with, from git in `root`:
 * - push: `before..after` from the payload when `before` is a commit here; otherwise (a synthetic event,
 *   a new branch) the last commit, `after~1..after` (or every file of a root commit);
 * - pull_request: `merge-base(base, head)..head`, the base being `pull_request.base.sha` when it is a
 *   commit here and differs from the head, else the base branch (`origin/<base>`, then `<base>`).
 */
export function changedFilesFor(
  root: string,
  event: string,
  payload: Record<string, unknown>,
  sha: string,
): ChangedFiles {
  if (event === 'pull_request' || event === 'pull_request_target') {
    const pr = (payload['pull_request'] ?? {}) as {
      head?: { sha?: unknown };
      base?: { sha?: unknown; ref?: unknown };
    };
    const head = isSha(pr.head?.sha) && commitExists(root, pr.head.sha) ? pr.head.sha : 'HEAD';
    const baseRef = text(pr.base?.ref);
    const candidates = [
      ...(isSha(pr.base?.sha) && pr.base.sha !== pr.head?.sha ? [pr.base.sha] : []),
      ...(baseRef ? [`refs/remotes/origin/${baseRef}`, `refs/heads/${baseRef}`] : []),
    ];
    const base = candidates.find((rev) => commitExists(root, rev));
    const mergeBase = base ? git(root, ['merge-base', base, head])?.trim() : undefined;
    if (!base || !mergeBase)
      return { files: [], compared: `no base commit for ${baseRef ?? 'the pull request'}` };
    const label = base.replace(/^refs\/(remotes\/|heads\/)/, '');
    return { files: diffNames(root, mergeBase, head), compared: `merge-base(${label}, ${head})..${head}` };
  }
  const after = isSha(payload['after']) && commitExists(root, payload['after']) ? payload['after'] : sha;
  const before = payload['before'];
  if (isSha(before) && commitExists(root, before))
    return { files: diffNames(root, before, after), compared: `${before.slice(0, 7)}..${after.slice(0, 7)}` };
  const parent = commitExists(root, `${after}~1`) ? `${after}~1` : undefined;
  return {
    files: diffNames(root, parent, after),
    compared: parent ? 'HEAD~1..HEAD' : 'the root commit',
  };
}
