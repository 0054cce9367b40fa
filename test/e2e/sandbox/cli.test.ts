/**
 * `paved sandbox up|status|down` as a user runs them (separate processes of the CLI), and
 * `paved run --sandbox` against the running sandbox: every service starts for real, answers, hands a
 * workflow its values, and `down` leaves no process behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { readState, statePath } from '../../../sandbox/stack.js';
import { stopDetached } from '../../../sandbox/control.js';
import { processTree, stillRunning } from '../../support/processes.js';

const root = resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'paved-sandbox-cli-'));
const dir = join(work, 'sandbox');

afterAll(async () => {
  await stopDetached(dir, 5000).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

function paved(args: string[], cwd = work): Promise<{ code: number; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(join(root, 'node_modules/tsx/dist/esm/index.mjs')).href,
        join(root, 'cli/index.ts'),
        ...args,
      ],
      { cwd, env: { ...process.env, PAVED_SANDBOX_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, out }));
  });
}

describe('paved sandbox', () => {
  let tree: number[] = [];

  test('status before up says nothing runs and exits 1', async () => {
    const status = await paved(['sandbox', 'status']);
    expect(status.code).toBe(1);
    expect(status.out).toContain(`No sandbox runs from ${dir}`);
  });

  test('up starts every service detached and prints what a pipeline needs', async () => {
    const up = await paved(['sandbox', 'up']);
    expect(up.code, up.out).toBe(0);
    const state = readState(dir);
    expect(state?.services.map((s) => s.name)).toEqual([
      'registry',
      'git',
      'argocd',
      'prometheus',
      'slack',
      'actions-cache',
      'oidc',
      'vault',
      'github',
    ]);
    for (const service of state?.services ?? []) expect(up.out).toContain(service.url);
    for (const name of [
      'PAVED_ARGOCD_SERVER',
      'PAVED_ARGOCD_TOKEN',
      'PAVED_REGISTRY',
      'PAVED_BASE_IMAGE',
      'SLACK_API_URL',
      'SLACK_BOT_TOKEN',
      'PAVED_GITOPS_REPO',
      'PAVED_STAGING_ARGOCD_APP',
      'PAVED_STAGING_GITOPS_PATH',
      'PAVED_STAGING_URL',
      'PAVED_PRODUCTION_ARGOCD_APP',
      'PAVED_PRODUCTION_GITOPS_PATH',
      'PAVED_PRODUCTION_URL',
      'PAVED_VAULT_URL',
      'PAVED_VAULT_ROLE',
      'ACTIONS_RESULTS_URL',
      'ACTIONS_RUNTIME_TOKEN',
      'ACTIONS_CACHE_SERVICE_V2',
    ])
      expect(up.out).toMatch(new RegExp(`^  ${name}=.+$`, 'm'));
    // The registry holds the base image; the GitOps repo is served with the token.
    const registry = state?.services.find((s) => s.name === 'registry');
    const tags = (await (await fetch(`${registry?.url}/v2/paved/node/tags/list`)).json()) as {
      tags: string[];
    };
    expect(tags.tags).toContain('20');
    const git = state?.services.find((s) => s.name === 'git');
    expect((await fetch(`${git?.details?.['gitops-repo']}/info/refs?service=git-upload-pack`)).status).toBe(
      401,
    );
    // One Argo CD application per environment, each with its own Service.
    const argocd = state?.services.find((s) => s.name === 'argocd');
    expect(up.out).toMatch(/^ {2}PAVED_STAGING_ARGOCD_APP=sample-service-staging$/m);
    expect(up.out).toMatch(/^ {2}PAVED_PRODUCTION_ARGOCD_APP=sample-service-production$/m);
    expect(argocd?.details?.['staging-url']).not.toBe(argocd?.details?.['production-url']);
    for (const app of ['sample-service-staging', 'sample-service-production']) {
      const response = await fetch(`${argocd?.url}/api/v1/applications/${app}`, {
        headers: { authorization: `Bearer ${argocd?.details?.['token']}` },
      });
      expect(response.status, app).toBe(200);
      const body = (await response.json()) as { spec: { source: { path: string } } };
      expect(body.spec.source.path).toBe(`apps/sample-service/${app.replace('sample-service-', '')}`);
    }
    tree = processTree(state?.pid as number);
    // serve, docker-registry and prometheus at least.
    expect(tree.length).toBeGreaterThanOrEqual(3);

    const again = await paved(['sandbox', 'up']);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`The sandbox already runs (pid ${state?.pid}`);
  }, 300_000);

  test('status checks that each service answers', async () => {
    const status = await paved(['sandbox', 'status']);
    expect(status.code, status.out).toBe(0);
    for (const name of [
      'registry',
      'git',
      'argocd',
      'prometheus',
      'slack',
      'actions-cache',
      'oidc',
      'vault',
      'github',
    ])
      expect(status.out).toMatch(new RegExp(`✓ ${name}\\s+http://127\\.0\\.0\\.1:\\d+`));
  });

  test('paved run --sandbox hands the workflow vars, masked secrets and the cache service', async () => {
    const repo = join(work, 'repo');
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      join(repo, '.github', 'workflows', 'show.yml'),
      `name: show
on: push
permissions:
  contents: read
jobs:
  show:
    runs-on: ubuntu-24.04
    steps:
      - run: |
          echo "registry=\${{ vars.PAVED_REGISTRY }}"
          echo "argocd=\${{ vars.PAVED_ARGOCD_SERVER }}"
          echo "token=\${{ secrets.PAVED_ARGOCD_TOKEN }}"
          echo "token-length=\${#PAVED_ARGOCD_TOKEN}"
          echo "cache=$ACTIONS_RESULTS_URL v2=$ACTIONS_CACHE_SERVICE_V2"
`,
    );
    const { spawnSync } = await import('node:child_process');
    spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
    spawnSync('git', ['add', '-A'], { cwd: repo });
    spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e.invalid', 'commit', '-qm', 'x'], {
      cwd: repo,
    });
    const state = readState(dir);
    const env = Object.assign({}, ...(state?.services.map((s) => s.env) ?? [])) as Record<string, string>;
    const run = await paved(['run', '.github/workflows/show.yml', '--sandbox'], repo);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain(`registry=${env['PAVED_REGISTRY']}`);
    expect(run.out).toContain(`argocd=${env['PAVED_ARGOCD_SERVER']}`);
    expect(run.out).toContain('token=***');
    expect(run.out).not.toContain(env['PAVED_ARGOCD_TOKEN']);
    expect(run.out).toContain(`token-length=${env['PAVED_ARGOCD_TOKEN']?.length}`);
    expect(run.out).toContain(`cache=${env['ACTIONS_RESULTS_URL']} v2=true`);
  }, 120_000);

  test('down stops serve and everything it started', async () => {
    expect(stillRunning(tree).length).toBeGreaterThan(0);
    const down = await paved(['sandbox', 'down']);
    expect(down.code).toBe(0);
    expect(down.out).toContain(`The sandbox in ${dir} is stopped.`);
    expect(stillRunning(tree)).toEqual([]);
    expect(existsSync(statePath(dir))).toBe(false);
    expect(readFileSync(join(dir, 'serve.log'), 'utf8')).toContain('sandbox stopped');
    const status = await paved(['sandbox', 'status']);
    expect(status.code).toBe(1);
  }, 60_000);

  test('paved run --sandbox without a sandbox is a usage error naming the fix', async () => {
    const run = await paved(['run', '.github/workflows/show.yml', '--sandbox'], join(work, 'repo'));
    expect(run.code).toBe(2);
    expect(run.out).toContain(`--sandbox: no sandbox runs from ${dir}; start one with 'paved sandbox up'`);
  });
});
