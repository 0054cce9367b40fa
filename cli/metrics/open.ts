/** Where `paved metrics` reads from: a local clone (or bare repository) as it is, or a URL fetched to a scratch copy. */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PavedError } from '../../shared/errors.js';
import { fetchHistory } from '../../shared/gitops/notes.js';
import { runGit } from '../../shared/gitops/git.js';

export interface OpenRecord {
  gitDir: string;
  ref: string;
  dispose(): void;
}

const REMOTE = /^(https?:\/\/|ssh:\/\/|file:\/\/|git@[^:]+:)/;

export async function openRecord(
  repo: string,
  branch: string | undefined,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<OpenRecord> {
  if (REMOTE.test(repo)) {
    // PAVED_GITOPS_TOKEN reaches https repositories the way deploy-argocd's gitops-token does (an extra header).
    const token = env['PAVED_GITOPS_TOKEN'];
    const scratch = await fetchHistory({ url: repo, auth: token ? { token } : undefined }, branch);
    return { gitDir: scratch.gitDir, ref: `refs/heads/${scratch.branch}`, dispose: scratch.dispose };
  }
  const path = resolve(cwd, repo);
  if (!existsSync(path) || !statSync(path).isDirectory())
    throw new PavedError(
      `--repo ${JSON.stringify(repo)} is neither a directory nor a git URL (https://, ssh://, git@host:, file://)`,
    );
  const dotGit = join(path, '.git');
  const gitDir = existsSync(dotGit) ? dotGit : path;
  const check = await runGit(['--git-dir', gitDir, 'rev-parse', '--git-dir'], { allowFailure: true });
  if (check.code !== 0) throw new PavedError(`--repo ${JSON.stringify(repo)} is not a git repository`);
  return { gitDir, ref: branch ? `refs/heads/${branch}` : 'HEAD', dispose: () => undefined };
}
