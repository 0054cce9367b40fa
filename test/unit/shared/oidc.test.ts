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
