/**
 * The Vault stand-in against Vault's contract: each route with Vault's envelope and errors, every request
 * checked against HashiCorp's OpenAPI document, and the checks that make Vault secure (JWT signature,
 * issuer, audience, bound claims, expiry; token TTL and revocation; policies with globs and deny).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startOidcIssuer, type OidcIssuer } from '../../../shared/oidc/issuer.js';
import { startVaultStandIn, type VaultStandIn } from '../../../sandbox/vault/server.js';
import { VaultSpec } from '../../../sandbox/vault/spec.js';
import { capabilitiesFor } from '../../../sandbox/vault/policy.js';

let clock = Date.now();
let issuer: OidcIssuer;
let vault: VaultStandIn;

async function call(
  method: string,
  path: string,
  options: { token?: string; json?: unknown; raw?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  const headers: Record<string, string> = {};
  if (options.token) headers['x-vault-token'] = options.token;
  const body = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${vault.url}/v1/${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const iat = Math.floor(clock / 1000);
  return {
    sub: 'repo:acme/shop:ref:refs/heads/main',
    aud: 'https://vault.example.com',
    repository: 'acme/shop',
    job_workflow_ref: 'acme/paved/.github/workflows/deploy.yml@refs/tags/v1.4.0',
    iat,
    nbf: iat - 600,
    exp: iat + 300,
    ...overrides,
  };
};

beforeAll(async () => {
  issuer = await startOidcIssuer({ now: () => clock });
  vault = await startVaultStandIn({ now: () => clock });
  vault.enableKv('secret', 2);
  vault.enableKv('kv', 1);
  vault.writeSecret('secret', 'deploy/argocd', { token: 'argocd-secret-value', server: 'https://cd' });
  vault.writeSecret('secret', 'prod/db', { password: 'prod-db-password' });
  vault.writeSecret('kv', 'legacy', { api_key: 'legacy-key' });
  vault.writePolicy('deploy', [
    { path: 'secret/data/*', capabilities: ['read'] },
    { path: 'secret/data/prod/*', capabilities: ['deny'] },
    { path: 'kv/+', capabilities: ['read'] },
  ]);
  vault.enableJwt('jwt', { oidc_discovery_url: issuer.issuer, bound_issuer: issuer.issuer });
  vault.writeJwtRole('jwt', 'deploy', {
    role_type: 'jwt',
    user_claim: 'repository',
    bound_audiences: ['https://vault.example.com'],
    bound_claims_type: 'glob',
    bound_claims: { job_workflow_ref: 'acme/paved/.github/workflows/deploy.yml@refs/tags/v*' },
    token_policies: ['deploy'],
    token_ttl: '10m',
  });
});
afterAll(async () => {
  await vault?.close();
  await issuer?.close();
});

describe('the document', () => {
  test('the bundled copy is the one in ../shared/vault', () => {
    const bundled = readFileSync(join(import.meta.dirname, '../../../sandbox/vault/openapi.json'), 'utf8');
    expect(JSON.parse(bundled)).toEqual(JSON.parse(readFileSync('/work/shared/vault/openapi.json', 'utf8')));
  });
  test('a body that does not match the schema is refused with 400, as Vault refuses it', async () => {
    const answer = await call('POST', 'auth/jwt/login', { json: { role: 'deploy', jwt: 42 } });
    expect(answer.status).toBe(400);
    expect((answer.body?.['errors'] as string[]).join()).toMatch(/jwt.*must be string/);
  });
  test('a body that is not JSON is refused with 400', async () => {
    const answer = await call('POST', 'auth/jwt/login', { raw: '{nope' });
    expect(answer.status).toBe(400);
    expect(String(answer.body?.['errors'])).toMatch(/failed to parse JSON input/);
  });
  test('a route outside the document is 404, a method outside it 405', async () => {
    expect((await call('GET', 'sys/nonsense/route', { token: vault.rootToken })).status).toBe(404);
    expect((await call('DELETE', 'auth/token/lookup-self', { token: vault.rootToken })).status).toBe(405);
  });
});

describe('health and seal', () => {
  test('sys/health answers 200 unsealed and 503 sealed; everything else is 503 while sealed', async () => {
    const healthy = await call('GET', 'sys/health');
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatchObject({ initialized: true, sealed: false, standby: false });
    vault.seal();
    try {
      expect((await call('GET', 'sys/health')).body).toMatchObject({ sealed: true });
      expect((await call('GET', 'sys/health')).status).toBe(503);
      const read = await call('GET', 'secret/data/deploy/argocd', { token: vault.rootToken });
      expect(read).toEqual({ status: 503, body: { errors: ['Vault is sealed'] } });
    } finally {
      vault.unseal();
    }
  });
  test('failNext answers transient errors, then serves again', async () => {
    vault.failNext(429, 2, 1);
    expect((await call('GET', 'secret/data/deploy/argocd', { token: vault.rootToken })).status).toBe(429);
    expect((await call('GET', 'secret/data/deploy/argocd', { token: vault.rootToken })).status).toBe(429);
    expect((await call('GET', 'secret/data/deploy/argocd', { token: vault.rootToken })).status).toBe(200);
  });
});

describe('JWT login', () => {
  const login = (jwt: string, role = 'deploy') => call('POST', 'auth/jwt/login', { json: { role, jwt } });

  test('a token that meets every bound gets a Vault token with the role policies and TTL', async () => {
    const answer = await login(issuer.sign(claims()));
    expect(answer.status).toBe(200);
    const auth = answer.body?.['auth'] as Record<string, unknown>;
    expect(auth['policies']).toEqual(['default', 'deploy']);
    expect(auth['lease_duration']).toBe(600);
    expect(auth['metadata']).toEqual({ role: 'deploy' });
    expect(answer.body).toMatchObject({ data: null, lease_id: '', wrap_info: null });
  });
  test.each([
    ['wrong audience', { aud: 'sigstore' }, 'invalid audience (aud) claim'],
    [
      'job_workflow_ref of another workflow',
      { job_workflow_ref: 'acme/shop/.github/workflows/x.yml@refs/heads/main' },
      'claim "job_workflow_ref" does not match any associated bound claim values',
    ],
    [
      'a branch instead of a release tag',
      { job_workflow_ref: 'acme/paved/.github/workflows/deploy.yml@refs/heads/main' },
      'does not match',
    ],
    [
      'expired',
      { exp: Math.floor(clock / 1000) - 3600, nbf: Math.floor(clock / 1000) - 7200 },
      'token is expired',
    ],
    [
      'not yet valid',
      { nbf: Math.floor(clock / 1000) + 3600, exp: Math.floor(clock / 1000) + 7200 },
      'not yet valid',
    ],
    ['another issuer', { iss: 'https://token.actions.githubusercontent.com' }, 'invalid issuer (iss) claim'],
  ])("%s is refused with 400 and Vault's message", async (_name, overrides, message) => {
    const answer = await login(issuer.sign(claims(overrides)));
    expect(answer.status).toBe(400);
    expect((answer.body?.['errors'] as string[]).join()).toContain(message);
  });
  test('a token signed by another key is refused', async () => {
    const other = await startOidcIssuer();
    try {
      const answer = await login(other.sign({ ...claims(), iss: issuer.issuer }));
      expect(answer.status).toBe(400);
      expect(String(answer.body?.['errors'])).toMatch(/error validating token/);
    } finally {
      await other.close();
    }
  });
  test('an unknown role and a missing role are 400', async () => {
    expect((await login(issuer.sign(claims()), 'nope')).body).toEqual({
      errors: ['role "nope" could not be found'],
    });
    expect((await call('POST', 'auth/jwt/login', { json: { jwt: issuer.sign(claims()) } })).body).toEqual({
      errors: ['missing role'],
    });
  });
  test('exact bound claims and bound_subject', async () => {
    vault.writeJwtRole('jwt', 'exact', {
      user_claim: 'sub',
      bound_audiences: ['https://vault.example.com'],
      bound_subject: 'repo:acme/shop:environment:production',
      bound_claims: { repository: ['acme/shop', 'acme/cart'] },
      token_policies: ['deploy'],
    });
    expect(
      (await login(issuer.sign(claims({ sub: 'repo:acme/shop:environment:production' })), 'exact')).status,
    ).toBe(200);
    const wrongSub = await login(issuer.sign(claims()), 'exact');
    expect(wrongSub.body).toEqual({ errors: ['sub claim does not match bound subject'] });
    const wrongRepo = await login(
      issuer.sign(claims({ sub: 'repo:acme/shop:environment:production', repository: 'acme/other' })),
      'exact',
    );
    expect(String(wrongRepo.body?.['errors'])).toMatch(/claim "repository" does not match/);
  });
});

describe('tokens and policies', () => {
  const jwtToken = async (): Promise<string> => {
    const answer = await call('POST', 'auth/jwt/login', {
      json: { role: 'deploy', jwt: issuer.sign(claims()) },
    });
    return (answer.body?.['auth'] as Record<string, string>)['client_token'] as string;
  };

  test('KV v2 read returns data.data and metadata; v1 returns the map', async () => {
    const token = await jwtToken();
    const v2 = await call('GET', 'secret/data/deploy/argocd', { token });
    expect(v2.status).toBe(200);
    expect((v2.body?.['data'] as Record<string, unknown>)['data']).toEqual({
      token: 'argocd-secret-value',
      server: 'https://cd',
    });
    expect((v2.body?.['data'] as Record<string, Record<string, unknown>>)['metadata']).toMatchObject({
      version: 1,
      destroyed: false,
    });
    const v1 = await call('GET', 'kv/legacy', { token });
    expect(v1.body?.['data']).toEqual({ api_key: 'legacy-key' });
  });
  test('a missing secret is 404 with an empty errors list', async () => {
    expect(await call('GET', 'secret/data/deploy/nothing', { token: await jwtToken() })).toEqual({
      status: 404,
      body: { errors: [] },
    });
  });
  test('deny on a more specific path wins; a path outside every policy is denied', async () => {
    const token = await jwtToken();
    expect(await call('GET', 'secret/data/prod/db', { token })).toEqual({
      status: 403,
      body: { errors: ['permission denied'] },
    });
    expect((await call('GET', 'kv/deep/legacy', { token })).status).toBe(403);
    expect(
      (await call('POST', 'secret/data/deploy/argocd', { token, json: { data: { token: 'x' } } })).status,
    ).toBe(403);
  });
  test('policy globs: + is one segment, * a prefix, and deny merges across policies', () => {
    const policies = new Map([
      [
        'a',
        [
          { path: 'secret/data/+/db', capabilities: ['read' as const] },
          { path: 'secret/*', capabilities: ['list' as const] },
        ],
      ],
      ['b', [{ path: 'secret/data/+/db', capabilities: ['deny' as const] }]],
    ]);
    expect([...capabilitiesFor(policies, ['a'], 'secret/data/prod/db')]).toEqual(['read']);
    expect([...capabilitiesFor(policies, ['a'], 'secret/data/prod/x/db')]).toEqual(['list']);
    expect([...capabilitiesFor(policies, ['a', 'b'], 'secret/data/prod/db')]).toEqual(['deny']);
  });
  test('tokens expire at their TTL', async () => {
    const token = await jwtToken();
    const looked = await call('GET', 'auth/token/lookup-self', { token });
    expect((looked.body?.['data'] as Record<string, unknown>)['ttl']).toBe(600);
    clock += 601_000;
    try {
      expect(await call('GET', 'secret/data/deploy/argocd', { token })).toEqual({
        status: 403,
        body: { errors: ['permission denied'] },
      });
    } finally {
      clock -= 601_000;
    }
  });
  test('revoke-self answers 204 and ends the token', async () => {
    const token = await jwtToken();
    expect((await call('POST', 'auth/token/revoke-self', { token })).status).toBe(204);
    expect((await call('GET', 'auth/token/lookup-self', { token })).status).toBe(403);
  });
  test('AppRole: role-id and secret-id log in; a wrong secret-id is 400', async () => {
    vault.enableAppRole('approle');
    const root = vault.rootToken;
    expect(
      (
        await call('POST', 'auth/approle/role/ci', {
          token: root,
          json: { token_policies: ['deploy'], token_ttl: '5m' },
        })
      ).status,
    ).toBe(204);
    const roleId = (
      (await call('GET', 'auth/approle/role/ci/role-id', { token: root })).body?.['data'] as Record<
        string,
        string
      >
    )['role_id'];
    const secretId = (
      (await call('POST', 'auth/approle/role/ci/secret-id', { token: root, json: {} })).body?.[
        'data'
      ] as Record<string, string>
    )['secret_id'];
    const ok = await call('POST', 'auth/approle/login', { json: { role_id: roleId, secret_id: secretId } });
    expect((ok.body?.['auth'] as Record<string, unknown>)['lease_duration']).toBe(300);
    const bad = await call('POST', 'auth/approle/login', { json: { role_id: roleId, secret_id: 'nope' } });
    expect(bad).toEqual({ status: 400, body: { errors: ['invalid role or secret ID'] } });
  });
  test('KV v2 write with a stale cas is 400; a deleted latest version is 404 with its metadata', async () => {
    const root = vault.rootToken;
    const write = await call('POST', 'secret/data/app/config', { token: root, json: { data: { a: '1' } } });
    expect((write.body?.['data'] as Record<string, unknown>)['version']).toBe(1);
    const stale = await call('POST', 'secret/data/app/config', {
      token: root,
      json: { data: { a: '2' }, options: { cas: 0 } },
    });
    expect(stale).toEqual({
      status: 400,
      body: { errors: ['check-and-set parameter did not match the current version'] },
    });
    vault.deleteLatest('secret', 'app/config');
    const gone = await call('GET', 'secret/data/app/config', { token: root });
    expect(gone.status).toBe(404);
    expect((gone.body?.['metadata'] as Record<string, unknown>)['deletion_time']).not.toBe('');
  });
});

describe('every exchange of this file', () => {
  test('every request the stand-in served maps to an operation of the document', () => {
    const spec = new VaultSpec();
    const served = vault.exchanges.filter((e) => e.operationId);
    expect(served.length).toBeGreaterThan(10);
    for (const exchange of served) {
      const candidates = spec.matches(exchange.method, exchange.path.slice(3));
      expect(candidates.map((r) => r.operationId)).toContain(exchange.operationId);
      // What the stand-in answered with success, the document allows.
      if (exchange.status < 300) expect(exchange.problems).toEqual([]);
    }
  });
});
