/**
 * The Argo CD stand-in against its contract: status codes and error bodies from API-NOTES, the operation
 * lifecycle, history ids, auto-sync refusals, the stream, faults, TLS, project tokens — and every request
 * and response it handled validated against the published swagger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArgoCdClient,
  ArgoCdError,
  OPERATION_NONCE_INFO,
  observeApplication,
  waitForApplication,
  newestHistoryId,
  waitForDeployment,
  waitForRollback,
  type Application,
} from '../../../shared/argocd/index.js';
import { commitToBareRepo } from '../../../sandbox/git-server.js';
import { startArgoCdStandIn, type ArgoCdStandIn } from '../../../sandbox/argocd/index.js';
import {
  deployInitially,
  kustomizeApp,
  startDeployEnvironment,
  under,
  type DeployEnvironment,
} from './support.js';
import { SwaggerContract } from './swagger.js';

let env: DeployEnvironment;
let client: ArgoCdClient;
let v1: string;
let v2: string;
const quiet = { info: () => undefined };
const contract = new SwaggerContract();

async function raw(
  path: string,
  init: RequestInit & { token?: string | null } = {},
): Promise<{ status: number; text: string; json: unknown; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? env.standIn.adminToken}`);
  const response = await fetch(`${env.standIn.url}${path}`, { ...init, headers });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, headers: response.headers };
}

function postJson(path: string, body: unknown, token?: string | null): ReturnType<typeof raw> {
  return raw(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
    token,
  });
}

async function syncAndWait(name: string, revision: string): Promise<Application> {
  const nonce = `${name}-${Math.random()}`;
  await client.sync(name, { revision, infos: [{ name: OPERATION_NONCE_INFO, value: nonce }] });
  return waitForDeployment(
    client,
    name,
    { revision, requireOperation: true, operationNonce: nonce },
    { timeoutMs: 30_000, log: quiet },
  );
}

beforeAll(async () => {
  env = await startDeployEnvironment((registry) => ({
    ...under('apps/api', kustomizeApp(`${registry}/demo/app:1`, 'api')),
    ...under('apps/hist', kustomizeApp(`${registry}/demo/app:1`, 'hist')),
    ...under('apps/auto', kustomizeApp(`${registry}/demo/app:1`, 'auto')),
    ...under('apps/team', kustomizeApp(`${registry}/demo/app:1`, 'team')),
  }));
  [v1, v2] = await Promise.all([env.images.push('demo/app', '1'), env.images.push('demo/app', '2')]);
  await deployInitially(env, ['api']);
  await deployInitially(env, ['hist'], { revisionHistoryLimit: 2 });
  await deployInitially(env, ['auto'], { automated: true });
  await deployInitially(env, ['team'], { project: 'team-a' });
  client = new ArgoCdClient({ server: env.standIn.url, auth: { token: env.standIn.adminToken } });
}, 180_000);

afterAll(async () => {
  await env?.stop();
});

describe('sessions and errors', () => {
  it('logs in, and refuses bad credentials with Argo CD messages', async () => {
    const ok = await postJson('/api/v1/session', { username: 'admin', password: 'password' }, null);
    expect(ok.status).toBe(200);
    expect((ok.json as { token: string }).token.split('.')).toHaveLength(3);
    expect(ok.headers.get('set-cookie')).toMatch(/^argocd\.token=.+; path=\/; SameSite=lax; httpOnly/);
    const cases: [unknown, number, string][] = [
      [{ username: 'admin', password: 'nope' }, 401, 'Invalid username or password'],
      [{ username: '', password: 'x' }, 401, 'no credentials supplied'],
      [{ username: 'admin', password: '' }, 401, 'Blank passwords are not allowed'],
      [
        { token: 'abc' },
        401,
        'token-based session creation no longer supported. please upgrade argocd cli to v0.7+',
      ],
    ];
    for (const [body, status, message] of cases) {
      const response = await postJson('/api/v1/session', body, null);
      expect(response.status).toBe(status);
      expect(response.json).toEqual({ error: message, code: 16, message });
    }
  });

  it('answers 401 without or with a bad token, and userinfo never 401s', async () => {
    expect(await raw('/api/v1/applications/api', { token: null })).toMatchObject({
      status: 401,
      json: { error: 'no session information', code: 16 },
    });
    const bad = await raw('/api/v1/applications/api', { token: 'a.b.c' });
    expect(bad.status).toBe(401);
    expect((bad.json as { message: string }).message).toMatch(/^invalid session: /);
    expect(await raw('/api/v1/session/userinfo', { token: null })).toMatchObject({
      status: 200,
      json: { loggedIn: false },
    });
    expect(await raw('/api/v1/session/userinfo')).toMatchObject({
      status: 200,
      json: { loggedIn: true, username: 'admin', iss: 'argocd' },
    });
    expect(await raw('/api/version', { token: null })).toMatchObject({ status: 200 });
  });

  it('refuses non-GET requests without application/json with a plain-text 415, DELETE included', async () => {
    const sync = await raw('/api/v1/applications/api/sync', { method: 'POST', body: '{}' });
    expect(sync.status).toBe(415);
    expect(sync.text).toBe('Invalid content type\n');
    const terminate = await raw('/api/v1/applications/api/operation', { method: 'DELETE' });
    expect(terminate.status).toBe(415);
  });

  it('hides apps as getAppEnforceRBAC does: 403 without project, 404 with it', async () => {
    expect(await raw('/api/v1/applications/missing')).toMatchObject({
      status: 403,
      json: { error: 'permission denied', code: 7 },
    });
    expect(await raw('/api/v1/applications/missing?project=default')).toMatchObject({
      status: 404,
      json: { error: 'applications.argoproj.io "missing" not found', code: 5 },
    });
    expect(await raw('/api/v1/applications/team?project=default')).toMatchObject({ status: 404 });
    expect(await raw('/api/v1/applications/api?projects=a&projects=b')).toMatchObject({
      status: 400,
      json: { code: 3 },
    });
  });

  it('scopes project role tokens to their project', async () => {
    const token = env.standIn.createToken('proj:team-a:ci', { projects: ['team-a'] });
    const scoped = new ArgoCdClient({ server: env.standIn.url, auth: { token }, project: 'team-a' });
    expect((await scoped.getApplication('team')).spec.project).toBe('team-a');
    expect((await scoped.listApplications()).map((a) => a.metadata.name)).toEqual(['team']);
    expect(await raw('/api/v1/applications/api', { token })).toMatchObject({ status: 403 });
    expect(await raw('/api/v1/applications/api?project=default', { token })).toMatchObject({ status: 403 });
  });
});

describe('operations', () => {
  it('runs the lifecycle: operation set, Running, Succeeded with operation removed, reconcile afterwards', async () => {
    const seen: Application[] = [];
    const controller = new AbortController();
    const watching = observeApplication(client, 'api', (app) => seen.push(app), {
      signal: controller.signal,
    });
    const head = await commitToBareRepo(
      env.gitopsBare,
      'main',
      under('apps/api', kustomizeApp(v2, 'api')),
      'bump api',
    );
    const refreshed = await client.getApplication('api', { refresh: 'normal' });
    expect(refreshed.status?.sync).toMatchObject({ status: 'OutOfSync', revision: head });
    const response = await client.sync('api', { revision: head });
    expect(response.operation?.sync?.revision).toBe(head);
    expect(response.status?.operationState).toBeUndefined();
    // A second sync while the first is pending is refused (API-NOTES §4), as the real server does.
    const second = await postJson('/api/v1/applications/api/sync', { revision: head });
    expect(second).toMatchObject({
      status: 400,
      json: {
        error: 'another operation is already in progress',
        code: 9,
        message: 'another operation is already in progress',
      },
    });
    const live = await waitForDeployment(
      client,
      'api',
      {
        revision: head,
        requireOperation: true,
        previousOperationStartedAt: refreshed.status?.operationState?.startedAt,
      },
      { timeoutMs: 30_000, log: quiet },
    );
    controller.abort();
    await watching;
    const phases = seen.map((a) => a.status?.operationState?.phase ?? (a.operation ? 'requested' : '-'));
    expect(phases).toContain('Running');
    const finished = seen.find(
      (a) =>
        a.status?.operationState?.phase === 'Succeeded' &&
        a.status.operationState.syncResult?.revision === head,
    );
    expect(finished?.operation).toBeUndefined();
    expect(finished?.status?.operationState?.message).toBe('successfully synced (all tasks run)');
    // Right after the operation the status is still the stale pre-sync comparison: the lag the CLI trips on.
    expect(finished?.status?.sync?.status).toBe('OutOfSync');
    expect(Date.parse(live.status?.reconciledAt as string)).toBeGreaterThanOrEqual(
      Date.parse(live.status?.operationState?.finishedAt as string),
    );
    expect(await (await fetch(env.standIn.serviceUrl('api') as string)).text()).toBe('version 2\n');
  }, 60_000);

  it('keeps revisionHistoryLimit entries with ids that keep counting', async () => {
    let head = '';
    for (const tag of ['2', '1', '2']) {
      head = await commitToBareRepo(
        env.gitopsBare,
        'main',
        under('apps/hist', kustomizeApp(tag === '1' ? v1 : v2, 'hist')),
        `hist ${tag}`,
      );
      await client.getApplication('hist', { refresh: 'normal' });
      await syncAndWait('hist', head);
    }
    const app = await client.getApplication('hist');
    expect(app.status?.history?.map((h) => h.id)).toEqual([2, 3]);
    expect(app.status?.history?.at(-1)?.revision).toBe(head);
  }, 60_000);

  it('rolls back by history id, refuses unknown ids, and leaves the app OutOfSync vs git', async () => {
    const app = await client.getApplication('hist');
    const older = app.status?.history?.[0];
    expect(await postJson('/api/v1/applications/hist/rollback', { id: 99 })).toMatchObject({
      status: 400,
      json: { error: 'application argocd/hist does not have deployment with id 99', code: 3 },
    });
    const response = await client.rollback('hist', { id: older?.id as number });
    expect(response.operation?.sync?.revision).toBe(older?.revision);
    const done = await waitForRollback(
      client,
      'hist',
      { revision: older?.revision as string, previousHistoryId: newestHistoryId(app) },
      { timeoutMs: 30_000, log: quiet },
    );
    expect(done.status?.sync?.status).toBe('OutOfSync');
    expect(done.status?.history?.at(-1)?.revision).toBe(older?.revision);
    expect(await (await fetch(env.standIn.serviceUrl('hist') as string)).text()).toBe('version 1\n');
  }, 60_000);

  it('refuses rollback and off-target syncs when auto-sync is on', async () => {
    expect(await postJson('/api/v1/applications/auto/rollback', { id: 0 })).toMatchObject({
      status: 400,
      json: { error: 'rollback cannot be initiated when auto-sync is enabled', code: 9 },
    });
    const app = await client.getApplication('auto');
    const response = await postJson('/api/v1/applications/auto/sync', {
      revision: app.status?.sync?.revision,
    });
    expect(response).toMatchObject({
      status: 400,
      json: {
        error: `Cannot sync to ${app.status?.sync?.revision}: auto-sync currently set to main`,
        code: 9,
      },
    });
  });

  it('terminates a running operation, and says when there is none', async () => {
    expect(
      await raw('/api/v1/applications/api/operation', {
        method: 'DELETE',
        headers: { 'content-type': 'application/json' },
      }),
    ).toMatchObject({
      status: 400,
      json: { error: 'Unable to terminate operation. No operation is in progress', code: 3 },
    });
    const timing = env.standIn.controller.timing;
    const saved = timing.syncMs;
    timing.syncMs = 3000;
    try {
      const app = await client.getApplication('api');
      await client.sync('api', { revision: app.status?.sync?.revision });
      await waitForApplication(
        client,
        'api',
        (a) => (a.status?.operationState?.phase === 'Running' ? { state: 'done' } : { state: 'waiting' }),
        { timeoutMs: 10_000, log: quiet, what: 'Running' },
      );
      await client.terminateOperation('api');
      const ended = await waitForApplication(
        client,
        'api',
        (a) =>
          !a.operation && a.status?.operationState?.phase === 'Failed'
            ? { state: 'done' }
            : { state: 'waiting' },
        {
          timeoutMs: 10_000,
          log: quiet,
          what: 'terminated',
        },
      );
      expect(ended.status?.operationState?.message).toBe('Operation terminated');
    } finally {
      timing.syncMs = saved;
    }
  }, 30_000);

  it('patches (merge and json) and replaces the spec', async () => {
    const merged = await client.patchApplication('api', {
      spec: { source: { kustomize: { images: [v1] } } },
    });
    expect(merged.spec.source?.kustomize?.images).toEqual([v1]);
    const jsonPatched = await client.patchApplication('api', [
      { op: 'replace', path: '/spec/source/kustomize/images/0', value: v2 },
    ]);
    expect(jsonPatched.spec.source?.kustomize?.images).toEqual([v2]);
    expect(
      await raw('/api/v1/applications/api', {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ patchType: 'strategic', patch: '{}' }),
      }),
    ).toMatchObject({
      status: 400,
      json: { error: "Patch type 'strategic' is not supported" },
    });
    const spec = {
      ...jsonPatched.spec,
      source: { ...jsonPatched.spec.source, kustomize: undefined },
    } as typeof jsonPatched.spec;
    const updated = await client.updateSpec('api', spec);
    expect(updated.source?.kustomize).toBeUndefined();
    const tree = await client.resourceTree('api');
    expect(tree.nodes?.map((n) => n.kind)).toEqual(
      expect.arrayContaining(['Deployment', 'ReplicaSet', 'Pod', 'Service']),
    );
    expect(tree.nodes?.find((n) => n.kind === 'Pod')?.images?.[0]).toContain('demo/app');
  });

  it('fails a sync when the fault says so, with the resource message', async () => {
    env.standIn.setFaults({
      syncFailure: {
        count: 1,
        app: 'api',
        message: 'Deployment.apps "api" is invalid: spec.template: Required value',
      },
    });
    const app = await client.getApplication('api');
    await client.sync('api', { revision: app.status?.sync?.revision });
    const failed = await waitForApplication(
      client,
      'api',
      (a) =>
        !a.operation && a.status?.operationState?.phase === 'Failed'
          ? { state: 'done' }
          : { state: 'waiting' },
      {
        timeoutMs: 10_000,
        log: quiet,
        what: 'failure',
      },
    );
    expect(failed.status?.operationState?.message).toContain(
      'one or more objects failed to apply, reason: Deployment.apps "api" is invalid',
    );
    expect(failed.status?.operationState?.syncResult?.resources?.[0]?.status).toBe('SyncFailed');
  }, 30_000);
});

describe('streams and faults', () => {
  it('streams ADDED then MODIFIED as JSON lines, or SSE on request', async () => {
    const response = await fetch(`${env.standIn.url}/api/v1/stream/applications?name=api`, {
      headers: { authorization: `Bearer ${env.standIn.adminToken}` },
    });
    expect(response.headers.get('content-type')).toBe('application/json');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const line = JSON.parse(first.split('\n')[0] as string) as {
      result: { type: string; application: Application };
    };
    expect(line.result.type).toBe('ADDED');
    expect(line.result.application.metadata.name).toBe('api');
    await reader.cancel();
    const sse = await fetch(`${env.standIn.url}/api/v1/stream/applications?name=api`, {
      headers: { authorization: `Bearer ${env.standIn.adminToken}`, accept: 'text/event-stream' },
    });
    const sseReader = (sse.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await sseReader.read()).value)).toMatch(
      /^data: \{"result":\{"type":"ADDED"/,
    );
    await sseReader.cancel();
  });

  it('survives 5xx (retried), slowness, dropped and unavailable streams', async () => {
    env.standIn.setFaults({ errors: { count: 2, status: 503, path: '/applications/api' } });
    expect((await client.getApplication('api')).metadata.name).toBe('api');
    env.standIn.setFaults({ delayMs: 300 });
    const started = Date.now();
    await client.getApplication('api');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const notices: string[] = [];
    for (const stream of [{ mode: 'drop' as const, afterMs: 50 }, { mode: 'unavailable' as const }]) {
      env.standIn.setFaults({ stream });
      const head = await commitToBareRepo(
        env.gitopsBare,
        'main',
        under('apps/api', kustomizeApp(stream.mode === 'drop' ? v1 : v2, 'api')),
        `api ${stream.mode}`,
      );
      await client.getApplication('api', { refresh: 'normal' });
      const nonce = `fault-${stream.mode}`;
      await client.sync('api', { revision: head, infos: [{ name: OPERATION_NONCE_INFO, value: nonce }] });
      await waitForDeployment(
        client,
        'api',
        { revision: head, requireOperation: true, operationNonce: nonce },
        { timeoutMs: 30_000, pollIntervalMs: 200, log: { info: (m) => notices.push(m) } },
      );
    }
    expect(notices.some((m) => m.includes('reconnecting') || m.includes('broke'))).toBe(true);
    expect(notices.some((m) => m.includes('polling every'))).toBe(true);
    env.standIn.setFaults({});
  }, 90_000);

  it('takes faults and mints tokens over its admin endpoint', async () => {
    const set = await fetch(`${env.standIn.url}/sandbox/v1/faults`, {
      method: 'POST',
      body: JSON.stringify({ errors: { count: 1, status: 500, path: '/applications/api' } }),
    });
    expect(set.status).toBe(200);
    expect(await raw('/api/v1/applications/api')).toMatchObject({
      status: 500,
      json: { code: 13, error: 'injected failure', message: 'injected failure' },
    });
    expect(await raw('/api/v1/applications/api')).toMatchObject({ status: 200 });
    const minted = (await (
      await fetch(`${env.standIn.url}/sandbox/v1/tokens`, {
        method: 'POST',
        body: JSON.stringify({ subject: 'proj:team-a:ci', projects: ['team-a'] }),
      })
    ).json()) as { token: string };
    expect(await raw('/api/v1/applications/team?project=team-a', { token: minted.token })).toMatchObject({
      status: 200,
    });
    expect(await raw('/api/v1/applications/api', { token: minted.token })).toMatchObject({ status: 403 });
    expect((await fetch(`${env.standIn.url}/sandbox/v1/faults`, { method: 'DELETE' })).status).toBe(200);
  });

  it('expires tokens: a token client fails clearly, a password client logs in again', async () => {
    const token = env.standIn.createToken('ci-bot');
    const tokenClient = new ArgoCdClient({ server: env.standIn.url, auth: { token } });
    const passwordClient = new ArgoCdClient({
      server: env.standIn.url,
      auth: { username: 'admin', password: 'password' },
    });
    await passwordClient.getApplication('api');
    env.standIn.setFaults({ expireTokens: true });
    const error = await tokenClient.getApplication('api').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgoCdError);
    expect((error as ArgoCdError).kind).toBe('unauthenticated');
    expect((error as ArgoCdError).serverMessage).toBe(
      'invalid session: token has invalid claims: token is expired',
    );
    expect((await passwordClient.getApplication('api')).metadata.name).toBe('api');
    env.standIn.setFaults({});
  });
});

describe('TLS', () => {
  let secure: ArgoCdStandIn;
  beforeAll(async () => {
    secure = await startArgoCdStandIn({ tls: true });
  });
  afterAll(async () => {
    await secure?.stop();
  });

  it('serves HTTPS with a self-signed certificate that insecure accepts and the default refuses', async () => {
    expect(secure.url).toMatch(/^https:/);
    expect(secure.certificate).toContain('BEGIN CERTIFICATE');
    const insecure = new ArgoCdClient({
      server: secure.url,
      auth: { token: secure.adminToken },
      insecure: true,
    });
    expect((await insecure.userInfo()).loggedIn).toBe(true);
    const strict = new ArgoCdClient({ server: secure.url, auth: { token: secure.adminToken }, retry: false });
    await expect(strict.userInfo()).rejects.toThrow(/certificate/i);
  });
});

describe('the swagger', () => {
  it('validates every request and response the stand-in handled in this file', () => {
    const exchanges = env.standIn.exchanges;
    expect(exchanges.length).toBeGreaterThan(50);
    const operations = new Set(
      exchanges.map((e) => contract.operationFor(e.method, e.path)?.operation.operationId),
    );
    for (const id of [
      'SessionService_Create',
      'SessionService_GetUserInfo',
      'ApplicationService_Get',
      'ApplicationService_List',
      'ApplicationService_Sync',
      'ApplicationService_Rollback',
      'ApplicationService_TerminateOperation',
      'ApplicationService_Watch',
      'ApplicationService_ResourceTree',
      'ApplicationService_Patch',
      'ApplicationService_UpdateSpec',
      'VersionService_Version',
    ]) {
      expect(operations).toContain(id);
    }
    const violations = exchanges.flatMap((exchange) => contract.validate(exchange));
    expect(violations).toEqual([]);
  });

  it('is a check that can fail: a wrong shape is reported', () => {
    const violations = contract.validate({
      method: 'GET',
      path: '/api/v1/applications/x',
      query: {},
      requestHeaders: {},
      requestBody: undefined,
      status: 200,
      contentType: 'application/json',
      responseBody: { metadata: { name: 5 }, status: { history: [{ id: 'one' }] } },
    });
    expect(violations.map((v) => v.problem).join('\n')).toMatch(/must be (string|integer)/);
  });
});
