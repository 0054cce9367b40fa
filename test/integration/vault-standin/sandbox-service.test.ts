/**
 * The sandbox's `oidc` and `vault` services as `paved sandbox up` starts them: a job registered with the
 * issuer through its admin API (as `paved run --sandbox` does) logs in to Vault with its ID token through
 * Paved's reusable workflow and reads the seeded deploy credentials; the same job outside a reusable
 * workflow is refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { remoteOidcIssuer } from '../../../shared/oidc/issuer.js';
import { SANDBOX_VAULT_ROLE, SANDBOX_VAULT_SECRET, sandboxServices } from '../../../sandbox/services.js';
import { stopStack, type RunningService, type StackContext } from '../../../sandbox/stack.js';

const dir = mkdtempSync(join(tmpdir(), 'paved-sandbox-vault-'));
const running: RunningService[] = [];
const context: StackContext = { dir, started: new Map(), log: () => undefined };
const stub = (
  name: string,
  details: Record<string, string>,
  env: Record<string, string> = {},
): RunningService => ({
  name,
  url: `http://127.0.0.1/${name}`,
  details,
  env,
  stop: async () => undefined,
});

beforeAll(async () => {
  // The services the vault seeds its KV from, as recorded by their own definitions.
  context.started.set('git', stub('git', { token: 'gitops-sandbox-token' }));
  context.started.set('argocd', stub('argocd', { token: 'argocd-sandbox-token' }));
  context.started.set('slack', stub('slack', {}, { SLACK_BOT_TOKEN: 'xoxb-sandbox-token' }));
  for (const name of ['oidc', 'vault']) {
    const definition = sandboxServices().find((d) => d.name === name);
    if (!definition) throw new Error(`no '${name}' service in the sandbox`);
    const service = await definition.start(context);
    running.push(service);
    context.started.set(name, service);
  }
});
afterAll(async () => {
  await stopStack(running);
  rmSync(dir, { recursive: true, force: true });
});

async function loginAs(jobWorkflowRef: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const oidc = context.started.get('oidc') as RunningService;
  const vault = context.started.get('vault') as RunningService;
  expect(oidc.details).toEqual({ issuer: oidc.url, 'admin-token': expect.any(String) });
  // The admin token is never handed to a pipeline.
  expect(Object.values(oidc.env ?? {})).not.toContain(oidc.details?.['admin-token']);
  const issuer = remoteOidcIssuer(
    oidc.details?.['issuer'] as string,
    oidc.details?.['admin-token'] as string,
  );
  const job = await issuer.register({
    repository: 'acme/shop',
    repositoryOwner: 'acme',
    ref: 'refs/heads/main',
    sha: 'a'.repeat(40),
    eventName: 'push',
    actor: 'ada',
    workflow: 'ci',
    workflowRef: 'acme/shop/.github/workflows/ci.yml@refs/heads/main',
    jobWorkflowRef,
    runId: '1',
    runNumber: '1',
    runAttempt: '1',
    serverUrl: 'https://github.com',
  });
  const url = new URL(job.requestUrl);
  url.searchParams.set('audience', vault.env?.['PAVED_VAULT_URL'] as string);
  const idToken = (
    (await (await fetch(url, { headers: { authorization: `Bearer ${job.requestToken}` } })).json()) as {
      value: string;
    }
  ).value;
  const login = await fetch(`${vault.url}/v1/auth/jwt/login`, {
    method: 'POST',
    body: JSON.stringify({ role: vault.env?.['PAVED_VAULT_ROLE'], jwt: idToken }),
  });
  return { status: login.status, body: (await login.json()) as Record<string, unknown> };
}

test('a job in a reusable workflow logs in with its ID token and reads the seeded deploy credentials', async () => {
  const vault = context.started.get('vault') as RunningService;
  expect(vault.env).toMatchObject({
    PAVED_VAULT_ROLE: SANDBOX_VAULT_ROLE,
    PAVED_VAULT_SECRET_PATH: SANDBOX_VAULT_SECRET,
  });
  const login = await loginAs('acme/paved/.github/workflows/deploy.yml@refs/heads/main');
  expect(login.status).toBe(200);
  const token = (login.body['auth'] as Record<string, string>)['client_token'] as string;
  const read = await fetch(`${vault.url}/v1/${SANDBOX_VAULT_SECRET}`, {
    headers: { 'x-vault-token': token },
  });
  expect(((await read.json()) as { data: { data: unknown } }).data.data).toEqual({
    'argocd-token': 'argocd-sandbox-token',
    'gitops-token': 'gitops-sandbox-token',
    'slack-token': 'xoxb-sandbox-token',
  });
});

test("a job in the team's own workflow (not one of Paved's) is refused by the role", async () => {
  const login = await loginAs('acme/shop/.github/workflows/ci.yml@refs/heads/main');
  expect(login.status).toBe(400);
  expect(String(login.body['errors'])).toMatch(/job_workflow_ref/);
});
