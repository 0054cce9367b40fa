/**
 * When the deployed source commit was made, for the lead time in paved metrics: the push event says so
 * for its head commit; otherwise the workspace's git may have the commit (a job that checked it out).
 */
import type { GitHubContext } from '../../../shared/github-context.js';
import { runGit } from '../../../shared/gitops/git.js';

export async function sourceCommitTime(
  github: GitHubContext,
  sha: string | undefined,
): Promise<string | undefined> {
  if (!sha) return undefined;
  const head = github.payload['head_commit'] as { id?: unknown; timestamp?: unknown } | undefined;
  if (head && head.id === sha && typeof head.timestamp === 'string' && head.timestamp) return head.timestamp;
  const shown = await runGit(['show', '-s', '--format=%cI', sha], {
    cwd: github.workspace,
    allowFailure: true,
    timeoutMs: 10_000,
  }).catch(() => undefined);
  const time = shown?.code === 0 ? shown.stdout.trim() : '';
  return time || undefined;
}
