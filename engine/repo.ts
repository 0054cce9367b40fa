/**
 * The local repository as the `github` context sees it (sha, ref, owner/name from the origin remote),
 * and the per-job workspace: a copy of the working tree (tracked and untracked-but-not-ignored
 * files, uncommitted changes included) with the git history, so the user's checkout is never touched.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

function git(cwd: string, args: string[]): string | undefined {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return result.status === 0 ? result.stdout.trim() : undefined;
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
  actor: string;
}

/** `owner/name` from a GitHub-style remote URL (https, ssh or scp-like), else undefined. */
export function repositoryFromUrl(url: string | undefined): { owner: string; name: string } | undefined {
  if (!url) return undefined;
  const match = /[/:]([^/:]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url.trim());
  if (!match || !match[1] || !match[2]) return undefined;
  return { owner: match[1], name: match[2] };
}

export function readRepoInfo(root: string, env: NodeJS.ProcessEnv): RepoInfo {
  const isGit = existsSync(join(root, '.git'));
  const sha = (isGit && git(root, ['rev-parse', 'HEAD'])) || '0000000000000000000000000000000000000000';
  const symbolic = isGit ? git(root, ['symbolic-ref', '-q', 'HEAD']) : undefined;
  const originUrl = isGit ? git(root, ['remote', 'get-url', 'origin']) : undefined;
  const fromUrl = repositoryFromUrl(originUrl);
  const originHead = isGit
    ? git(root, ['symbolic-ref', '-q', '--short', 'refs/remotes/origin/HEAD'])
    : undefined;
  const branch = symbolic?.replace(/^refs\/heads\//, '') ?? '';
  const actor =
    env['GITHUB_ACTOR'] || (isGit && git(root, ['config', 'user.name'])) || env['USER'] || 'paved';
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
    actor: actor.replace(/\s+/g, '-'),
  };
}

/** The files of the working tree a checkout would have, plus local changes (cached per run). */
export function listWorkingTree(root: string, isGit: boolean): string[] | undefined {
  if (!isGit) return undefined;
  const result = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) return undefined;
  return [...new Set(result.stdout.toString('utf8').split('\0').filter(Boolean))];
}

function copyEntry(from: string, to: string): void {
  let stat;
  try {
    stat = lstatSync(from);
  } catch {
    return; // deleted in the working tree but still in the index
  }
  mkdirSync(dirname(to), { recursive: true });
  if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
  else if (stat.isDirectory()) cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  else copyFileSync(from, to);
}

/**
 * Fill `dest` (emptied first) with the repository at `root`: git history via a local clone
 * (objects hard-linked, so it is cheap), then the working-tree files over it.
 */
export function copyRepository(
  root: string,
  dest: string,
  files: string[] | undefined,
  originUrl: string | undefined,
): void {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  if (files) {
    const cloned = spawnSync('git', ['clone', '--quiet', '--local', '--no-checkout', root, dest], {
      stdio: 'ignore',
    });
    if (cloned.status === 0) {
      for (const file of files) copyEntry(join(root, file), join(dest, file));
      // Index = HEAD, so `git status` in the copy shows the same local changes as the user's tree.
      spawnSync('git', ['reset', '--quiet'], { cwd: dest, stdio: 'ignore' });
      if (originUrl)
        spawnSync('git', ['remote', 'set-url', 'origin', originUrl], { cwd: dest, stdio: 'ignore' });
      return;
    }
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
  }
  for (const entry of readdirSync(root)) copyEntry(join(root, entry), join(dest, entry));
}
