/** The metadata context: the GitHub context, filled in from the local git checkout where the runner leaves gaps. */
import { spawnSync } from 'node:child_process';
import type { GitHubContext } from '../../../shared/github-context.js';
import type { MetadataContext } from './metadata.js';

/** What the local checkout says. Each field is undefined when git is missing or it is not a repository. */
export interface GitFacts {
  head: string | undefined;
  ref: string | undefined;
  tags: string[] | undefined;
  /** Committer time of `sha` (or HEAD). */
  commitTime: Date | undefined;
}

function git(cwd: string, args: string[]): string | undefined {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Ask git about the checkout at `cwd` (tags for "highest semver", the commit time for `created`). */
export function readGitFacts(cwd: string, sha: string | undefined): GitFacts {
  const head = git(cwd, ['rev-parse', 'HEAD']);
  const branch = git(cwd, ['symbolic-ref', '-q', 'HEAD']);
  const tags = git(cwd, ['tag', '--list']);
  const time = git(cwd, ['log', '-1', '--format=%ct', sha || 'HEAD']);
  return {
    head,
    ref: branch,
    tags: tags === undefined ? undefined : tags.split('\n').filter(Boolean),
    commitTime: time && /^\d+$/.test(time) ? new Date(Number(time) * 1000) : undefined,
  };
}

/**
 * Combine the runner's context with git. `created` is SOURCE_DATE_EPOCH when set, else the commit's
 * time, else now — so the same commit built twice gives the same labels and the same digest.
 */
export function metadataContext(
  gh: GitHubContext,
  git: GitFacts,
  env: NodeJS.ProcessEnv,
  now: () => Date = () => new Date(),
): MetadataContext {
  const epoch = env['SOURCE_DATE_EPOCH'];
  const date = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : (git.commitTime ?? now());
  const repo = (gh.payload['repository'] ?? {}) as {
    name?: string;
    description?: string | null;
    html_url?: string;
    license?: { spdx_id?: string } | null;
  };
  const ref = gh.ref || git.ref || '';
  const url = repo.html_url ?? (gh.repository ? `${gh.serverUrl}/${gh.repository}` : '');
  const pr = (gh.payload['pull_request'] ?? {}) as { base?: { ref?: string } };
  return {
    eventName: gh.eventName || 'push',
    ref,
    sha: gh.sha || git.head || '',
    branch: gh.branch ?? (ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined),
    baseRef: env['GITHUB_BASE_REF'] || pr.base?.ref || undefined,
    prNumber: gh.prNumber,
    defaultBranch: gh.defaultBranch,
    repositoryTags: git.tags,
    date,
    repository: {
      name: repo.name ?? gh.repo ?? '',
      description: repo.description ?? '',
      url,
      licenses: repo.license?.spdx_id && repo.license.spdx_id !== 'NOASSERTION' ? repo.license.spdx_id : '',
    },
  };
}
