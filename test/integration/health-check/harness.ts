/**
 * Runs the health-check and rollback actions as the runner would (INPUT_* variables, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, exit code), from source through tsx.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOutputFile, runnerInputEnv } from '../../support/runner-io.js';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

export interface StepRun {
  code: number | null;
  log: string;
  /** `::error::` lines. */
  errors: string[];
  outputs: Record<string, string>;
  summary: string;
  /** ms the step took. */
  elapsedMs: number;
}

export async function runStep(
  action: 'health-check' | 'rollback',
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = {},
): Promise<StepRun> {
  const dir = mkdtempSync(join(tmpdir(), `paved-${action}-`));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const inputEnv = runnerInputEnv(join(repoRoot, 'actions', action), inputs);
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), join(repoRoot, `actions/${action}/src/index.ts`)],
    {
      cwd: dir,
      env: {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        ...inputEnv,
        ...env,
      },
    },
  );
  let log = '';
  child.stdout.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr.on('data', (c: Buffer) => (log += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    code,
    log,
    errors: log.split('\n').filter((line) => line.startsWith('::error::')),
    outputs: readOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    elapsedMs: Date.now() - started,
  };
}
