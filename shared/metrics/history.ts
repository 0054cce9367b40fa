/**
 * Reading a GitOps repository's delivery record with one `git log`: each commit's sha, parents, committer
 * time, subject, trailers (git's own parser, `%(trailers:only,unfold)`), the `This reverts commit` line of
 * its body, and its note under refs/notes/paved (`%N` with `--notes`). Fields end in NUL, so nothing in a
 * message can be mistaken for a separator, and 10,000 commits parse in milliseconds.
 */
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

const FIELDS = ['%H', '%P', '%ct', '%cI', '%s', '%(trailers:only,unfold)', '%N', '%b'];
/** Every field ends in NUL; tformat adds a newline after each commit, which starts the next sha. */
export const HISTORY_FORMAT = `--format=${FIELDS.map((f) => `${f}%x00`).join('')}`;

const REVERTS = /^This reverts commit ([0-9a-f]{7,64})\b/m;

/** Parse the output of `git log` with {@link HISTORY_FORMAT}; newest first, as git prints it. */
export function parseHistory(output: string): HistoryCommit[] {
  const fields = output.split('\0');
  const commits: HistoryCommit[] = [];
  for (let i = 0; i + FIELDS.length <= fields.length; i += FIELDS.length) {
    const sha = (fields[i] as string).trim();
    if (!sha) break;
    const body = fields[i + 7] as string;
    commits.push({
      sha,
      parents: (fields[i + 1] as string).split(' ').filter(Boolean),
      time: Number(fields[i + 2]),
      timeIso: fields[i + 3] as string,
      subject: fields[i + 4] as string,
      trailers: parseKeyValues(fields[i + 5] as string),
      note: parseKeyValues(fields[i + 6] as string),
      reverts: REVERTS.exec(body)?.[1],
    });
  }
  return commits;
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
    ['--git-dir', gitDir, 'log', '--topo-order', `--notes=${NOTES_REF}`, HISTORY_FORMAT, ref, '--'],
    { env: options.env, allowFailure: true, timeoutMs: 120_000 },
  );
  if (result.code !== 0) {
    const message = result.stderr.trim();
    if (/does not have any commits yet|unknown revision|bad revision|ambiguous argument/i.test(message))
      throw new PavedError(`The GitOps repository has no '${ref}' to read (${message.split('\n')[0]})`);
    throw new PavedError(`git log in ${gitDir} failed: ${message.split('\n').slice(-3).join(' ')}`);
  }
  return parseHistory(result.stdout).reverse();
}
