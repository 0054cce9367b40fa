/**
 * The files a `paths`/`paths-ignore` filter is compared with, from git in the repository, following
 * GitHub's "Workflow syntax: on.<push|pull_request>.<paths|paths-ignore>" (its "Git diff comparisons"):
 * two-dot diffs for pushes, three-dot (merge-base) diffs for pull requests, and a push of more than
 * 1,000 commits or a diff that cannot be generated always runs:
 * https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#git-diff-comparisons
 *
 * A local run executes the working tree, so when the compared range ends at HEAD the uncommitted
 * changes (staged, unstaged, and untracked files that are not ignored) count as changed too.
 */
import { spawnSync } from 'node:child_process';

/** What a paths filter is compared with: the changed files and a description of the comparison. */
export interface ChangedFiles {
  /** Every changed path, in git's order (the order GitHub's diff lists them in). */
  files: string[];
  /** e.g. `HEAD~1..HEAD`, `merge-base(main, HEAD)..HEAD`, `… plus uncommitted changes`. */
  compared: string;
  /** Set when GitHub would not evaluate paths filters for this event and always runs: why. */
  unfiltered?: string;
}

/** A push of more commits than this always runs, whatever its paths filters say (GitHub's docs). */
export const PUSH_COMMIT_LIMIT = 1000;

function git(cwd: string, args: string[]): string | undefined {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 256 * 1024 * 1024,
  });
  return result.status === 0 ? result.stdout : undefined;
}

const isSha = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{40}$/.test(value) && !/^0+$/.test(value);

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

const nulList = (out: string): string[] => out.split('\0').filter(Boolean);

function commitOf(root: string, rev: string): string | undefined {
  return git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])?.trim() || undefined;
}

/** The paths that differ between two commits (every file of `to` when `from` is undefined). */
function diffNames(root: string, from: string | undefined, to: string): string[] | undefined {
  const out = from
    ? git(root, ['diff', '--name-only', '--no-renames', '-z', from, to])
    : // A root commit: everything in it is new.
      git(root, ['ls-tree', '-r', '--name-only', '-z', to]);
  return out === undefined ? undefined : nulList(out);
}

/** Staged and unstaged changes against HEAD, and untracked files that are not ignored. */
function uncommittedFiles(root: string): string[] {
  const tracked = git(root, ['diff', '--name-only', '--no-renames', '-z', 'HEAD']) ?? '';
  const untracked = git(root, ['ls-files', '-z', '--others', '--exclude-standard']) ?? '';
  return [...nulList(tracked), ...nulList(untracked)];
}

/** Git lists paths in byte order of the whole path; merged lists keep that order. */
function byGitOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Add the working tree's changes when `end` is the commit checked out (the tree that runs). */
function withWorkingTree(root: string, end: string, changed: ChangedFiles): ChangedFiles {
  if (changed.unfiltered || commitOf(root, 'HEAD') !== commitOf(root, end)) return changed;
  const extra = uncommittedFiles(root);
  if (extra.length === 0) return changed;
  return {
    files: [...new Set([...changed.files, ...extra])].sort(byGitOrder),
    compared: `${changed.compared} plus uncommitted changes`,
  };
}

function cannotDiff(compared: string): ChangedFiles {
  return {
    files: [],
    compared,
    unfiltered: `the diff ${compared} cannot be generated, and GitHub runs the workflow when it cannot generate the diff`,
  };
}

/**
 * The files a push of `base..after` changed (`base` undefined: from the root commit), or no filtering
 * when the push has more commits than GitHub compares.
 */
function pushedRange(root: string, base: string | undefined, after: string, compared: string): ChangedFiles {
  const commits = Number(git(root, ['rev-list', '--count', base ? `${base}..${after}` : after]) ?? 0);
  if (commits > PUSH_COMMIT_LIMIT)
    return {
      files: [],
      compared,
      unfiltered: `the push has ${commits} commits (${compared}), and GitHub runs every push of more than ${PUSH_COMMIT_LIMIT.toLocaleString('en-US')} commits`,
    };
  const files = diffNames(root, base, after);
  return withWorkingTree(root, after, files ? { files, compared } : cannotDiff(compared));
}

/**
 * The oldest commit of a push payload's `commits` that exists here: GitHub lists them oldest first, so
 * the first one found.
 */
function oldestPushedCommit(root: string, commits: unknown): string | undefined {
  if (!Array.isArray(commits)) return undefined;
  for (const commit of commits as { id?: unknown }[]) {
    const id = commit?.id;
    if (isSha(id) && commitOf(root, id)) return id;
  }
  return undefined;
}

/**
 * The files a paths filter is compared with, from git in `root`:
 * - push: `before..after` from the payload when `before` is a commit here; for a push that creates its
 *   branch (`created: true` or `before` all zeros) with a `commits` list, the parent of the oldest listed
 *   commit `..after`; otherwise (a synthetic event, a payload without either) the last commit,
 *   `after~1..after` (or every file of a root commit);
 * - pull_request: `merge-base(base, head)..head`, the base being `pull_request.base.sha` when it is a
 *   commit here and differs from the head, else the base branch (`origin/<base>`, then `<base>`);
 * plus the uncommitted changes when the range ends at HEAD.
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
    const head = isSha(pr.head?.sha) && commitOf(root, pr.head.sha) ? pr.head.sha : 'HEAD';
    const baseRef = text(pr.base?.ref);
    const candidates = [
      ...(isSha(pr.base?.sha) && pr.base.sha !== pr.head?.sha ? [pr.base.sha] : []),
      ...(baseRef ? [`refs/remotes/origin/${baseRef}`, `refs/heads/${baseRef}`] : []),
    ];
    const base = candidates.find((rev) => commitOf(root, rev));
    const mergeBase = base ? git(root, ['merge-base', base, head])?.trim() : undefined;
    if (!base || !mergeBase)
      return { files: [], compared: `no base commit for ${baseRef ?? 'the pull request'}` };
    const label = base.replace(/^refs\/(remotes\/|heads\/)/, '');
    const compared = `merge-base(${label}, ${head})..${head}`;
    const files = diffNames(root, mergeBase, head);
    return withWorkingTree(root, head, files ? { files, compared } : cannotDiff(compared));
  }
  const after = isSha(payload['after']) && commitOf(root, payload['after']) ? payload['after'] : sha;
  const before = payload['before'];
  if (isSha(before) && commitOf(root, before)) {
    return pushedRange(root, before, after, `${before.slice(0, 7)}..${after.slice(0, 7)}`);
  }
  const created = payload['created'] === true || before === '0'.repeat(40);
  const oldest = created ? oldestPushedCommit(root, payload['commits']) : undefined;
  if (oldest) {
    // "Pushes to new branches: A two-dot diff against the parent of the ancestor of the deepest commit
    // pushed": the commits GitHub lists, oldest first, start the diff at the first one's parent.
    const base = commitOf(root, `${oldest}~1`);
    const compared = `new branch: ${base ? base.slice(0, 7) : 'the root commit'}..${after.slice(0, 7)}`;
    return pushedRange(root, base, after, compared);
  }
  const parent = commitOf(root, `${after}~1`) ? `${after}~1` : undefined;
  const compared = parent ? 'HEAD~1..HEAD' : 'the root commit';
  const files = diffNames(root, parent, after);
  return withWorkingTree(root, after, files ? { files, compared } : cannotDiff(compared));
}
