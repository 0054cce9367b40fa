/**
 * The GitHub API stand-in as a sandbox stack service (sandbox/stack.ts): started in-process, recording
 * to `<sandbox dir>/github.json` (what `paved sandbox github --show` reads). Steps get GITHUB_API_URL;
 * their GITHUB_TOKEN is minted per job with the job's permissions (cli/sandbox-github-token.ts), so the
 * admin token is in the details only, never in a step's environment.
 */
import { join } from 'node:path';
import type { ServiceDefinition } from '../stack.js';
import { startGitHubStandIn } from './server.js';

/** Where the stand-in records repositories, deployments, comments and statuses in a sandbox directory. */
export function githubRecordPath(sandboxDir: string): string {
  return join(sandboxDir, 'github.json');
}

export function githubService(): ServiceDefinition {
  return {
    name: 'github',
    description: 'GitHub API stand-in (deployments, environments, PR comments, commit statuses)',
    async start(context) {
      const standIn = await startGitHubStandIn({ recordPath: githubRecordPath(context.dir) });
      return {
        name: 'github',
        url: standIn.url,
        details: {
          api: standIn.url,
          'admin-token': standIn.adminToken,
          record: githubRecordPath(context.dir),
        },
        env: { GITHUB_API_URL: standIn.url },
        stop: () => standIn.stop(),
      };
    },
  };
}
