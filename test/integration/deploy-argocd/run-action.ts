/**
 * Run deploy-argocd the way the runner does: a separate node process with INPUT_* variables, a
 * GITHUB_OUTPUT file and a step summary file. `bundle: true` runs dist/deploy-argocd (what users get);
 * otherwise the TypeScript source runs through tsx, so tests never see a stale bundle.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../argocd-standin/support.js';

export interface ActionRun {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  /** The `::error::` lines. */
  errors: string[];
  /** Wall time of the process. */
  ms: number;
  /** When the process exited (epoch ms). */
  exitedAt: number;
}

import { readOutputFile, runnerInputEnv } from '../../support/runner-io.js';

export async function runDeployAction(
  inputs: Record<string, string>,
  options: { bundle?: boolean; env?: Record<string, string> } = {},
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'paved-deploy-run-'));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKSPACE: dir,
    NODE_NO_WARNINGS: '1',
    ...options.env,
  };
  Object.assign(env, runnerInputEnv(join(REPO_ROOT, 'actions', 'deploy-argocd'), inputs));
  const args = options.bundle
    ? [join(REPO_ROOT, 'dist', 'deploy-argocd', 'index.js')]
    : ['--import', 'tsx', join(REPO_ROOT, 'actions', 'deploy-argocd', 'src', 'index.ts')];
  const started = Date.now();
  const child = spawn(process.execPath, args, { env, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  const exitedAt = Date.now();
  try {
    return {
      code,
      stdout,
      outputs: readOutputFile(readFileSync(outputFile, 'utf8')),
      summary: readFileSync(summaryFile, 'utf8'),
      errors: stdout.split('\n').filter((l) => l.startsWith('::error::')),
      ms: exitedAt - started,
      exitedAt,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
