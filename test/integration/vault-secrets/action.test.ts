/**
 * vault-secrets end to end: the bundle (dist/vault-secrets/index.js) runs as the runner runs it, main then
 * post with GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE files, under Node 20 and Node 24, against the Vault
 * stand-in, which trusts a local OIDC issuer that hands the job its token through
 * ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN. Every request the action sends is checked against Vault's OpenAPI
 * document, and no log of any run may show a seeded secret in any form.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { JobIdentity } from '../../../shared/oidc/claims.js';
import { startOidcIssuer, type OidcIssuer } from '../../../shared/oidc/issuer.js';
import { startVaultStandIn, type VaultExchange, type VaultStandIn } from '../../../sandbox/vault/server.js';
import { VaultSpec } from '../../../sandbox/vault/spec.js';
import { repoRoot, requireNode24 } from '../../support/bundles.js';
import { readOutputFile, runnerInputEnv } from '../../support/runner-io.js';

const actionDir = join(repoRoot, 'actions/vault-secrets');
const bundle = join(repoRoot, 'dist/vault-secrets/index.js');
const PAVED_WORKFLOW = 'acme/paved/.github/workflows/deploy.yml@refs/tags/v1.4.0';

/** Every value seeded into Vault: none may appear in any log, raw or encoded. */
const SEEDED = {
  argocd: 'argocd-Tk9#q7Lz/4Wm+x=2',
  gitops: 'ghp_gitopsS3cretValue0123456789',
  slack: 'xoxb-slack-secret-4242-abcd',
  pem: '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n0nlyThisLineIsSecretToo\n-----END KEY-----',
  legacy: 'legacy kv v1 value & more',
  prod: 'prod-db-password-never-shown',
  nested: 'nested-json-secret-1977',
};

let clockOffset = 0;
let issuer: OidcIssuer;
let vault: VaultStandIn;
let dir: string;
let node24: string;
const logs: string[] = [];
const exchanges: VaultExchange[] = [];

interface Step {
  code: number | null;
  log: string;
  outputs: Record<string, string>;
  env: Record<string, string>;
  state: Record<string, string>;
}

function runStep(
  inputs: Record<string, string>,
  options: { env?: Record<string, string>; node?: string; state?: Record<string, string> } = {},
): Promise<Step> {
  const work = mkdtempSync(join(dir, 'step-'));
  const files = { GITHUB_OUTPUT: 'output', GITHUB_ENV: 'env', GITHUB_STATE: 'state' } as const;
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    RUNNER_TEMP: work,
    GITHUB_WORKSPACE: work,
    ...runnerInputEnv(actionDir, inputs),
    ...options.env,
  };
  for (const [name, file] of Object.entries(files)) {
    writeFileSync(join(work, file), '');
    env[name] = join(work, file);
  }
  for (const [key, value] of Object.entries(options.state ?? {})) env[`STATE_${key}`] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [bundle], { env, cwd: work });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      logs.push(log);
      const read = (file: string): Record<string, string> =>
        readOutputFile(readFileSync(join(work, file), 'utf8'));
      resolve({ code, log, outputs: read('output'), env: read('env'), state: read('state') });
    });
  });
}

/** Main, then post with main's state, as the runner does at the end of the job. */
async function runJob(
  inputs: Record<string, string>,
  options: { env?: Record<string, string>; node?: string } = {},
): Promise<{ main: Step; post: Step }> {
  const main = await runStep(inputs, options);
  const post = await runStep(inputs, { ...options, state: main.state });
  return { main, post };
}

/** ACTIONS_ID_TOKEN_REQUEST_* for a job of acme/shop on `ref`, called through Paved's reusable workflow. */
async function oidcEnv(identity: Partial<JobIdentity> = {}): Promise<Record<string, string>> {
  const job = await issuer.register({
    repository: 'acme/shop',
    repositoryOwner: 'acme',
    ref: 'refs/heads/main',
    sha: '0123456789abcdef0123456789abcdef01234567',
    eventName: 'push',
    actor: 'ada',
    workflow: 'deploy',
    workflowRef: 'acme/shop/.github/workflows/deploy.yml@refs/heads/main',
    jobWorkflowRef: PAVED_WORKFLOW,
    runId: '42',
    runNumber: '7',
    runAttempt: '1',
    serverUrl: 'https://github.com',
    ...identity,
  });
  return { ACTIONS_ID_TOKEN_REQUEST_URL: job.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: job.requestToken };
}

/** Marks this test's own requests to the stand-in, which are not the action's. */
const PROBE = 'x-test-probe';

const errorLine = (log: string): string => log.split('\n').find((l) => l.startsWith('::error::')) ?? '';

beforeAll(async () => {
  node24 = requireNode24();
  dir = mkdtempSync(join(tmpdir(), 'paved-vault-action-'));
  issuer = await startOidcIssuer();
  vault = await startVaultStandIn({ now: () => Date.now() + clockOffset });
  vault.enableKv('secret', 2);
  vault.enableKv('kv', 1);
  vault.writeSecret('secret', 'deploy/paved', {
    'argocd-token': SEEDED.argocd,
    gitopsToken: SEEDED.gitops,
    'slack.token': SEEDED.slack,
    signing_key: SEEDED.pem,
    config: { db: { password: SEEDED.nested } },
  });
  vault.writeSecret('secret', 'prod/db', { password: SEEDED.prod });
  vault.writeSecret('kv', 'legacy', { api_key: SEEDED.legacy });
  vault.writePolicy('paved-deploy', [
    { path: 'secret/data/deploy/*', capabilities: ['read'] },
    { path: 'kv/*', capabilities: ['read'] },
    { path: 'secret/data/prod/*', capabilities: ['deny'] },
  ]);
  vault.enableJwt('jwt', { oidc_discovery_url: issuer.issuer, bound_issuer: issuer.issuer });
  const role = {
    role_type: 'jwt' as const,
    user_claim: 'repository',
    bound_audiences: [vault.url],
    bound_claims_type: 'glob' as const,
    bound_claims: { job_workflow_ref: 'acme/paved/.github/workflows/deploy.yml@refs/tags/v*' },
    token_policies: ['paved-deploy'],
    token_ttl: '15m',
  };
  vault.writeJwtRole('jwt', 'paved-deploy', role);
  vault.writeJwtRole('jwt', 'main-only', { ...role, bound_subject: 'repo:acme/shop:ref:refs/heads/main' });
  vault.enableAppRole('approle');
});

afterAll(async () => {
  exchanges.push(...(vault?.exchanges ?? []));
  await vault?.close();
  await issuer?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const DEPLOY_SECRETS = [
  'secret/data/deploy/paved argocd-token | ARGOCD_TOKEN ;',
  'secret/data/deploy/paved gitopsToken ;',
  'secret/data/deploy/paved slack.token',
  'secret/data/deploy/paved signing_key | SIGNING_KEY',
  'secret/data/deploy/paved config.db.password | DB_PASSWORD',
].join('\n');

describe.each([
  ['node20', () => process.execPath],
  ['node24', () => node24],
])('on %s', (_label, nodeOf) => {
  test('jwt + KV v2: named, normalised, nested and multi-line values; the token is revoked in post', async () => {
    const { main, post } = await runJob(
      {
        url: vault.url,
        method: 'jwt',
        role: 'paved-deploy',
        jwtGithubAudience: vault.url,
        secrets: DEPLOY_SECRETS,
        outputToken: 'true',
      },
      { env: await oidcEnv(), node: nodeOf() },
    );
    expect(errorLine(main.log)).toBe('');
    expect(main.code).toBe(0);
    expect(main.outputs).toMatchObject({
      ARGOCD_TOKEN: SEEDED.argocd,
      gitopsToken: SEEDED.gitops,
      slack__token: SEEDED.slack,
      SIGNING_KEY: SEEDED.pem,
      DB_PASSWORD: SEEDED.nested,
    });
    expect(main.env).toEqual({
      ARGOCD_TOKEN: SEEDED.argocd,
      GITOPSTOKEN: SEEDED.gitops,
      SLACK__TOKEN: SEEDED.slack,
      SIGNING_KEY: SEEDED.pem,
      DB_PASSWORD: SEEDED.nested,
    });
    // Every line of the multi-line value is masked on its own.
    for (const line of SEEDED.pem.split('\n')) expect(main.log).toContain(`::add-mask::${line}`);
    expect(main.log).toContain('policies: default, paved-deploy');
    const token = main.outputs['vault_token'] as string;
    expect(token).toMatch(/^hvs\./);
    expect(post.code).toBe(0);
    expect(post.log).toContain('Revoked the Vault token');
    const lookup = await fetch(`${vault.url}/v1/auth/token/lookup-self`, {
      headers: { 'x-vault-token': token, [PROBE]: '1' },
    });
    expect(lookup.status).toBe(403);
  });

  test('approle + KV v1, wildcard with a prefix; exportEnv false exports nothing', async () => {
    const { roleId, secretId } = vault.writeAppRole('approle', 'ci', {
      policies: ['paved-deploy'],
      ttl: '5m',
    });
    const { main, post } = await runJob(
      {
        url: vault.url,
        method: 'approle',
        roleId,
        secretId,
        secrets: 'kv/legacy * | LEGACY_',
        exportEnv: 'false',
      },
      { node: nodeOf() },
    );
    expect(errorLine(main.log)).toBe('');
    expect(main.outputs).toEqual({ LEGACY_api_key: SEEDED.legacy });
    expect(main.env).toEqual({});
    expect(post.log).toContain('Revoked the Vault token');
  });
});

describe('auth methods and their failures', () => {
  test('token: a token passed in is used, and never revoked', async () => {
    const token = vault.createToken({ policies: ['paved-deploy'], ttl: '10m' });
    const { main, post } = await runJob({ url: vault.url, token, secrets: 'secret/data/deploy/paved * ;' });
    expect(errorLine(main.log)).toBe('');
    expect(main.env).toMatchObject({ ARGOCDTOKEN: SEEDED.argocd, GITOPSTOKEN: SEEDED.gitops });
    expect(main.outputs).toMatchObject({ argocdtoken: SEEDED.argocd, gitopsToken: SEEDED.gitops });
    expect(post.log).toContain('No Vault token to revoke');
    const lookup = await fetch(`${vault.url}/v1/auth/token/lookup-self`, {
      headers: { 'x-vault-token': token, [PROBE]: '1' },
    });
    expect(lookup.status).toBe(200);
  });

  test('exportToken keeps the token (VAULT_TOKEN) and post leaves it alone', async () => {
    const { main, post } = await runJob(
      {
        url: vault.url,
        method: 'jwt',
        role: 'paved-deploy',
        jwtGithubAudience: vault.url,
        secrets: 'kv/legacy api_key',
        exportToken: 'true',
      },
      { env: await oidcEnv() },
    );
    const token = main.env['VAULT_TOKEN'] as string;
    expect(token).toMatch(/^hvs\./);
    expect(post.log).toContain('No Vault token to revoke');
    expect(
      (
        await fetch(`${vault.url}/v1/auth/token/lookup-self`, {
          headers: { 'x-vault-token': token, [PROBE]: '1' },
        })
      ).status,
    ).toBe(200);
  });

  test.each([
    ['a wrong audience', { jwtGithubAudience: 'sigstore' }, {}, /invalid audience \(aud\) claim/],
    [
      'another workflow (job_workflow_ref)',
      {},
      { jobWorkflowRef: 'acme/shop/.github/workflows/deploy.yml@refs/heads/main' },
      /claim "job_workflow_ref" does not match/,
    ],
    [
      'a wrong sub',
      { role: 'main-only' },
      { ref: 'refs/heads/feature' },
      /sub claim does not match bound subject/,
    ],
  ])(
    "jwt with %s fails with 400 and Vault's message; nothing is exported",
    async (_name, extra, identity, message) => {
      const { main } = await runJob(
        {
          url: vault.url,
          method: 'jwt',
          role: 'paved-deploy',
          jwtGithubAudience: vault.url,
          secrets: DEPLOY_SECRETS,
          ...extra,
        },
        { env: await oidcEnv(identity) },
      );
      expect(main.code).toBe(1);
      expect(errorLine(main.log)).toMatch(
        /login as role "[a-z-]+" \(jwt at auth\/jwt, audience "[^"]+"\) failed with 400: /,
      );
      expect(errorLine(main.log)).toMatch(message);
      expect(main.outputs).toEqual({});
      expect(main.env).toEqual({});
    },
  );

  test("an expired OIDC token fails with Vault's expiry message", async () => {
    const env = await oidcEnv();
    clockOffset = 3_600_000;
    try {
      const { main } = await runJob(
        {
          url: vault.url,
          method: 'jwt',
          role: 'paved-deploy',
          jwtGithubAudience: vault.url,
          secrets: DEPLOY_SECRETS,
        },
        { env },
      );
      expect(main.code).toBe(1);
      expect(errorLine(main.log)).toMatch(
        /failed with 400: error validating token: invalid expiration time \(exp\) claim: token is expired/,
      );
    } finally {
      clockOffset = 0;
    }
  });

  test('jwt without id-token: write says what to add', async () => {
    const { main } = await runJob({
      url: vault.url,
      method: 'jwt',
      role: 'paved-deploy',
      secrets: DEPLOY_SECRETS,
    });
    expect(errorLine(main.log)).toContain('permissions: id-token: write');
    expect(vault.exchanges.length).toBeGreaterThan(0);
  });

  test('an input error names the input and the accepted form, before any request', async () => {
    const before = vault.exchanges.length;
    const { main } = await runJob({ url: vault.url, token: 't0ken-value', secrets: 'secret/data/ci a b c' });
    expect(errorLine(main.log)).toMatch(
      /^::error::Input 'secrets' has a request "secret\/data\/ci a b c" that has 4 words/,
    );
    expect(vault.exchanges.length).toBe(before);
  });
});

describe('reading', () => {
  const jwtInputs = (secrets: string, extra: Record<string, string> = {}) => ({
    url: vault.url,
    method: 'jwt',
    role: 'paved-deploy',
    jwtGithubAudience: vault.url,
    secrets,
    ...extra,
  });

  test('a denied path names the path and the role; nothing is exported though another secret was read', async () => {
    const { main, post } = await runJob(
      jwtInputs('secret/data/deploy/paved gitopsToken ; secret/data/prod/db password'),
      { env: await oidcEnv() },
    );
    expect(main.code).toBe(1);
    const error = errorLine(main.log);
    expect(error).toContain('permission denied reading secret/data/prod/db');
    expect(error).toContain('role "paved-deploy"');
    expect(error).toContain('none was exported');
    expect(main.outputs).toEqual({});
    expect(main.env).toEqual({});
    // The token obtained before the failure is still revoked.
    expect(post.log).toContain('Revoked the Vault token');
  });

  test('a missing key names the key and lists the keys present, never a value', async () => {
    const { main } = await runJob(jwtInputs('secret/data/deploy/paved argocdToken'), {
      env: await oidcEnv(),
    });
    const error = errorLine(main.log);
    expect(error).toContain(
      'has no key "argocdToken"; its keys are "argocd-token", "gitopsToken", "slack.token", "signing_key", "config"',
    );
  });

  test('a missing path on a v2 mount hints at /data/', async () => {
    const { main } = await runJob(jwtInputs('secret/deploy/paved gitopsToken'), { env: await oidcEnv() });
    expect(errorLine(main.log)).toContain(
      'no secret at secret/deploy/paved (on a KV v2 mount the API path has /data/ after the mount: secret/data/deploy/paved)',
    );
  });

  test('ignoreNotFound warns about what is missing and exports the rest', async () => {
    const { main } = await runJob(
      jwtInputs(
        'secret/data/deploy/paved gitopsToken ; secret/data/deploy/gone x ; secret/data/deploy/paved nope',
        { ignoreNotFound: 'true' },
      ),
      { env: await oidcEnv() },
    );
    expect(main.code).toBe(0);
    expect(main.outputs).toEqual({ gitopsToken: SEEDED.gitops });
    expect(main.log.match(/::warning::Skipped/g)).toHaveLength(2);
  });

  test('the whole secret as JSON (Paved addition)', async () => {
    const { main } = await runJob(jwtInputs('kv/legacy | LEGACY_JSON'), { env: await oidcEnv() });
    expect(JSON.parse(main.outputs['LEGACY_JSON'] as string)).toEqual({ api_key: SEEDED.legacy });
  });

  test('a sealed Vault: retried, then a message that says it is sealed', async () => {
    const token = vault.createToken({ policies: ['paved-deploy'] });
    vault.seal();
    try {
      const { main } = await runJob({ url: vault.url, token, secrets: 'kv/legacy api_key' });
      expect(main.code).toBe(1);
      expect(errorLine(main.log)).toContain(
        'Vault is sealed (503 on GET /v1/auth/token/lookup-self, still after retries)',
      );
    } finally {
      vault.unseal();
    }
  });

  test('a burst of 503, 429 and 412 is retried with backoff and the read succeeds', async () => {
    const token = vault.createToken({ policies: ['paved-deploy'] });
    vault.failNext(503, 2);
    vault.failNext(429, 1, 0);
    vault.failNext(412, 1);
    const { main } = await runJob({ url: vault.url, token, secrets: 'kv/legacy api_key' });
    expect(errorLine(main.log)).toBe('');
    expect(main.outputs).toEqual({ api_key: SEEDED.legacy });
  });
});

describe('TLS', () => {
  let tlsVault: VaultStandIn;
  let caBase64: string;
  beforeAll(async () => {
    const certs = mkdtempSync(join(dir, 'tls-'));
    const run = (args: string[]): void => {
      const result = spawnSync('openssl', args, { cwd: certs, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
    };
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=Paved test CA',
    ]);
    run([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1',
    ]);
    writeFileSync(join(certs, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    run([
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
    ]);
    tlsVault = await startVaultStandIn({
      tls: {
        key: readFileSync(join(certs, 'server.key'), 'utf8'),
        cert: readFileSync(join(certs, 'server.pem'), 'utf8'),
      },
    });
    tlsVault.enableKv('kv', 1);
    tlsVault.writeSecret('kv', 'legacy', { api_key: SEEDED.legacy });
    caBase64 = readFileSync(join(certs, 'ca.pem')).toString('base64');
  });
  afterAll(async () => {
    exchanges.push(...(tlsVault?.exchanges ?? []));
    await tlsVault?.close();
  });

  test('caCertificate trusts the private CA', async () => {
    const { main } = await runJob({
      url: tlsVault.url,
      token: tlsVault.rootToken,
      secrets: 'kv/legacy api_key',
      caCertificate: caBase64,
    });
    expect(errorLine(main.log)).toBe('');
    expect(main.outputs).toEqual({ api_key: SEEDED.legacy });
  });
  test('without it the certificate is refused, and the message says so', async () => {
    const { main } = await runJob({
      url: tlsVault.url,
      token: tlsVault.rootToken,
      secrets: 'kv/legacy api_key',
    });
    expect(main.code).toBe(1);
    expect(errorLine(main.log)).toMatch(/certificate/i);
  });
  test('tlsSkipVerify connects and warns', async () => {
    const { main } = await runJob({
      url: tlsVault.url,
      token: tlsVault.rootToken,
      secrets: 'kv/legacy api_key',
      tlsSkipVerify: 'true',
    });
    expect(main.outputs).toEqual({ api_key: SEEDED.legacy });
    expect(main.log).toContain('::warning::tlsSkipVerify is on');
  });
});

describe('after every run above', () => {
  test("every request the action sent is one of Vault's documented operations, as documented", () => {
    const all = [...exchanges, ...vault.exchanges].filter((e) => !e.headerNames.includes(PROBE));
    expect(all.length).toBeGreaterThan(40);
    const spec = new VaultSpec();
    const used = new Set<string>();
    for (const exchange of all) {
      expect(exchange.operationId, `${exchange.method} ${exchange.path}`).toBeDefined();
      expect(exchange.problems, `${exchange.method} ${exchange.path}`).toEqual([]);
      const documented = spec
        .matches(exchange.method, exchange.path.replace(/^\/v1/, ''))
        .map((r) => r.operationId);
      expect(documented).toContain(exchange.operationId);
      // Names only: the client always marks its requests as API requests.
      expect(exchange.headerNames).toContain('x-vault-request');
      used.add(exchange.operationId as string);
    }
    expect([...used].sort()).toEqual(
      expect.arrayContaining([
        'jwt-login',
        'app-role-login',
        'token-look-up-self',
        'token-revoke-self',
        'kv-v2-read',
        'kv-v1-read',
      ]),
    );
  });

  test('no log shows a seeded value, raw, base64 or URL-encoded', () => {
    expect(logs.length).toBeGreaterThan(20);
    // `::add-mask::` lines are how the runner learns the values; it consumes them, they never reach the log.
    const shown = logs
      .join('\n')
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    for (const value of Object.values(SEEDED)) {
      const forms = new Set([value, Buffer.from(value).toString('base64'), encodeURIComponent(value)]);
      for (const line of value.split('\n')) if (line.length >= 8) forms.add(line);
      for (const form of forms)
        expect(shown.includes(form), `a form of a seeded value in the logs: ${form.slice(0, 6)}…`).toBe(
          false,
        );
    }
  });
});
