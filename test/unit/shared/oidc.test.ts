import * as core from '@actions/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { jobClaims, subjectClaim, type JobIdentity } from '../../../shared/oidc/claims.js';
import {
  fetchIssuerJwks,
  remoteOidcIssuer,
  startOidcIssuer,
  type OidcIssuer,
} from '../../../shared/oidc/issuer.js';
import { decodeJwt, verifyJwtSignature } from '../../../shared/oidc/jwt.js';

const job: JobIdentity = {
  repository: 'acme/shop',
  repositoryOwner: 'acme',
  ref: 'refs/heads/main',
  sha: 'a'.repeat(40),
  eventName: 'push',
  actor: 'octocat',
  workflow: 'CI',
  workflowRef: 'acme/shop/.github/workflows/ci.yml@refs/heads/main',
  jobWorkflowRef: 'acme/paved/.github/workflows/delivery.yml@refs/tags/v1',
  runId: '42',
  runNumber: '7',
  runAttempt: '1',
  serverUrl: 'https://github.com',
};

describe('subjectClaim follows GitHub documented formats', () => {
  test.each([
    [{ environment: 'production' }, 'repo:acme/shop:environment:production'],
    [{ eventName: 'pull_request', ref: 'refs/pull/3/merge' }, 'repo:acme/shop:pull_request'],
    [{ ref: 'refs/tags/v1.2.0' }, 'repo:acme/shop:ref:refs/tags/v1.2.0'],
    [{}, 'repo:acme/shop:ref:refs/heads/main'],
    // An environment wins over the event, as on GitHub.
    [{ environment: 'staging', eventName: 'pull_request' }, 'repo:acme/shop:environment:staging'],
  ])('%j -> %s', (change, expected) => {
    expect(subjectClaim({ ...job, ...change })).toBe(expected);
  });

  test('job claims carry ref_type, the environment only when set, and the workflow refs', () => {
    const claims = jobClaims({ ...job, ref: 'refs/tags/v1' });
    expect(claims).toMatchObject({ ref_type: 'tag', job_workflow_ref: job.jobWorkflowRef, sha: job.sha });
    expect(claims).not.toHaveProperty('environment');
    expect(jobClaims({ ...job, environment: 'prod' })['environment']).toBe('prod');
  });
});

describe('the numeric id claims ("OpenID Connect reference", Understanding the OIDC token)', () => {
  // GitHub's example token carries actor_id, repository_id and repository_owner_id as strings of digits:
  // https://docs.github.com/actions/reference/security/oidc#understanding-the-oidc-token
  test('come from the identity when the event payload names them', () => {
    const claims = jobClaims({ ...job, actorId: '12', repositoryId: '345', repositoryOwnerId: '6789' });
    expect(claims).toMatchObject({ actor_id: '12', repository_id: '345', repository_owner_id: '6789' });
  });

  test('are stable numbers derived from the names otherwise; the owner and an actor of that name agree', () => {
    const claims = jobClaims(job);
    for (const claim of ['actor_id', 'repository_id', 'repository_owner_id'])
      expect(claims[claim]).toMatch(/^[1-9][0-9]*$/);
    expect(jobClaims(job)).toEqual(claims);
    expect(jobClaims({ ...job, actor: 'acme' })['actor_id']).toBe(claims['repository_owner_id']);
    expect(jobClaims({ ...job, repository: 'acme/other' })['repository_id']).not.toBe(
      claims['repository_id'],
    );
  });
});

describe('a ":" in a value of sub is %3A ("OpenID Connect reference", Filtering for metadata containing :)', () => {
  // https://docs.github.com/actions/reference/security/oidc#filtering-for-metadata-containing-
  test.each([
    [{ environment: 'Production:V1' }, 'repo:acme/shop:environment:Production%3AV1'],
    [{ ref: 'refs/heads/fix:colon' }, 'repo:acme/shop:ref:refs/heads/fix%3Acolon'],
    [{ repository: 'acme/sh:op' }, 'repo:acme/sh%3Aop:ref:refs/heads/main'],
  ])('%j -> %s', (change, expected) => {
    expect(subjectClaim({ ...job, ...change })).toBe(expected);
  });

  test('only sub is escaped: the environment claim keeps its name', () => {
    expect(jobClaims({ ...job, environment: 'Production:V1' })['environment']).toBe('Production:V1');
  });
});

describe('the local issuer', () => {
  let issuer: OidcIssuer;
  let clock = Date.parse('2026-12-04T12:00:00Z');
  beforeAll(async () => {
    issuer = await startOidcIssuer({ now: () => clock });
  });
  afterAll(() => issuer.close());

  test('core.getIDToken gets a token that verifies against the published JWKS', async () => {
    const issued = await issuer.register({ ...job, environment: 'staging' });
    const saved = { ...process.env };
    process.env['ACTIONS_ID_TOKEN_REQUEST_URL'] = issued.requestUrl;
    process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] = issued.requestToken;
    let token: string;
    try {
      token = await core.getIDToken('vault');
    } finally {
      process.env = saved;
    }
    const jwks = await fetchIssuerJwks(issuer.issuer);
    const { claims, header } = verifyJwtSignature(token, jwks);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(claims).toMatchObject({
      iss: issuer.issuer,
      aud: 'vault',
      sub: 'repo:acme/shop:environment:staging',
      environment: 'staging',
      repository: 'acme/shop',
      job_workflow_ref: job.jobWorkflowRef,
      run_id: '42',
    });
    const iat = Math.floor(clock / 1000);
    expect(claims).toMatchObject({ iat, exp: iat + 300, nbf: iat - 600 });
  });

  test('the discovery document lists every claim a token carries', async () => {
    const discovery = (await (await fetch(`${issuer.url}/.well-known/openid-configuration`)).json()) as {
      claims_supported: string[];
    };
    const issued = await issuer.register({ ...job, environment: 'staging' });
    const claims = Object.keys(decodeJwt(issuer.tokenFor(issued.requestToken)).claims);
    expect(claims).toEqual(expect.arrayContaining(['actor_id', 'repository_id', 'repository_owner_id']));
    expect(discovery.claims_supported).toEqual(expect.arrayContaining(claims));
  });

  test('without an audience the token is for the owner URL, as on GitHub', async () => {
    const issued = await issuer.register(job);
    expect(decodeJwt(issuer.tokenFor(issued.requestToken)).claims['aud']).toBe('https://github.com/acme');
  });

  test('a revoked request token is refused with 401', async () => {
    const issued = await issuer.register(job);
    await issuer.revoke(issued.requestToken);
    const response = await fetch(`${issued.requestUrl}&audience=x`, {
      headers: { authorization: `Bearer ${issued.requestToken}` },
    });
    expect(response.status).toBe(401);
    expect(() => issuer.tokenFor(issued.requestToken)).toThrow(/unknown or revoked/);
  });

  test('a tampered token fails verification', async () => {
    const issued = await issuer.register(job);
    const token = issuer.tokenFor(issued.requestToken, 'vault');
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'repo:evil/x:ref:refs/heads/main' })).toString('base64url')}.${s}`;
    expect(() => verifyJwtSignature(forged, issuer.jwks)).toThrow(/failed to verify/);
    const other = await startOidcIssuer();
    try {
      expect(() => verifyJwtSignature(token, other.jwks)).toThrow(/no key in the JWKS/);
    } finally {
      await other.close();
    }
  });

  test('jobs register over the admin API, which needs the admin token', async () => {
    const remote = remoteOidcIssuer(issuer.url, issuer.adminToken);
    const issued = await remote.register(job);
    const response = await fetch(`${issued.requestUrl}&audience=sts`, {
      headers: { authorization: `Bearer ${issued.requestToken}` },
    });
    expect(response.status).toBe(200);
    const { value } = (await response.json()) as { value: string };
    expect(verifyJwtSignature(value, issuer.jwks).claims['aud']).toBe('sts');
    await remote.revoke(issued.requestToken);
    expect(() => issuer.tokenFor(issued.requestToken)).toThrow();

    await expect(remoteOidcIssuer(issuer.url, 'wrong').register(job)).rejects.toThrow(/401/);
    const bad = await fetch(`${issuer.url}/_paved/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issuer.adminToken}` },
      body: JSON.stringify({ repository: 'a/b' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ message: '"repositoryOwner" must be a non-empty string' });
  });

  test('tokens follow the clock: an old token is expired by its exp claim', async () => {
    const issued = await issuer.register(job);
    const token = issuer.tokenFor(issued.requestToken);
    clock += 301_000;
    const exp = decodeJwt(token).claims['exp'] as number;
    expect(exp).toBeLessThan(Math.floor(clock / 1000));
  });
});
