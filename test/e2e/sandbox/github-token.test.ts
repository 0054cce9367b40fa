/**
 * `paved run --sandbox` with the GitHub API stand-in, end to end: the GitHub service runs in this
 * process as the sandbox's (state file included, as `paved sandbox serve` writes it), the CLI mints
 * each job's GITHUB_TOKEN there with the job's permissions, and steps call the API with it as a step on
 * GitHub would — with curl-like raw HTTP from a `run:` script, not through Paved's code.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CliIo } from '../../../cli/command.js';
import { runCli } from '../../../cli/main.js';
import type { GitHubRecord } from '../../../sandbox/github/records.js';
import { githubRecordPath, githubService } from '../../../sandbox/github/service.js';
import {
  clearState,
  startStack,
  stopStack,
  writeState,
  type RunningService,
} from '../../../sandbox/stack.js';

const work = mkdtempSync(join(tmpdir(), 'paved-github-token-'));
const sandboxDir = join(work, 'sandbox');
const repo = join(work, 'repo');
let running: RunningService[] = [];

/** A step's view of an API call: `<label> -> <status> <message>`, printed to the job's log. */
const CALL = `const [method, path, body] = process.argv.slice(2);
const response = await fetch(process.env.GITHUB_API_URL + path, {
  method,
  headers: {
    authorization: 'Bearer ' + process.env.TOKEN,
    accept: 'application/vnd.github+json',
    'content-type': 'application/json',
  },
  body,
  signal: AbortSignal.timeout(10000),
});
const answer = await response.json();
console.log(process.env.LABEL + ' -> ' + response.status + ' ' + (answer.message ?? ''));
`;

beforeAll(async () => {
  mkdirSync(sandboxDir, { recursive: true });
  running = await startStack([githubService()], {
    dir: sandboxDir,
    started: new Map(),
    log: () => undefined,
  });
  writeState(sandboxDir, running);
  mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
  writeFileSync(join(repo, 'call.mjs'), CALL);
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  execFileSync('git', ['remote', 'add', 'origin', 'https://github.com/acme/orders.git'], { cwd: repo });
});

afterAll(async () => {
  await stopStack(running, () => undefined);
  clearState(sandboxDir);
  rmSync(work, { recursive: true, force: true });
});

function commit(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) writeFileSync(join(repo, path), text);
  execFileSync('git', ['add', '-A'], { cwd: repo });
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e.invalid', 'commit', '-qm', 'x'], {
    cwd: repo,
  });
}

async function paved(args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const io: CliIo = {
    cwd: repo,
    env: { PAVED_SANDBOX_DIR: sandboxDir, PATH: process.env['PATH'] ?? '' },
    out: (line) => out.push(...line.split('\n')),
    err: (line) => out.push(line),
    usageError: (message) => {
      out.push(message);
      return 2;
    },
    interactive: false,
  };
  return { code: await runCli(args, io), out };
}

function recorded(repository: string): GitHubRecord['repositories'][number] | undefined {
  const record = JSON.parse(readFileSync(githubRecordPath(sandboxDir), 'utf8')) as GitHubRecord;
  return record.repositories.find((r) => r.full_name === repository);
}

/** A job that calls `method path body` with its own GITHUB_TOKEN. */
function callingJob(id: string, permissions: string[], method: string, path: string, body: string): string {
  return [
    `  ${id}:`,
    '    runs-on: ubuntu-24.04',
    '    permissions:',
    ...permissions.map((p) => `      ${p}`),
    '    steps:',
    `      - run: node call.mjs ${method} "${path}" '${body}'`,
    '        env:',
    '          TOKEN: ${{ github.token }}',
    `          LABEL: ${id}`,
  ].join('\n');
}

describe('paved run --sandbox: each job gets a GITHUB_TOKEN with its permissions', () => {
  test('a job without deployments: write is refused with 403; a job granting it records the deployment', async () => {
    const deployment = '/repos/$GITHUB_REPOSITORY/deployments';
    // single-quoted in the script, with the commit spliced in: {"ref":"'"$GITHUB_SHA"'", …}
    const body = `{"ref":"'"$GITHUB_SHA"'","environment":"staging","required_contexts":[]}`;
    commit({
      '.github/workflows/deploy.yml': [
        'on: push',
        'permissions:',
        '  contents: read',
        'jobs:',
        callingJob('denied', ['contents: read'], 'POST', deployment, body),
        callingJob('allowed', ['contents: read', 'deployments: write'], 'POST', deployment, body),
        '',
      ].join('\n'),
    });
    const run = await paved(['run', '.github/workflows/deploy.yml', '--sandbox', '--no-cache']);
    expect(run.code, run.out.join('\n')).toBe(0);
    const lines = run.out.join('\n');
    expect(lines).toContain('denied -> 403 Resource not accessible by integration');
    expect(lines).toContain('allowed -> 201');
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    const deployments = recorded('acme/orders')?.deployments ?? [];
    expect(deployments.map((d) => [d.environment, d.sha])).toEqual([['staging', sha]]);
  }, 120_000);

  test('--event pull_request: the pull request of the payload exists, so a comment on it lands', async () => {
    const comment = (n: number): string => `/repos/$GITHUB_REPOSITORY/issues/${n}/comments`;
    commit({
      '.github/workflows/pr.yml': [
        'on: pull_request',
        'permissions:',
        '  contents: read',
        'jobs:',
        callingJob('comment', ['pull-requests: write'], 'POST', comment(7), '{"body":"results"}'),
        // another pull request than the run's does not exist: GitHub's 404
        callingJob('elsewhere', ['pull-requests: write'], 'POST', comment(8), '{"body":"results"}'),
        '',
      ].join('\n'),
      'event.json': JSON.stringify({ action: 'opened', number: 7, pull_request: { number: 7 } }),
    });
    const run = await paved([
      'run',
      '.github/workflows/pr.yml',
      '--sandbox',
      '--no-cache',
      '--event',
      'pull_request',
      '--eventpath',
      'event.json',
    ]);
    expect(run.code, run.out.join('\n')).toBe(0);
    const lines = run.out.join('\n');
    expect(lines).toContain('comment -> 201');
    expect(lines).toContain('elsewhere -> 404 Not Found');
    const comments = recorded('acme/orders')?.comments ?? [];
    expect(comments.map((c) => [c.issue_number, c.body])).toEqual([[7, 'results']]);
  }, 120_000);
});
