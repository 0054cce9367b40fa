/**
 * A local OpenID Connect issuer that hands jobs ID tokens shaped like GitHub Actions' own
 * (https://token.actions.githubusercontent.com): RS256, discovery at `/.well-known/openid-configuration`,
 * keys at `/.well-known/jwks`, and the token endpoint a job reaches through ACTIONS_ID_TOKEN_REQUEST_URL /
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN (`GET <url>&audience=<aud>` with the request token as a bearer, answering
 * `{"value": "<JWT>"}`, which is what `core.getIDToken()` reads).
 *
 * The issuer is `paved run`'s (in-process, for one run) or the sandbox's (long-lived, so that the Vault
 * stand-in can trust one issuer across runs). Jobs are registered with their identity; each gets its own
 * request token, revoked when the job ends, as GitHub's expires with the job.
 */
import {
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  createHash,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestJson } from '../http.js';
import { defaultAudience, jobClaims, type JobIdentity } from './claims.js';
import { signJwt, type Jwks, type JwtClaims, type RsaJwk } from './jwt.js';

/** GitHub's tokens are valid for five minutes and not-before ten minutes earlier (clock skew). */
const DEFAULT_LIFETIME_SECONDS = 300;
const NOT_BEFORE_SKEW_SECONDS = 600;

/** What a job needs in its environment to ask for tokens. */
export interface IssuedJob {
  /** ACTIONS_ID_TOKEN_REQUEST_URL: already carries a query, so clients append `&audience=…`. */
  requestUrl: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN */
  requestToken: string;
}

/** Something that registers jobs with an issuer: the in-process one or the sandbox's, over HTTP. */
export interface OidcTokenSource {
  /** The `iss` of the tokens, which is also where discovery is served. */
  readonly issuer: string;
  register(job: JobIdentity): Promise<IssuedJob>;
  revoke(requestToken: string): Promise<void>;
}

export interface OidcIssuerOptions {
  port?: number;
  /** Token lifetime; GitHub's is 300 s. */
  lifetimeSeconds?: number;
  /** Clock, in ms since the epoch (tests move it). */
  now?: () => number;
  /** Bearer that authorizes registering jobs over HTTP; random when absent. */
  adminToken?: string;
}

export interface OidcIssuer extends OidcTokenSource {
  /** Base URL, e.g. `http://127.0.0.1:41234` (equal to `issuer`). */
  readonly url: string;
  /** Authorizes `POST /_paved/jobs` (see {@link remoteOidcIssuer}). */
  readonly adminToken: string;
  readonly jwks: Jwks;
  /** Sign arbitrary claims with the issuer's key (iss is filled in when absent): for tests of verifiers. */
  sign(claims: JwtClaims): string;
  /** The token a registered job would receive for `audience`, without HTTP. */
  tokenFor(requestToken: string, audience?: string): string;
  close(): Promise<void>;
}

interface RegisteredJob {
  identity: JobIdentity;
  claims: Record<string, string>;
}

function jwkOf(publicKey: KeyObject, kid: string): RsaJwk {
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { kty: 'RSA', n: jwk.n, e: jwk.e, kid, alg: 'RS256', use: 'sig', x5t: kid };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearerOf(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1]?.trim();
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage, limit = 64 * 1024): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const REQUIRED_IDENTITY: (keyof JobIdentity)[] = [
  'repository',
  'repositoryOwner',
  'ref',
  'sha',
  'eventName',
  'actor',
  'workflow',
  'workflowRef',
  'jobWorkflowRef',
  'runId',
  'runNumber',
  'runAttempt',
  'serverUrl',
];

/** Parse a job identity sent over HTTP; returns the problem as a string when it is not one. */
function parseIdentity(value: unknown): JobIdentity | string {
  if (typeof value !== 'object' || value === null) return 'the body must be a JSON object';
  const record = value as Record<string, unknown>;
  for (const key of REQUIRED_IDENTITY) {
    if (typeof record[key] !== 'string' || record[key] === '') return `"${key}" must be a non-empty string`;
  }
  for (const key of ['environment', 'headRef', 'baseRef', 'repositoryVisibility'] as const) {
    if (record[key] !== undefined && typeof record[key] !== 'string') return `"${key}" must be a string`;
  }
  return record as unknown as JobIdentity;
}

/** Start an issuer on 127.0.0.1. */
export async function startOidcIssuer(options: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const kid = createHash('sha1').update(spki).digest('base64url');
  const jwks: Jwks = { keys: [jwkOf(publicKey, kid)] };
  const lifetime = options.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
  const now = options.now ?? Date.now;
  const adminToken = options.adminToken ?? randomBytes(24).toString('base64url');
  const jobs = new Map<string, RegisteredJob>();
  let issuer = '';

  const sign = (claims: JwtClaims): string => signJwt({ iss: issuer, ...claims }, { privateKey, kid });

  const tokenFor = (requestToken: string, audience?: string): string => {
    const job = jobs.get(requestToken);
    if (!job) throw new Error('unknown or revoked request token');
    const iat = Math.floor(now() / 1000);
    return sign({
      jti: randomUUID(),
      ...job.claims,
      aud: audience || defaultAudience(job.identity),
      iss: issuer,
      nbf: iat - NOT_BEFORE_SKEW_SECONDS,
      exp: iat + lifetime,
      iat,
    });
  };

  const register = (identity: JobIdentity): IssuedJob => {
    const requestToken = randomBytes(32).toString('base64url');
    jobs.set(requestToken, { identity, claims: jobClaims(identity) });
    return { requestUrl: `${issuer}/_apis/idtoken?api-version=2.0`, requestToken };
  };

  const discovery = (): Record<string, unknown> => ({
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks`,
    subject_types_supported: ['public', 'pairwise'],
    response_types_supported: ['id_token'],
    claims_supported: [
      'sub',
      'aud',
      'exp',
      'iat',
      'iss',
      'jti',
      'nbf',
      'ref',
      'sha',
      'repository',
      'repository_id',
      'repository_owner',
      'repository_owner_id',
      'repository_visibility',
      'run_id',
      'run_number',
      'run_attempt',
      'runner_environment',
      'actor',
      'actor_id',
      'workflow',
      'head_ref',
      'base_ref',
      'event_name',
      'ref_type',
      'ref_protected',
      'environment',
      'job_workflow_ref',
      'job_workflow_sha',
      'workflow_ref',
      'workflow_sha',
    ],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid'],
  });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', issuer);
    const method = request.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/.well-known/openid-configuration')
      return send(response, 200, discovery());
    if (method === 'GET' && url.pathname === '/.well-known/jwks') return send(response, 200, jwks);
    if (method === 'GET' && url.pathname === '/_apis/idtoken') {
      const bearer = bearerOf(request);
      if (!bearer || !jobs.has(bearer)) {
        return send(response, 401, {
          message: 'Bad credentials: the request token is unknown, or its job has ended',
        });
      }
      const value = tokenFor(bearer, url.searchParams.get('audience') ?? undefined);
      return send(response, 200, { count: value.length, value });
    }
    if (url.pathname === '/_paved/jobs' || url.pathname.startsWith('/_paved/jobs/')) {
      const bearer = bearerOf(request);
      if (!bearer || !sameSecret(bearer, adminToken))
        return send(response, 401, { message: 'admin token required' });
      if (method === 'POST' && url.pathname === '/_paved/jobs') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(await readBody(request));
        } catch {
          return send(response, 400, { message: 'the body must be JSON' });
        }
        const identity = parseIdentity(parsed);
        if (typeof identity === 'string') return send(response, 400, { message: identity });
        return send(response, 201, register(identity));
      }
      if (method === 'DELETE') {
        jobs.delete(decodeURIComponent(url.pathname.slice('/_paved/jobs/'.length)));
        response.writeHead(204).end();
        return;
      }
    }
    send(response, 404, { message: 'Not Found' });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { message: String((error as Error)?.message ?? error) });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    get url() {
      return issuer;
    },
    get issuer() {
      return issuer;
    },
    adminToken,
    jwks,
    sign,
    tokenFor,
    register: async (identity) => register(identity),
    revoke: async (requestToken) => {
      jobs.delete(requestToken);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Register jobs with an issuer running in another process (the sandbox's), over its admin API. */
export function remoteOidcIssuer(url: string, adminToken: string): OidcTokenSource {
  const base = url.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${adminToken}` };
  const service = `OIDC issuer at ${base}`;
  return {
    issuer: base,
    register: (job) =>
      requestJson<IssuedJob>(`${base}/_paved/jobs`, {
        method: 'POST',
        json: job,
        headers,
        service,
        timeoutMs: 10_000,
      }),
    revoke: async (requestToken) => {
      await requestJson(`${base}/_paved/jobs/${encodeURIComponent(requestToken)}`, {
        method: 'DELETE',
        headers,
        service,
        timeoutMs: 10_000,
        okStatuses: [204],
      });
    },
  };
}

/** Fetch an issuer's JWKS through its discovery document, as a relying party does. */
export async function fetchIssuerJwks(issuer: string, timeoutMs = 10_000): Promise<Jwks> {
  const base = issuer.replace(/\/+$/, '');
  const service = `OIDC issuer at ${base}`;
  const config = await requestJson<{ jwks_uri?: string; issuer?: string }>(
    `${base}/.well-known/openid-configuration`,
    {
      service,
      timeoutMs,
    },
  );
  if (!config?.jwks_uri) throw new Error(`${service}: the discovery document has no jwks_uri`);
  return requestJson<Jwks>(config.jwks_uri, { service, timeoutMs });
}
