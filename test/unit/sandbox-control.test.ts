import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { CliIo } from '../../cli/command.js';
import { command as demo } from '../../cli/commands/demo.js';
import { defaultCacheDir, parseRunArgs } from '../../cli/commands/run.js';
import { command as sandbox } from '../../cli/commands/sandbox.js';
import { callerWorkflow } from '../../cli/demo/golden-path.js';
import { liveState, sandboxRunValues } from '../../sandbox/control.js';
import { gitopsFiles, sandboxApp, sandboxGitopsPath, sandboxServices } from '../../sandbox/services.js';
import { startOrder, writeState, type StackState } from '../../sandbox/stack.js';
import { setKustomizeImage } from '../../shared/gitops/index.js';

const work = mkdtempSync(join(tmpdir(), 'paved-sandbox-control-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function io(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    cwd: work,
    env: { PAVED_SANDBOX_DIR: join(work, 'none') },
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    usageError: (m) => {
      lines.push(`paved: ${m}`);
      return 2;
    },
    interactive: false,
  };
}

describe('sandboxRunValues', () => {
  const state: StackState = {
    pid: 1,
    startedAt: '',
    dir: '/x',
    services: [
      {
        name: 'argocd',
        url: 'http://a',
        env: { PAVED_ARGOCD_SERVER: 'http://a', PAVED_ARGOCD_TOKEN: 'jwt' },
      },
      {
        name: 'slack',
        url: 'http://s',
        env: {
          SLACK_API_URL: 'http://s/api/',
          SLACK_BOT_TOKEN: 'xoxb-1',
          SLACK_WEBHOOK_URL_DEPLOYS: 'http://s/h',
        },
      },
      {
        name: 'cache',
        url: 'http://c',
        env: { ACTIONS_RUNTIME_TOKEN: 'rt', ACTIONS_CACHE_SERVICE_V2: 'true' },
      },
    ],
  };
  test('tokens and webhook URLs are secrets, the rest vars, and every value is in the step environment', () => {
    const values = sandboxRunValues(state);
    expect(values.secrets).toEqual({
      PAVED_ARGOCD_TOKEN: 'jwt',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_WEBHOOK_URL_DEPLOYS: 'http://s/h',
      ACTIONS_RUNTIME_TOKEN: 'rt',
    });
    expect(values.vars).toEqual({
      PAVED_ARGOCD_SERVER: 'http://a',
      SLACK_API_URL: 'http://s/api/',
      ACTIONS_CACHE_SERVICE_V2: 'true',
    });
    expect(Object.keys(values.env)).toHaveLength(7);
  });
});

describe('the sandbox stack', () => {
  test('starts in an order where each service finds what it needs', () => {
    expect(startOrder(sandboxServices()).map((s) => s.name)).toEqual([
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
  });

  test.each(['staging', 'production'] as const)(
    'the seeded GitOps folder of %s is one deploy-argocd can bump, at apps/<service>/<env>',
    (environment) => {
      const files = gitopsFiles('127.0.0.1:5000/acme/sample-service');
      expect(sandboxGitopsPath(environment)).toBe(`apps/sample-service/${environment}`);
      expect(sandboxApp(environment)).toBe(`sample-service-${environment}`);
      const kustomization = files[`apps/sample-service/${environment}/kustomization.yaml`] as string;
      const edited = setKustomizeImage(
        kustomization,
        '127.0.0.1:5000/acme/sample-service@sha256:' + 'a'.repeat(64),
      );
      expect(edited.changed).toBe(true);
      expect(edited.text).toContain(`digest: sha256:${'a'.repeat(64)}`);
      expect(files[`apps/sample-service/${environment}/deployment.yaml`]).toContain(
        `environment: ${environment}`,
      );
    },
  );

  test('a state file whose process is gone is stale: liveState removes it', () => {
    const dir = join(work, 'stale');
    writeState(dir, [], 2 ** 22 + 12345);
    expect(liveState(dir)).toBeUndefined();
    expect(liveState(dir)).toBeUndefined();
  });
});

describe('paved run flags for the sandbox and the cache', () => {
  test('--sandbox, --cache-dir and --no-cache parse', () => {
    expect(parseRunArgs(['--sandbox'], {})).toMatchObject({ sandbox: true, cache: true });
    expect(parseRunArgs(['--cache-dir', 'c'], {})).toMatchObject({ cacheDir: 'c' });
    expect(parseRunArgs(['--no-cache'], {})).toMatchObject({ cache: false });
  });

  test('the default cache directory is per repository and outside it', () => {
    const repo = join(work, 'repo');
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(repo, '.github', 'workflows', 'ci.yml'), '');
    const dir = defaultCacheDir({ XDG_CACHE_HOME: '/cache' }, join(repo, '.github', 'workflows', 'ci.yml'));
    expect(dir).toMatch(/^\/cache\/paved\/actions-cache\/[^/]+-[0-9a-f]{16}$/);
    expect(dir.startsWith(repo)).toBe(false);
  });
});

describe('usage errors', () => {
  test('sandbox up/down/status/serve refuse unknown flags and name the usage', async () => {
    for (const sub of ['up', 'down', 'status', 'serve']) {
      const out = io();
      expect(await sandbox.run([sub, '--bogus'], out)).toBe(2);
      expect(out.lines.join('\n')).toContain(`unexpected "--bogus"; usage: paved sandbox ${sub} [--dir DIR]`);
    }
  });

  test('down and status when nothing runs', async () => {
    const down = io();
    expect(await sandbox.run(['down'], down)).toBe(0);
    expect(down.lines).toEqual([`No sandbox runs from ${join(work, 'none')}.`]);
    const status = io();
    expect(await sandbox.run(['status'], status)).toBe(1);
  });

  test('demo refuses a non-empty --dir and unknown flags before starting anything', async () => {
    const full = join(work, 'full');
    mkdirSync(full, { recursive: true });
    writeFileSync(join(full, 'x'), '');
    const out = io();
    expect(await demo.run(['--dir', full], out)).toBe(2);
    expect(out.lines.join('\n')).toContain('is not empty; give a new or empty directory');
    expect(await demo.run(['--fast'], io())).toBe(2);
  });
});

test('the demo caller workflow uses the reusable pipeline with sandbox vars and Vault, no secrets', () => {
  const text = callerWorkflow({ healthDuration: '6s', healthInterval: '1s' });
  expect(text).toContain('uses: paved-dev/paved/.github/workflows/pipeline.yml@v0.1.0');
  expect(text).toContain('vault-url: ${{ vars.PAVED_VAULT_URL }}');
  expect(text).toContain('vault-role: ${{ vars.PAVED_VAULT_ROLE }}');
  expect(text).toContain('id-token: write');
  expect(text).toContain('promote: true');
  expect(text).not.toContain('secrets.');
  expect(text).toContain('health-duration: 6s');
  // The health gate reads real metrics from the sandbox's Prometheus, not only HTTP probes.
  expect(text).toContain('prometheus-url: ${{ vars.PAVED_PROMETHEUS_URL }}');
  expect(text).toMatch(
    /staging-prometheus-query: >-\n\s+\(sum\(increase\(http_requests_total\{app="sample-service",environment="staging",status=~"5\.\."\}/,
  );
  expect(text).toMatch(
    /production-prometheus-query: >-\n\s+\(sum\(increase\(http_requests_total\{app="sample-service",environment="production",status=~"5\.\."\}/,
  );
  expect(text).toContain("prometheus-condition: '< 0.05'");
  expect(text).not.toMatch(/127\.0\.0\.1:\d+/);
});
