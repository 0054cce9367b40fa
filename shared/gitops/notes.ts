/**
 * Git notes on GitOps commits, for records that write no commit of their own (health verdicts, Argo CD
 * rollbacks), and a history-only copy of a GitOps repository for reading the record back.
 *
 * Notes live on a ref of their own (refs/notes/paved), pushed like a branch: when another writer pushed
 * first, the push is rejected; then the remote notes are fetched again, the lines re-appended, and the
 * push retried with backoff and jitter, as commitAndPush does for deploys. Appending skips lines the
 * note already has, so a retry after a push whose answer was lost adds nothing twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, PavedError } from '../errors.js';
import { abortableSleep, backoffDelay } from '../retry.js';
import { redact, redactUrl } from '../secrets.js';
import { ACTIONS_BOT, gitEnvironment, isPushRace, runGit, type GitAuth, type GitIdentity } from './git.js';

export interface NotesTarget {
  /** Clone URL (https, ssh, git@, file://) or a local path of the GitOps repository. */
  url: string;
  auth?: GitAuth;
  identity?: GitIdentity;
}

/** A scratch bare repository wired to `url`; `dispose` removes it. */
export interface ScratchRepo {
  gitDir: string;
  env: NodeJS.ProcessEnv;
  git(args: string[], allowFailure?: boolean): ReturnType<typeof runGit>;
  dispose(): void;
}

function scratchRepo(target: NotesTarget): ScratchRepo {
  const dir = mkdtempSync(join(tmpdir(), 'paved-notes-'));
  const env = gitEnvironment(target.auth ?? {}, undefined);
  const identity = target.identity ?? ACTIONS_BOT;
  env['GIT_AUTHOR_NAME'] = env['GIT_COMMITTER_NAME'] = identity.name;
  env['GIT_AUTHOR_EMAIL'] = env['GIT_COMMITTER_EMAIL'] = identity.email;
  const gitDir = join(dir, 'repo.git');
  return {
    gitDir,
    env,
    git: (args, allowFailure = false) => runGit(['--git-dir', gitDir, ...args], { env, allowFailure }),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function initScratch(repo: ScratchRepo, url: string): Promise<void> {
  await runGit(['init', '--quiet', '--bare', repo.gitDir], { env: repo.env });
  await repo.git(['remote', 'add', 'origin', url]);
}

/** Fetch the remote notes ref over the local one; false when the remote has none yet. */
async function fetchNotes(repo: ScratchRepo, ref: string): Promise<boolean> {
  const fetched = await repo.git(['fetch', '--quiet', 'origin', `+${ref}:${ref}`], true);
  if (fetched.code === 0) return true;
  if (/couldn't find remote ref/i.test(fetched.stderr)) {
    await repo.git(['update-ref', '-d', ref], true);
    return false;
  }
  throw new CommandError(`git fetch of ${ref} failed: ${redact(fetched.stderr.trim())}`, fetched.code);
}

/**
 * Append `lines` to the note on `commit` under `ref` and push it. Returns the number of push attempts.
 * Throws when the commit is not in the repository or the push keeps failing.
 */
export async function appendNoteAndPush(
  target: NotesTarget,
  commit: string,
  lines: string,
  options: { ref?: string; attempts?: number; onRetry?: (attempt: number) => void } = {},
): Promise<number> {
  const ref = options.ref ?? 'refs/notes/paved';
  const attempts = options.attempts ?? 25;
  const repo = scratchRepo(target);
  try {
    await initScratch(repo, target.url);
    // The note's object must exist locally; a depth-1 fetch of that one commit is enough.
    const got = await repo.git(['fetch', '--quiet', '--depth=1', 'origin', commit], true);
    if (got.code !== 0)
      throw new PavedError(
        `Commit ${commit.slice(0, 12)} is not in the GitOps repository ${redactUrl(target.url)}: ${redact(got.stderr.trim().split('\n').pop() ?? '')}`,
      );
    for (let attempt = 1; ; attempt++) {
      await fetchNotes(repo, ref);
      const current = await repo.git(['notes', `--ref=${ref}`, 'show', commit], true);
      const have = new Set(current.code === 0 ? current.stdout.split('\n').map((l) => l.trim()) : []);
      const missing = lines
        .split('\n')
        .filter((line) => line.trim() && !have.has(line.trim()))
        .join('\n');
      if (!missing) return attempt;
      await repo.git(['notes', `--ref=${ref}`, 'append', '-m', missing, commit]);
      const pushed = await repo.git(['push', '--quiet', '--porcelain', 'origin', `${ref}:${ref}`], true);
      if (pushed.code === 0) return attempt;
      const output = `${pushed.stderr}\n${pushed.stdout}`;
      if (!isPushRace(output) || attempt >= attempts) {
        throw new CommandError(
          `git push of ${ref} ${attempt >= attempts && isPushRace(output) ? `was still rejected after ${attempts} attempts` : 'failed'}: ${redact(output.trim().split('\n').slice(-4).join(' '))}`,
          pushed.code,
        );
      }
      options.onRetry?.(attempt);
      await abortableSleep(backoffDelay(attempt, 200, 3000));
    }
  } finally {
    repo.dispose();
  }
}

/**
 * A bare copy of `branch` and the Paved notes of a remote GitOps repository, for `readHistory`
 * (GitOps repositories are small: manifests, not code). Call `dispose` when done.
 */
export async function fetchHistory(
  target: NotesTarget,
  branch: string | undefined,
  notesRef = 'refs/notes/paved',
): Promise<ScratchRepo & { branch: string }> {
  const repo = scratchRepo(target);
  try {
    await initScratch(repo, target.url);
    if (branch === undefined) {
      const head = await repo.git(['ls-remote', '--symref', 'origin', 'HEAD'], true);
      branch = /^ref: refs\/heads\/(\S+)\s+HEAD/m.exec(head.stdout)?.[1];
      if (!branch)
        throw new PavedError(
          `Could not tell the default branch of ${redactUrl(target.url)}${head.code ? `: ${redact(head.stderr.trim().split('\n').pop() ?? '')}` : ''}; name the branch`,
        );
    }
    const fetched = await repo.git(
      ['fetch', '--quiet', 'origin', `+refs/heads/${branch}:refs/heads/${branch}`],
      true,
    );
    if (fetched.code !== 0)
      throw new PavedError(
        `Reading branch '${branch}' of ${redactUrl(target.url)} failed: ${redact(fetched.stderr.trim().split('\n').slice(-2).join(' '))}`,
      );
    await repo.git(['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
    await fetchNotes(repo, notesRef);
    return { ...repo, branch };
  } catch (error) {
    repo.dispose();
    throw error;
  }
}
