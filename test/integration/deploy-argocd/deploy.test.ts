/**
 * deploy-argocd end to end: real registry, real images, real git over HTTP with a token, the Argo CD
 * stand-in running the deployed image as a process. The action runs as its own node process, as on a runner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../../shared/gitops/git.js';
import { ArgoCdClient, waitForApplication } from '../../../shared/argocd/index.js';
import { commitToBareRepo } from '../../../sandbox/git-server.js';
import {
  deployInitially,
  helmApp,
  kustomizeApp,
  startDeployEnvironment,
  under,
  type DeployEnvironment,
} from '../argocd-standin/support.js';
import { runDeployAction } from './run-action.js';

const PARALLEL = Array.from({ length: 10 }, (_, i) => `par-${i}`);
const MANUAL = [
  'demo',
  'again',
  'failing',
  'crashing',
  'slow',
  'busy',
  'apimode',
  'steady',
  'flaky',
  ...PARALLEL,
];

let env: DeployEnvironment;
let v1: string;
let v2: string;
let crash: string;
let neverReady: string;
let lateCrash: string;
let client: ArgoCdClient;

async function head(): Promise<string> {
  return (await runGit(['--git-dir', env.gitopsBare, 'rev-parse', 'refs/heads/main'])).stdout.trim();
}

async function commitCount(): Promise<number> {
  return Number(
    (await runGit(['--git-dir', env.gitopsBare, 'rev-list', '--count', 'refs/heads/main'])).stdout.trim(),
  );
}

async function show(path: string): Promise<string> {
  return (await runGit(['--git-dir', env.gitopsBare, 'show', `refs/heads/main:${path}`])).stdout;
}

function baseInputs(app: string, image: string): Record<string, string> {
  return {
    'argocd-server': env.standIn.url,
    insecure: 'true',
    'argocd-token': env.standIn.adminToken,
    app,
    image,
    'gitops-token': env.git.token,
    timeout: '60s',
  };
}

async function serving(app: string): Promise<string> {
  const url = env.standIn.serviceUrl(app);
  const response = await fetch(url as string);
  return (await response.text()).trim();
}

beforeAll(async () => {
  env = await startDeployEnvironment((registry) => {
    const files: Record<string, string> = {};
    const first = `${registry}/demo/app:1`;
    for (const name of MANUAL) Object.assign(files, under(`apps/${name}`, kustomizeApp(first, name)));
    Object.assign(
      files,
      under('apps/helmy', helmApp(first)),
      under('apps/auto', kustomizeApp(first, 'auto')),
    );
    return files;
  });
  [v1, v2, crash, neverReady, lateCrash] = await Promise.all([
    env.images.push('demo/app', '1'),
    env.images.push('demo/app', '2'),
    env.images.push('demo/app', 'crash', { CRASH: '1' }),
    env.images.push('demo/app', 'never-ready', { NEVER_READY: '1' }),
    env.images.push('demo/app', 'late-crash', { EXIT_AFTER: '6s' }),
  ]);
  await deployInitially(env, [...MANUAL, 'helmy']);
  await deployInitially(env, ['auto'], { automated: true });
  client = new ArgoCdClient({ server: env.standIn.url, auth: { token: env.standIn.adminToken } });
}, 240_000);

afterAll(async () => {
  await env?.stop();
});

describe('deploy-argocd against the stand-in', () => {
  it('deploys a new image through git: commit, sync, the process serves it, outputs are right', async () => {
    expect(await serving('demo')).toBe('version 1');
    const before = await client.getApplication('demo');
    const run = await runDeployAction({
      ...baseInputs('demo', v2),
      environment: 'staging',
      'source-time': '2026-03-01T10:00:00+01:00',
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    const pushed = await head();
    expect(run.outputs['revision']).toBe(pushed);
    expect(run.outputs['gitops-commit']).toBe(pushed);
    expect(run.outputs['previous-image']).toBe(v1);
    expect(run.outputs['previous-history-id']).toBe(String(before.status?.history?.at(-1)?.id));
    expect(run.outputs['previous-revision']).toBe(before.status?.history?.at(-1)?.revision);
    expect(Number(run.outputs['history-id'])).toBe(Number(run.outputs['previous-history-id']) + 1);
    expect(run.outputs['app-url']).toBe(`${env.standIn.url}/applications/demo`);
    expect(await serving('demo')).toBe('version 2');
    const after = await client.getApplication('demo');
    expect(after.status?.sync).toMatchObject({ status: 'Synced', revision: pushed });
    expect(after.status?.history?.at(-1)).toMatchObject({
      id: Number(run.outputs['history-id']),
      revision: pushed,
    });
    // The edit kept the file's comments and quoting; the commit names source and run.
    const kustomization = await show('apps/demo/kustomization.yaml');
    expect(kustomization).toContain('# bumped by CI');
    expect(kustomization).toContain(' # the service');
    expect(kustomization).toContain('newTag: "2"');
    const message = (await runGit(['--git-dir', env.gitopsBare, 'log', '-1', '--format=%B', pushed])).stdout;
    expect(message).toContain(`deploy(demo): ${v2}`);
    expect(message).toContain('Source: acme/shop@0123456789abcdef0123456789abcdef01234567');
    expect(message).toContain('Run: https://github.com/acme/shop/actions/runs/4242');
    // The record paved metrics reads, as git's own trailer parser sees it (service defaults to the app).
    const trailers = (
      await runGit(['--git-dir', env.gitopsBare, 'log', '-1', '--format=%(trailers:only,unfold)', pushed])
    ).stdout;
    expect(trailers.trim().split('\n')).toEqual([
      'Paved-Service: demo',
      'Paved-Environment: staging',
      `Paved-Image: ${v2}`,
      'Paved-Source-Commit: 0123456789abcdef0123456789abcdef01234567',
      'Paved-Source-Time: 2026-03-01T10:00:00+01:00',
      'Paved-Run: https://github.com/acme/shop/actions/runs/4242',
    ]);
    expect(run.summary).toContain('[demo](');
    expect(run.stdout).toContain('Synced/Healthy');
    // Secrets appear only in the runner's ::add-mask:: commands, which the runner swallows.
    const visible = run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    expect(visible).not.toContain(env.standIn.adminToken);
    expect(visible).not.toContain(env.git.token);
  }, 90_000);

  it('is idempotent: the same image again makes no commit and still reports what is live', async () => {
    const first = await runDeployAction(baseInputs('again', v2));
    expect(first.code).toBe(0);
    const count = await commitCount();
    const second = await runDeployAction(baseInputs('again', v2));
    expect(second.errors).toEqual([]);
    expect(second.code).toBe(0);
    expect(await commitCount()).toBe(count);
    expect(second.outputs['gitops-commit']).toBe('');
    expect(second.outputs['revision']).toBe(await head());
    expect(second.outputs['history-id']).toBe(first.outputs['history-id']);
    expect(second.stdout).toContain('nothing to commit');
    expect(await serving('again')).toBe('version 2');
  }, 90_000);

  it('loses no bump when 10 pipelines push to one GitOps repo at once', async () => {
    const count = await commitCount();
    const runs = await Promise.all(
      PARALLEL.map((app) => runDeployAction({ ...baseInputs(app, v2), timeout: '120s' })),
    );
    for (const run of runs) {
      expect(run.errors).toEqual([]);
      expect(run.code).toBe(0);
    }
    expect(await commitCount()).toBe(count + 10);
    const log = (
      await runGit(['--git-dir', env.gitopsBare, 'log', '--format=%s', `-${10}`, 'refs/heads/main'])
    ).stdout
      .trim()
      .split('\n');
    expect(log.sort()).toEqual(PARALLEL.map((app) => `deploy(${app}): ${v2}`).sort());
    const commits = new Set(runs.map((run) => run.outputs['gitops-commit']));
    expect(commits.size).toBe(10);
    for (const app of PARALLEL) {
      expect(await show(`apps/${app}/kustomization.yaml`)).toContain('newTag: "2"');
      expect(await serving(app)).toBe('version 2');
    }
  }, 240_000);

  it('writes Helm values keeping comments', async () => {
    const run = await runDeployAction(baseInputs('helmy', v2));
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    const values = await show('apps/helmy/values.yaml');
    expect(values).toContain('# Default values for demo.');
    expect(values).toContain('repository: ' + v2.slice(0, v2.lastIndexOf(':')) + ' # where CI pushes');
    expect(values).toContain('tag: "2"');
    expect(await serving('helmy')).toBe('version 2');
  }, 90_000);

  it('waits for auto-sync instead of syncing when the app is automated', async () => {
    const run = await runDeployAction(baseInputs('auto', v2));
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Auto-sync is on');
    const app = await client.getApplication('auto');
    expect(app.status?.operationState?.operation.initiatedBy?.automated).toBe(true);
    expect(await serving('auto')).toBe('version 2');
  }, 90_000);

  it('sets the image through the API in api mode', async () => {
    const count = await commitCount();
    const run = await runDeployAction({ ...baseInputs('apimode', v2), mode: 'api', 'gitops-token': '' });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(await commitCount()).toBe(count);
    const app = await client.getApplication('apimode');
    expect(app.spec.source?.kustomize?.images).toEqual([v2]);
    expect(await serving('apimode')).toBe('version 2');
  }, 90_000);

  it('waits for an operation already in progress, then syncs', async () => {
    const timing = env.standIn.controller.timing;
    const saved = timing.syncMs;
    // Someone else's operation that holds the app for 20 s; the action's own sync is quick again.
    timing.syncMs = 20_000;
    try {
      const current = await client.getApplication('busy');
      await client.sync('busy', { revision: current.status?.sync?.revision });
      await waitForApplication(
        client,
        'busy',
        (a) => (a.status?.operationState?.phase === 'Running' ? { state: 'done' } : { state: 'waiting' }),
        {
          timeoutMs: 10_000,
          log: { info: () => undefined },
          what: 'the other operation to run',
        },
      );
      timing.syncMs = saved;
      const run = await runDeployAction(baseInputs('busy', v2));
      expect(run.errors).toEqual([]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('another operation is already in progress');
      expect(await serving('busy')).toBe('version 2');
    } finally {
      timing.syncMs = saved;
    }
  }, 90_000);
});

describe('stable-for', () => {
  it('passes when the app stays Healthy for the whole window', async () => {
    const run = await runDeployAction({ ...baseInputs('steady', v2), 'stable-for': '3s' });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('checking that it stays Healthy for 3s');
  }, 90_000);

  it('fails when the app degrades within the window', async () => {
    const run = await runDeployAction({ ...baseInputs('flaky', lateCrash), 'stable-for': '20s' });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain('stopped being Synced/Healthy');
    expect(run.errors[0]).toContain('Degraded');
  }, 90_000);
});

describe('deploy-argocd failures: one clear error, exit 1', () => {
  it('a wrong token fails before any commit', async () => {
    const count = await commitCount();
    const run = await runDeployAction({ ...baseInputs('demo', v1), 'argocd-token': 'a.b.c' });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain('rejected the token');
    expect(run.errors[0]).toContain('invalid session');
    expect(await commitCount()).toBe(count);
  });

  it('an unknown app says so', async () => {
    const run = await runDeployAction(baseInputs('no-such-app', v2));
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain("Application 'no-such-app' does not exist");
    const scoped = await runDeployAction({ ...baseInputs('no-such-app', v2), project: 'default' });
    expect(scoped.errors[0]).toContain('was not found in project');
  });

  it('a failed sync reports the operation message and the failing resource', async () => {
    env.standIn.setFaults({ syncFailure: { count: 1, app: 'failing' } });
    const run = await runDeployAction(baseInputs('failing', v2));
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain('the sync operation failed: one or more objects failed to apply');
    expect(run.errors[0]).toContain('Deployment/failing');
    env.standIn.setFaults({});
  }, 90_000);

  it('Degraded after the sync fails with the resource tree reason', async () => {
    const run = await runDeployAction(baseInputs('crashing', crash));
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain('health is Degraded');
    expect(run.errors[0]).toContain('CrashLoopBackOff');
    expect(run.errors[0]).toContain('Pod/crashing-');
    // The old version keeps serving, as a rolling update leaves it.
    expect(await serving('crashing')).toBe('version 1');
  }, 90_000);

  it('a timeout shows the last state and the unhealthy resources', async () => {
    const run = await runDeployAction({ ...baseInputs('slow', neverReady), timeout: '15s' });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain('timed out after 15s waiting for revision');
    expect(run.errors[0]).toMatch(/last state (Synced|OutOfSync)\/(Progressing|Healthy) at [0-9a-f]{7}/);
    expect(run.errors[0]).toContain('Deployment/slow (Progressing)');
  }, 60_000);

  it.each([
    [{ image: `${'x'}/app` }, "Input 'image' must be an image reference with a tag or digest"],
    [{ image: 'Not An Image:1' }, "Input 'image' must be an image reference"],
    [
      { 'argocd-server': 'http://argocd.example.com', insecure: 'false' },
      "Input 'argocd-server' must be an https URL",
    ],
    [{ timeout: 'soon' }, "Input 'timeout' must be a duration"],
    [{ 'argocd-token': '' }, "Input 'argocd-token' is required"],
    [{ path: '../etc' }, "Input 'path' must be a path inside the GitOps repository"],
    [
      { mode: 'api', file: 'values.yaml', 'gitops-token': '' },
      "Inputs 'mode' and 'file' cannot be used together",
    ],
  ])('bad input %j makes no commit', async (override, message) => {
    const count = await commitCount();
    const run = await runDeployAction({ ...baseInputs('demo', v2), ...override });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(message);
    expect(run.stdout).not.toMatch(/\n\s+at .*\(/);
    expect(await commitCount()).toBe(count);
  });

  it('a file that is not valid YAML fails before committing', async () => {
    await commitToBareRepo(
      env.gitopsBare,
      'main',
      { 'apps/demo/kustomization.yaml': 'images: [unclosed\n' },
      'break it',
    );
    const count = await commitCount();
    const run = await runDeployAction(baseInputs('demo', v1));
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain('is not valid YAML');
    expect(await commitCount()).toBe(count);
  });
});
