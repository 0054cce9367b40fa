/** What `paved init` learns from the target repository: its root, default branch, owner and toolchain. */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TemplateName } from './contract.js';

function git(dir: string, args: string[]): string | undefined {
  const result = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
  if (result.error) throw new Error(`git is needed by paved init but could not run: ${result.error.message}`);
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The work-tree root of the git repository containing `dir`, or undefined when it is not in one. */
export function workTreeRoot(dir: string): string | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  return git(dir, ['rev-parse', '--show-toplevel']);
}

/** origin's default branch when known, else the checked-out branch (also in a repo with no commits), else main. */
export function defaultBranch(root: string): string {
  const remoteHead = git(root, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
  if (remoteHead?.startsWith('origin/')) return remoteHead.slice('origin/'.length);
  return git(root, ['symbolic-ref', '--quiet', '--short', 'HEAD']) || 'main';
}

/** The GitHub owner from origin's URL (https or ssh), for suggestions on a terminal. */
export function githubOwner(root: string): string | undefined {
  const url = git(root, ['remote', 'get-url', 'origin']);
  return url ? /github\.com[/:]([A-Za-z0-9-]+)\//.exec(url)?.[1] : undefined;
}

/** Which file made init choose a template, for the message that says so. */
export interface Detection {
  template: TemplateName;
  because: string;
}

const MARKERS: Array<{ files: string[]; template: TemplateName }> = [
  { files: ['package.json'], template: 'node-service' },
  { files: ['pyproject.toml', 'requirements.txt', 'setup.py'], template: 'python-service' },
  { files: ['go.mod'], template: 'go-service' },
  { files: ['Dockerfile'], template: 'docker-generic' },
];

/** The template for the toolchain found at the repository root, first match in the order above. */
export function detectTemplate(root: string): Detection | undefined {
  for (const marker of MARKERS) {
    const file = marker.files.find((f) => existsSync(join(root, f)));
    if (file) return { template: marker.template, because: file };
  }
  return undefined;
}
