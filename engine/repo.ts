/**
 * The local repository as the `github` context sees it (sha, ref, owner/name from the origin remote),
 * and the per-job workspace: a copy of the working tree (tracked and untracked-but-not-ignored
 * files, uncommitted changes included) with the git history, so the user's checkout is never touched.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
import { basename, dirname, join } from 'node:path';

function git(cwd: string, args: string[]): string | undefined {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** {@link git} without blocking: a run's first git queries run side by side. */
function gitText(cwd: string, args: string[], maxBuffer = 16 * 1024 * 1024): Promise<Buffer | undefined> {
  return new Promise((resolveDone) => {
    const child = spawn('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBuffer) chunks.push(chunk);
    });
    child.on('error', () => resolveDone(undefined));
    child.on('close', (code) =>
      resolveDone(code === 0 && size <= maxBuffer ? Buffer.concat(chunks) : undefined),
    );
  });
}

async function gitOut(cwd: string, args: string[]): Promise<string | undefined> {
  return (await gitText(cwd, args))?.toString('utf8').trim();
}

/** The commit of `branch`: its origin remote-tracking branch, else the local branch. */
export function branchCommit(root: string, branch: string): string | undefined {
  for (const ref of [`refs/remotes/origin/${branch}`, `refs/heads/${branch}`]) {
    const sha = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    if (sha) return sha;
  }
  return undefined;
}

export function gitTopLevel(dir: string): string | undefined {
  return git(dir, ['rev-parse', '--show-toplevel']);
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
}

/** `owner/name` from a GitHub-style remote URL (https, ssh or scp-like), else undefined. */
export function repositoryFromUrl(url: string | undefined): { owner: string; name: string } | undefined {
  if (!url) return undefined;
  const match = /[/:]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url.trim());
  if (!match || !match[1] || !match[2]) return undefined;
  return { owner: match[1], name: match[2] };
}

/**
 * sha, HEAD's ref, the index and the common git directory in one `git rev-parse` (each git process
 * costs a `paved run` tens of milliseconds), or undefined when it fails (no commit yet, old git).
 */
async function revParseAll(
  root: string,
): Promise<{ sha: string; symbolic: string | undefined; indexPath: string; commonDir: string } | undefined> {
  const out = await gitOut(root, [
    'rev-parse',
    '--path-format=absolute',
    '--git-path',
    'index',
    '--git-common-dir',
    'HEAD',
    '--symbolic-full-name',
    'HEAD',
  ]);
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

/** remote.origin.url and user.name from one `git config` call. */
async function configValues(
  root: string,
): Promise<{ originUrl: string | undefined; userName: string | undefined }> {
  const out = (await gitOut(root, ['config', '--get-regexp', '^(remote\\.origin\\.url|user\\.name)$'])) ?? '';
  let originUrl: string | undefined;
  let userName: string | undefined;
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const key = line.slice(0, space).toLowerCase();
    if (key === 'remote.origin.url') originUrl = line.slice(space + 1);
    if (key === 'user.name') userName = line.slice(space + 1);
  }
  return { originUrl, userName };
}

export async function readRepoInfo(root: string, env: NodeJS.ProcessEnv): Promise<RepoInfo> {
  const isGit = existsSync(join(root, '.git'));
  const [all, config] = isGit
    ? await Promise.all([revParseAll(root), configValues(root)])
    : [undefined, { originUrl: undefined, userName: undefined }];
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
    defaultBranch: originHead?.replace(/^origin\//, '') || branch || 'main',
    originUrl,
    indexPath: indexPath && existsSync(indexPath) ? indexPath : undefined,
    actor: actor.replace(/\s+/g, '-'),
  };
}

/** The files of the working tree a checkout would have, plus local changes (cached per run). */
export async function listWorkingTree(root: string, isGit: boolean): Promise<string[] | undefined> {
  if (!isGit) return undefined;
  const out = await gitText(
    root,
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    256 * 1024 * 1024,
  );
  if (!out) return undefined;
  return [...new Set(out.toString('utf8').split('\0').filter(Boolean))];
}

async function copyEntry(from: string, to: string): Promise<void> {
  let stat;
  try {
    stat = await lstat(from);
  } catch {
    return; // deleted in the working tree but still in the index
  }
  await mkdir(dirname(to), { recursive: true });
  if (stat.isSymbolicLink()) await symlink(await readlink(from), to);
  else if (stat.isDirectory()) await cp(from, to, { recursive: true, verbatimSymlinks: true });
  else await copyFile(from, to);
}

function gitAsync(cwd: string, args: string[]): Promise<boolean> {
  return new Promise((resolveDone) => {
    const child = spawn('git', args, { cwd, stdio: 'ignore' });
    child.on('error', () => resolveDone(false));
    child.on('close', (code) => resolveDone(code === 0));
  });
}

/** Copy many files with bounded parallelism (the event loop stays free for other jobs' output). */
async function copyAll(pairs: Array<[string, string]>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pairs.length) {
      const [from, to] = pairs[next++] as [string, string];
      await copyEntry(from, to);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, pairs.length) }, worker));
}

/**
 * Fill `dest` (emptied first) with the repository at `root`: git history via a local clone
 * (objects hard-linked, so it is cheap), then the working-tree files over it.
 */
export async function copyRepository(
  root: string,
  dest: string,
  files: string[] | undefined,
  repo: { originUrl: string | undefined; indexPath: string | undefined } | undefined,
): Promise<void> {
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest, { recursive: true });
  if (files && (await gitAsync(root, ['clone', '--quiet', '--local', '--no-checkout', root, dest]))) {
    await copyAll(files.map((file) => [join(root, file), join(dest, file)]));
    // The user's index, so `git status` in the copy shows the same staged and unstaged changes.
    // Editing the config and copying the index directly saves two git processes per job.
    let indexed = false;
    if (repo?.indexPath)
      indexed = await copyFile(repo.indexPath, join(dest, '.git', 'index')).then(
        () => true,
        () => false,
      );
    if (!indexed) await gitAsync(dest, ['reset', '--quiet']);
    if (repo?.originUrl) {
      const configPath = join(dest, '.git', 'config');
      const config = await readFile(configPath, 'utf8');
      const rewritten = config.replace(
        /(\[remote "origin"\][^[]*?\burl = )(.*)/,
        (_all, head: string) => `${head}${repo.originUrl}`,
      );
      if (rewritten !== config) await writeFile(configPath, rewritten);
      else await gitAsync(dest, ['remote', 'set-url', 'origin', repo.originUrl]);
    }
    return;
  }
  await rm(dest, { recursive: true, force: true });
  await mkdir(dest, { recursive: true });
  await copyAll((await readdir(root)).map((entry) => [join(root, entry), join(dest, entry)]));
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
        if (inObjects) return link(a, b).catch(() => copyFile(a, b));
        return copyFile(a, b);
      }),
    );
  };
  await walk(from, to, false);
}
