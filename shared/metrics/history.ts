/**
 * Reading a GitOps repository's delivery record with one `git log`: each commit's sha, parents, committer
 * time, subject, trailers (git's own parser, `%(trailers:only,unfold)`) and its note under
 * refs/notes/paved (`%N` with `--notes`). Fields end in NUL, so nothing in a message can be mistaken for a
 * separator. Bodies are not read (they would double the output); only for the few commits whose subject
 * is git revert's does a second `git log` read the `This reverts commit <sha>` line.
 */
import { execFile } from 'node:child_process';
import { runGit } from '../gitops/git.js';
import { PavedError } from '../errors.js';
import { NOTES_REF, parseKeyValues } from './records.js';

/** One commit as the metrics see it. */
export interface HistoryCommit {
  sha: string;
  parents: string[];
  /** Committer time, seconds since the epoch. */
  time: number;
  /** Committer time as git prints it (ISO 8601 with the committer's offset). */
  timeIso: string;
  subject: string;
  /** Trailers by lower-cased key. */
  trailers: Map<string, string[]>;
  /** Note lines under refs/notes/paved, by lower-cased key. */
  note: Map<string, string[]>;
  /** The commit this one reverts, from git revert's `This reverts commit <sha>.` line. */
  reverts: string | undefined;
}

const FIELDS = ['%H', '%P', '%ct', '%cI', '%s', '%(trailers:only,unfold)', '%N'];
/** Every field ends in NUL; tformat adds a newline after each commit, which starts the next sha. */
export const HISTORY_FORMAT = `--format=${FIELDS.map((f) => `${f}%x00`).join('')}`;

const REVERTS = /^This reverts commit ([0-9a-f]{7,64})\b/m;
/** git revert's subject; only these commits' bodies are read for the reverted sha. */
const REVERT_SUBJECT = /^Revert "/;

/** Parse the output of `git log` with {@link HISTORY_FORMAT}; newest first, as git prints it. */
export function parseHistory(output: string): HistoryCommit[] {
  const fields = output.split('\0');
  const commits: HistoryCommit[] = [];
  const empty = new Map<string, string[]>();
  for (let i = 0; i + FIELDS.length <= fields.length; i += FIELDS.length) {
    const sha = (fields[i] as string).trim();
    if (!sha) break;
    const trailers = fields[i + 5] as string;
    const note = fields[i + 6] as string;
    commits.push({
      sha,
      parents: (fields[i + 1] as string).split(' ').filter(Boolean),
      time: Number(fields[i + 2]),
      timeIso: fields[i + 3] as string,
      subject: fields[i + 4] as string,
      trailers: trailers ? parseKeyValues(trailers) : empty,
      note: note ? parseKeyValues(note) : empty,
      reverts: undefined,
    });
  }
  return commits;
}

/** Fill `reverts` from the bodies of the commits whose subject says `Revert "…"` (one more git call, for those only). */
async function readReverts(gitDir: string, commits: HistoryCommit[], env?: NodeJS.ProcessEnv): Promise<void> {
  const reverts = commits.filter((c) => REVERT_SUBJECT.test(c.subject));
  if (reverts.length === 0) return;
  const bySha = new Map(reverts.map((c) => [c.sha, c]));
  const result = await runGitWithInput(
    ['--git-dir', gitDir, 'log', '--no-walk=unsorted', '--stdin', '--format=%H%x00%b%x00'],
    reverts.map((c) => c.sha).join('\n'),
    env,
  );
  const fields = result.split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const commit = bySha.get((fields[i] as string).trim());
    if (commit) commit.reverts = REVERTS.exec(fields[i + 1] as string)?.[1];
  }
}

function runGitWithInput(args: string[], input: string, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { env: env ?? process.env, maxBuffer: 256 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new PavedError(`git log of the revert commits failed: ${String(stderr).trim() || error.message}`),
          );
        else resolve(String(stdout));
      },
    );
    child.stdin?.end(input);
  });
}

/**
 * The history of `ref` in the repository at `gitDir` (a bare repository or a `.git` folder), oldest
 * first. `since` (seconds) limits how far back git walks; callers leave a margin for rollbacks whose
 * deploy is older than the window.
 */
export async function readHistory(
  gitDir: string,
  options: { ref?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<HistoryCommit[]> {
  const ref = options.ref ?? 'HEAD';
  const result = await runGit(
    // No --topo-order: it walks the whole graph before printing (2-3× the time on 10,000 commits), and
    // git's default order already lists a commit before its parents on a GitOps branch's linear history.
    ['--git-dir', gitDir, 'log', `--notes=${NOTES_REF}`, HISTORY_FORMAT, ref, '--'],
    { env: options.env, allowFailure: true, timeoutMs: 120_000 },
  );
  if (result.code !== 0) {
    const message = result.stderr.trim();
    if (/does not have any commits yet|unknown revision|bad revision|ambiguous argument/i.test(message))
      throw new PavedError(`The GitOps repository has no '${ref}' to read (${message.split('\n')[0]})`);
    throw new PavedError(`git log in ${gitDir} failed: ${message.split('\n').slice(-3).join(' ')}`);
  }
  const commits = parseHistory(result.stdout);
  await readReverts(gitDir, commits, options.env);
  return commits.reverse();
}
