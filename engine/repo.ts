/**
 * The local repository as the `github` context sees it (sha, ref, owner/name from the origin remote),
 * and the per-job workspace: a copy of the working tree (tracked and untracked-but-not-ignored
 * files, uncommitted changes included) with the git history, so the user's checkout is never touched.
 */
import { spawn, spawnSync } from 'node:child_process';
import { constants, existsSync, readFileSync, realpathSync } from 'node:fs';
import {
  copyFile,
  cp,
  link,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

function git(cwd: string, args: string[]): string | undefined {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * One `sh` process that asks git everything a run needs: HEAD and the index, origin, user.name and
 * any `extensions.*`, the branches and tags (for the workspace's clone), the working tree's files and
 * HEAD's commit message (for `[skip ci]`). From Node each process start forks the whole engine (5–10 ms here, on the main thread);
 * from `sh` it costs a fraction of that. Each command's output ends with
 * `\0\0paved-exit=<status>\0`: `ls-files -z` never writes two NULs in a row (no path is empty), so
 * the marker cannot occur inside a section.
 */
const SURVEY_SCRIPT = [
  'end() { printf \'\\0\\0paved-exit=%s\\0\' "$1"; }',
  'git rev-parse --path-format=absolute --git-path index --git-common-dir HEAD --symbolic-full-name HEAD 2>/dev/null; end $?',
  "git config --get-regexp '^(remote\\.origin\\.url|user\\.name|extensions\\..*)$' 2>/dev/null; end $?",
  "git for-each-ref '--format=%(objectname) %(refname)' refs/heads refs/tags refs/remotes/origin/main refs/remotes/origin/master 2>/dev/null; end $?",
  'if [ -n "$1" ]; then git ls-files -z --cached --others --exclude-standard 2>/dev/null; end $?; else end 1; fi',
  'git log -1 --format=%B HEAD 2>/dev/null; end $?',
].join('\n');
const SURVEY_END = /\0\0paved-exit=(\d+)\0/g;

interface Survey {
  revParse: string | undefined;
  config: string;
  refs: string | undefined;
  lsFiles: Buffer | undefined;
  message: string | undefined;
}

function runSurvey(root: string, listFiles: boolean): Promise<Survey> {
  const none: Survey = {
    revParse: undefined,
    config: '',
    refs: undefined,
    lsFiles: undefined,
    message: undefined,
  };
  return new Promise((resolveDone) => {
    const child = spawn('sh', ['-c', SURVEY_SCRIPT, 'sh', listFiles ? '1' : ''], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', () => resolveDone(none));
    child.on('close', () => {
      const out = Buffer.concat(chunks);
      const sections: Array<Buffer | undefined> = [];
      let from = 0;
      // Markers are ASCII, so a latin1 view finds them at the same byte offsets as in the buffer.
      for (const match of out.toString('latin1').matchAll(SURVEY_END)) {
        sections.push(match[1] === '0' ? out.subarray(from, match.index) : undefined);
        from = match.index + match[0].length;
      }
      if (sections.length !== 5) return resolveDone(none);
      const [revParse, config, refs, lsFiles, message] = sections;
      resolveDone({
        revParse: revParse?.toString('utf8').trim(),
        // `git config --get-regexp` exits 1 when nothing matches.
        config: config?.toString('utf8').trim() ?? '',
        refs: refs?.toString('utf8'),
        lsFiles,
        // `%B` is the raw message; `git log` adds one line break after it.
        message: message?.toString('utf8').replace(/\n$/, ''),
      });
    });
  });
}

/** The commit of `branch`: its origin remote-tracking branch, else the local branch. */
export function branchCommit(root: string, branch: string): string | undefined {
  for (const ref of [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`]) {
    const sha = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    if (sha) return sha;
  }
  return undefined;
}

/** The raw message of commit `sha` here, if it is here. */
export function commitMessage(root: string, sha: string): string | undefined {
  const result = spawnSync('git', ['log', '-1', '--format=%B', sha, '--'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return result.status === 0 ? result.stdout.replace(/\n$/, '') : undefined;
}

/**
 * The commit of a full ref here: `refs/heads/<b>` as {@link branchCommit}, any other ref (a tag,
 * annotated or not) as itself.
 */
export function refCommit(root: string, ref: string): string | undefined {
  if (ref.startsWith('refs/heads/')) return branchCommit(root, ref.slice('refs/heads/'.length));
  return git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
}

/**
 * The work tree `dir` is in: the nearest directory at or above it holding `.git` (a directory, or
 * the file a linked worktree or submodule has), as `git rev-parse --show-toplevel` finds it but
 * without a process. When GIT_DIR, GIT_WORK_TREE or GIT_CEILING_DIRECTORIES change git's discovery,
 * git itself is asked.
 */
export function gitTopLevel(dir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['GIT_DIR'] || env['GIT_WORK_TREE'] || env['GIT_CEILING_DIRECTORIES'])
    return git(dir, ['rev-parse', '--show-toplevel']);
  let start: string;
  try {
    start = realpathSync.native(resolve(dir)); // git reports the path with symlinks resolved
  } catch {
    return undefined;
  }
  for (let current = start; ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return current;
    if (dirname(current) === current) return undefined;
  }
}

export interface RepoInfo {
  root: string;
  isGit: boolean;
  sha: string;
  /** `refs/heads/<branch>`, or '' when detached. */
  ref: string;
  branch: string;
  owner: string;
  name: string;
  defaultBranch: string;
  originUrl: string | undefined;
  /** The repository's index file (staged state), copied into each workspace's clone. */
  indexPath: string | undefined;
  actor: string;
  /** HEAD's commit message, when the survey read it. */
  headMessage?: string | undefined;
}

/** `owner/name` from a GitHub-style remote URL (https, ssh or scp-like), else undefined. */
export function repositoryFromUrl(url: string | undefined): { owner: string; name: string } | undefined {
  if (!url) return undefined;
  const match = /[/:]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url.trim());
  if (!match || !match[1] || !match[2]) return undefined;
  return { owner: match[1], name: match[2] };
}

/** sha, HEAD's ref, the index and the common git directory from the survey's `git rev-parse`. */
function parseRevParse(
  out: string | undefined,
): { sha: string; symbolic: string | undefined; indexPath: string; commonDir: string } | undefined {
  const lines = out?.split('\n');
  if (!lines || lines.length !== 4 || !/^[0-9a-f]{40,64}$/.test(lines[2] as string)) return undefined;
  const [indexPath, commonDir, sha, full] = lines as [string, string, string, string];
  return { sha, symbolic: full.startsWith('refs/heads/') ? full : undefined, indexPath, commonDir };
}

/** `<branch>` from the common git directory's refs/remotes/origin/HEAD (a symbolic ref is a file). */
function originHeadFromFile(commonDir: string): string | undefined {
  try {
    const text = readFileSync(join(commonDir, 'refs', 'remotes', 'origin', 'HEAD'), 'utf8').trim();
    const match = /^ref: refs\/remotes\/(origin\/.+)$/.exec(text);
    return match?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The repository's default branch: origin/HEAD's, else `main` or `master` where either is a local or
 * origin branch (a repository without origin/HEAD, say one made with `git init`), else the current
 * branch, else `main`. The checked-out feature branch is not taken for it when `main` exists.
 */
function defaultBranchOf(
  originHead: string | undefined,
  branch: string,
  exists: (name: string) => boolean,
): string {
  const fromOrigin = originHead?.replace(/^origin\//, '');
  if (fromOrigin) return fromOrigin;
  return ['main', 'master'].find(exists) ?? (branch || 'main');
}

/** remote.origin.url and user.name from the survey's `git config --get-regexp`. */
function parseConfig(out: string): {
  originUrl: string | undefined;
  userName: string | undefined;
  extensions: boolean;
} {
  let originUrl: string | undefined;
  let userName: string | undefined;
  let extensions = false;
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    const key = (space < 0 ? line : line.slice(0, space)).toLowerCase();
    if (key.startsWith('extensions.')) extensions = true;
    if (space < 0) continue;
    if (key === 'remote.origin.url') originUrl = line.slice(space + 1);
    if (key === 'user.name') userName = line.slice(space + 1);
  }
  return { originUrl, userName, extensions };
}

/**
 * What the workspace's clone is made from when it can be written without git (see
 * {@link writeLocalClone}): HEAD, the branches and tags, and where the objects are.
 */
export interface CloneSource {
  commonDir: string;
  sha: string;
  /** `refs/heads/<branch>`, or undefined when HEAD is detached. */
  symbolic: string | undefined;
  refs: Array<[sha: string, name: string]>;
}

/** What a run learns about the repository at `root` (see {@link SURVEY_SCRIPT}). */
export interface RepositorySurvey {
  info: RepoInfo;
  /** The working tree's files (tracked, and untracked but not ignored), when `listFiles`. */
  files: string[] | undefined;
  /**
   * Undefined when the clone needs git itself: a SHA-256 or otherwise extended repository
   * (`extensions.*`: partial clones, reftable, worktree config), or when a query failed.
   */
  cloneSource: CloneSource | undefined;
}

/** The repository's facts for the `github` context, its file list and how to clone it, from one process. */
export async function surveyRepository(
  root: string,
  env: NodeJS.ProcessEnv,
  options: { listFiles: boolean },
): Promise<RepositorySurvey> {
  const isGit = existsSync(join(root, '.git'));
  if (!isGit)
    return { info: repoInfo(root, env, false, undefined, {}), files: undefined, cloneSource: undefined };
  const survey = await runSurvey(root, options.listFiles);
  const all = parseRevParse(survey.revParse);
  const config = parseConfig(survey.config);
  const files = survey.lsFiles
    ? [...new Set(survey.lsFiles.toString('utf8').split('\0').filter(Boolean))]
    : undefined;
  const refs = survey.refs
    ?.split('\n')
    .map((line) => /^([0-9a-f]{40}) (refs\/\S.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match): [string, string] => [match[1] as string, match[2] as string]);
  const plain = all && refs && all.sha.length === 40 && !config.extensions;
  const refNames = refs ? new Set(refs.map(([, name]) => name)) : undefined;
  // The clone gets the branches and tags; origin's main and master only tell the default branch.
  const cloneRefs = refs?.filter(([, name]) => !name.startsWith('refs/remotes/'));
  return {
    info: { ...repoInfo(root, env, true, all, config, refNames), headMessage: survey.message },
    files,
    cloneSource:
      plain && cloneRefs
        ? { commonDir: all.commonDir, sha: all.sha, symbolic: all.symbolic, refs: cloneRefs }
        : undefined,
  };
}

function repoInfo(
  root: string,
  env: NodeJS.ProcessEnv,
  isGit: boolean,
  all: ReturnType<typeof parseRevParse>,
  config: { originUrl?: string | undefined; userName?: string | undefined },
  refNames?: Set<string>,
): RepoInfo {
  const sha =
    all?.sha ?? ((isGit && git(root, ['rev-parse', 'HEAD'])) || '0000000000000000000000000000000000000000');
  const symbolic = all ? all.symbolic : isGit ? git(root, ['symbolic-ref', '-q', 'HEAD']) : undefined;
  // As configured: the url.<base>.insteadOf rewriting `git remote get-url` applies leaves the
  // owner/name part alone for the usual shorthands (`gh:owner/name`).
  const originUrl = config.originUrl;
  const fromUrl = repositoryFromUrl(originUrl);
  const originHead = all
    ? originHeadFromFile(all.commonDir)
    : isGit
      ? git(root, ['symbolic-ref', '-q', '--short', 'refs/remotes/origin/HEAD'])
      : undefined;
  const branch = symbolic?.replace(/^refs\/heads\//, '') ?? '';
  const indexPath = all
    ? all.indexPath
    : isGit
      ? git(root, ['rev-parse', '--path-format=absolute', '--git-path', 'index'])
      : undefined;
  const actor = env['GITHUB_ACTOR'] || config.userName || env['USER'] || 'paved';
  return {
    root,
    isGit,
    sha,
    ref: symbolic ?? '',
    branch,
    owner: fromUrl?.owner ?? 'local',
    name: fromUrl?.name ?? basename(root),
    defaultBranch: defaultBranchOf(originHead, branch, (name) =>
      refNames
        ? refNames.has(`refs/heads/${name}`) || refNames.has(`refs/remotes/origin/${name}`)
        : isGit && branchCommit(root, name) !== undefined,
    ),
    originUrl,
    indexPath: indexPath && existsSync(indexPath) ? indexPath : undefined,
    actor: actor.replace(/\s+/g, '-'),
  };
}

/**
 * How {@link copyAll} puts a regular file in place: a copy, or a hard link where the file system
 * allows (the run's template is only ever read: each job copies from it).
 */
interface CopyMode {
  link: boolean;
}

async function copyEntry(
  from: string,
  to: string,
  makeDir: (dir: string) => Promise<unknown>,
  mode: CopyMode,
): Promise<void> {
  let stat;
  try {
    stat = await lstat(from);
  } catch {
    return; // deleted in the working tree but still in the index
  }
  await makeDir(dirname(to));
  if (stat.isSymbolicLink()) await symlink(await readlink(from), to);
  else if (stat.isDirectory()) await cp(from, to, { recursive: true, verbatimSymlinks: true });
  else if (mode.link)
    await link(from, to).catch(async () => {
      mode.link = false; // another file system, or links refused: copy this file and the rest
      await copyFile(from, to, constants.COPYFILE_FICLONE);
    });
  // Copy-on-write where the file system can (btrfs, XFS), else an ordinary copy.
  else await copyFile(from, to, constants.COPYFILE_FICLONE);
}

function gitAsync(cwd: string, args: string[]): Promise<boolean> {
  return new Promise((resolveDone) => {
    const child = spawn('git', args, { cwd, stdio: 'ignore' });
    child.on('error', () => resolveDone(false));
    child.on('close', (code) => resolveDone(code === 0));
  });
}

/**
 * Copy many files with bounded parallelism (the event loop stays free for other jobs' output); each
 * directory is made once, however many files go into it.
 */
async function copyAll(pairs: Array<[string, string]>, mode: CopyMode = { link: false }): Promise<void> {
  const dirs = new Map<string, Promise<unknown>>();
  const makeDir = (dir: string): Promise<unknown> => {
    let made = dirs.get(dir);
    if (!made) dirs.set(dir, (made = mkdir(dir, { recursive: true })));
    return made;
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pairs.length) {
      const [from, to] = pairs[next++] as [string, string];
      await copyEntry(from, to, makeDir, mode);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, pairs.length) }, worker));
}

/** A config subsection name as git writes it (`"` and `\\` escaped). */
function subsection(name: string): string {
  return `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * What `git clone --local --no-checkout <root> <dest>` makes, written directly: git's own clone
 * asks the source for its refs through `git-upload-pack` (three processes) and hard-links every
 * object file, which each job's workspace copy then links and removes again. Here the objects stay
 * where they are, reached through `objects/info/alternates` (as `git clone --shared` does: every
 * object a ref, the index or a tag needs is reachable in the source, so its gc keeps it); the
 * branches become `origin/*` remote-tracking branches, tags are kept, and HEAD's branch is checked
 * out with origin as its upstream.
 */
async function writeLocalClone(dest: string, source: CloneSource, url: string): Promise<void> {
  const gitDir = join(dest, '.git');
  await Promise.all(
    ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags', 'refs/remotes/origin'].map((dir) =>
      mkdir(join(gitDir, dir), { recursive: true }),
    ),
  );
  const branch = source.symbolic?.replace(/^refs\/heads\//, '');
  const refs = new Map<string, string>();
  for (const [sha, name] of source.refs) {
    if (name.startsWith('refs/heads/')) refs.set(`refs/remotes/origin/${name.slice(11)}`, sha);
    else if (name.startsWith('refs/tags/')) refs.set(name, sha);
  }
  if (branch) refs.set(`refs/heads/${branch}`, source.sha);
  const packed = [...refs];
  const config = [
    '[core]',
    '\trepositoryformatversion = 0',
    '\tfilemode = true',
    '\tbare = false',
    '\tlogallrefupdates = true',
    `[remote "origin"]`,
    `\turl = ${url}`,
    '\tfetch = +refs/heads/*:refs/remotes/origin/*',
    ...(branch
      ? [`[branch ${subsection(branch)}]`, '\tremote = origin', `\tmerge = refs/heads/${branch}`]
      : []),
  ];
  const writes: Array<Promise<unknown>> = [
    writeFile(join(gitDir, 'HEAD'), branch ? `ref: refs/heads/${branch}\n` : `${source.sha}\n`),
    writeFile(join(gitDir, 'config'), `${config.join('\n')}\n`),
    writeFile(join(gitDir, 'objects', 'info', 'alternates'), `${join(source.commonDir, 'objects')}\n`),
    writeFile(
      join(gitDir, 'packed-refs'),
      // No `# pack-refs with:` header: without `peeled` git peels annotated tags itself.
      packed.map(([name, sha]) => `${sha} ${name}\n`).join(''),
    ),
    // A shallow source stays shallow: its history ends at the same commits.
    copyFile(join(source.commonDir, 'shallow'), join(gitDir, 'shallow')).catch(() => undefined),
  ];
  if (branch && refs.has(`refs/remotes/origin/${branch}`))
    writes.push(
      writeFile(join(gitDir, 'refs', 'remotes', 'origin', 'HEAD'), `ref: refs/remotes/origin/${branch}\n`),
    );
  await Promise.all(writes);
}

/**
 * Fill `dest` (emptied first) with the repository at `root`: git history as a local clone (written
 * directly when `cloneSource` allows, else by `git clone --local`), then the working-tree files
 * over it and the user's index.
 */
export async function copyRepository(
  root: string,
  dest: string,
  files: string[] | undefined,
  repo: { originUrl: string | undefined; indexPath: string | undefined } | undefined,
  cloneSource?: CloneSource,
  options: { linkFiles?: boolean } = {},
): Promise<void> {
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest, { recursive: true });
  if (files && cloneSource) {
    await writeLocalClone(dest, cloneSource, repo?.originUrl ?? root);
  } else if (
    !files ||
    !(await gitAsync(root, ['clone', '--quiet', '--local', '--no-checkout', root, dest]))
  ) {
    await rm(dest, { recursive: true, force: true });
    await mkdir(dest, { recursive: true });
    await copyAll((await readdir(root)).map((entry) => [join(root, entry), join(dest, entry)]));
    return;
  } else if (repo?.originUrl) {
    const configPath = join(dest, '.git', 'config');
    const config = await readFile(configPath, 'utf8');
    const rewritten = config.replace(
      /(\[remote "origin"\][^[]*?\burl = )(.*)/,
      (_all, head: string) => `${head}${repo.originUrl}`,
    );
    if (rewritten !== config) await writeFile(configPath, rewritten);
    else await gitAsync(dest, ['remote', 'set-url', 'origin', repo.originUrl]);
  }
  await copyAll(
    files.map((file) => [join(root, file), join(dest, file)]),
    { link: options.linkFiles ?? false },
  );
  // The user's index, so `git status` in the copy shows the same staged and unstaged changes.
  // Copying it directly saves a git process per run.
  let indexed = false;
  if (repo?.indexPath)
    indexed = await copyFile(repo.indexPath, join(dest, '.git', 'index')).then(
      () => true,
      () => false,
    );
  if (!indexed) await gitAsync(dest, ['reset', '--quiet']);
}

/**
 * Copy a prepared repository tree (see {@link copyRepository}) to `to` without running git: git
 * objects are hard-linked (they are immutable, and git writes new objects as new files), everything
 * else is copied.
 */
export async function cloneTree(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  const walk = async (src: string, dest: string, inObjects: boolean): Promise<void> => {
    await mkdir(dest, { recursive: true });
    const entries = await readdir(src, { withFileTypes: true });
    await Promise.all(
      entries.map(async (entry) => {
        const a = join(src, entry.name);
        const b = join(dest, entry.name);
        if (entry.isDirectory())
          return walk(a, b, inObjects || (entry.name === 'objects' && basename(src) === '.git'));
        if (entry.isSymbolicLink()) return symlink(await readlink(a), b);
        // objects/info (alternates) is configuration, not an object: each copy gets its own.
        if (inObjects && basename(src) !== 'info') return link(a, b).catch(() => copyFile(a, b));
        return copyFile(a, b, constants.COPYFILE_FICLONE);
      }),
    );
  };
  await walk(from, to, false);
}
