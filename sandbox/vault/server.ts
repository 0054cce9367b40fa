/**
 * A Vault stand-in for the sandbox and the tests (real Vault cannot be installed here). It serves the
 * login, token, KV and health routes of Vault's published OpenAPI document (spec.ts) with Vault's
 * envelope and errors (../shared/vault/API-NOTES.md), and it enforces what makes Vault secure:
 *
 * - every request is validated against the document; what it does not describe is refused (405/400);
 * - JWT login checks the signature against the issuer's JWKS (discovery or jwks_url), `bound_issuer`,
 *   expiry and not-before (with Vault's leeways), `bound_audiences`, `bound_subject`, `bound_claims`
 *   (exact or glob);
 * - tokens have a TTL and expire; revoke-self ends them; every path is checked against the token's
 *   policies (globs `*` and `+`, most specific rule wins, deny wins);
 * - a sealed Vault answers 503 to everything but sys/health.
 *
 * Faults for tests: `failNext(status, count)` answers the next requests with a transient error.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fetchIssuerJwks } from '../../shared/oidc/issuer.js';
import { verifyJwtSignature, type Jwks, type JwtClaims } from '../../shared/oidc/jwt.js';
import { parseDuration } from '../../shared/duration.js';
import { allows, globMatches, type Capability, type Policies, type PolicyRule } from './policy.js';
import { VaultSpec, type Route } from './spec.js';

export interface JwtConfig {
  oidc_discovery_url?: string;
  jwks_url?: string;
  bound_issuer?: string;
  default_role?: string;
}

export interface JwtRole {
  role_type?: 'jwt' | 'oidc';
  bound_audiences?: string[];
  bound_subject?: string;
  bound_claims?: Record<string, string | string[]>;
  bound_claims_type?: 'string' | 'glob';
  user_claim: string;
  token_policies?: string[];
  policies?: string[];
  /** Seconds or a Go duration string, as Vault takes them. */
  token_ttl?: string | number;
  token_max_ttl?: string | number;
  expiration_leeway?: string | number;
  not_before_leeway?: string | number;
  clock_skew_leeway?: string | number;
}

interface AppRole {
  roleId: string;
  secretIds: Set<string>;
  bindSecretId: boolean;
  policies: string[];
  ttlSeconds: number;
}

interface Token {
  id: string;
  accessor: string;
  policies: string[];
  /** 0: never expires (root). */
  ttlSeconds: number;
  issuedAt: number;
  expiresAt: number | undefined;
  path: string;
  meta: Record<string, string>;
  displayName: string;
}

interface KvVersion {
  data: Record<string, unknown>;
  created: string;
  deleted: string;
  destroyed: boolean;
}

interface Mount {
  type: 'kv';
  version: 1 | 2;
  v1: Map<string, Record<string, unknown>>;
  v2: Map<string, KvVersion[]>;
}

/** One request the stand-in served, for contract tests. */
export interface VaultExchange {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  operationId: string | undefined;
  /** Header names (never values: they carry tokens). */
  headerNames: string[];
  problems: string[];
}

export interface VaultStandInOptions {
  port?: number;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** The root token; random when absent. */
  rootToken?: string;
  /** Clock in ms (tests move it to expire tokens). */
  now?: () => number;
}

export interface VaultStandIn {
  readonly url: string;
  readonly rootToken: string;
  readonly exchanges: VaultExchange[];
  enableKv(mount: string, version: 1 | 2): void;
  writeSecret(mount: string, path: string, data: Record<string, unknown>): void;
  deleteLatest(mount: string, path: string): void;
  writePolicy(name: string, rules: PolicyRule[]): void;
  enableJwt(mount: string, config: JwtConfig): void;
  writeJwtRole(mount: string, name: string, role: JwtRole): void;
  enableAppRole(mount: string): void;
  writeAppRole(
    mount: string,
    name: string,
    role: { policies: string[]; ttl?: string | number; bindSecretId?: boolean },
  ): { roleId: string; secretId: string };
  createToken(options: { policies: string[]; ttl?: string | number }): string;
  seal(): void;
  unseal(): void;
  /** Answer the next `count` requests (except sys/health) with `status`, as a Vault under load or in failover does. */
  failNext(status: 412 | 429 | 500 | 502 | 503, count: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

class VaultFailure extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
    readonly data?: unknown,
  ) {
    super(errors.join('; '));
  }
}

const denied = (): VaultFailure => new VaultFailure(403, ['permission denied']);

function seconds(value: string | number | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (typeof value === 'number') return value;
  if (/^\d+$/.test(value)) return Number(value);
  const ms = parseDuration(value);
  if (ms === undefined) throw new VaultFailure(400, [`invalid duration "${value}"`]);
  return Math.floor(ms / 1000);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readBody(request: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new VaultFailure(413, ['request body too large']);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startVaultStandIn(options: VaultStandInOptions = {}): Promise<VaultStandIn> {
  const spec = new VaultSpec();
  const now = options.now ?? Date.now;
  const iso = (ms = now()): string => new Date(ms).toISOString();
  const rootToken = options.rootToken ?? `hvs.${randomBytes(18).toString('base64url')}`;
  const tokens = new Map<string, Token>();
  const policies: Policies = new Map();
  const mounts = new Map<string, Mount>();
  const jwtMounts = new Map<
    string,
    { config: JwtConfig; roles: Map<string, JwtRole>; jwks?: { keys: Jwks; at: number } }
  >();
  const appRoleMounts = new Map<string, Map<string, AppRole>>();
  const exchanges: VaultExchange[] = [];
  let sealed = false;
  const faults: { status: number; remaining: number; retryAfter?: number }[] = [];

  const issueToken = (
    policyNames: string[],
    ttlSeconds: number,
    path: string,
    meta: Record<string, string>,
    displayName: string,
  ): Token => {
    const token: Token = {
      id: `hvs.${randomBytes(18).toString('base64url')}`,
      accessor: randomBytes(12).toString('base64url'),
      policies: [...new Set(['default', ...policyNames])].sort(),
      ttlSeconds,
      issuedAt: now(),
      expiresAt: ttlSeconds > 0 ? now() + ttlSeconds * 1000 : undefined,
      path,
      meta,
      displayName,
    };
    tokens.set(token.id, token);
    return token;
  };
  tokens.set(rootToken, {
    id: rootToken,
    accessor: randomBytes(12).toString('base64url'),
    policies: ['root'],
    ttlSeconds: 0,
    issuedAt: now(),
    expiresAt: undefined,
    path: 'auth/token/root',
    meta: {},
    displayName: 'root',
  });

  const envelope = (fields: Record<string, unknown>): Record<string, unknown> => ({
    request_id: randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: null,
    wrap_info: null,
    warnings: null,
    auth: null,
    mount_type: '',
    ...fields,
  });

  const authBlock = (
    token: Token,
    metadata: Record<string, string> = token.meta,
  ): Record<string, unknown> => ({
    client_token: token.id,
    accessor: token.accessor,
    policies: token.policies,
    token_policies: token.policies,
    metadata,
    lease_duration: token.ttlSeconds,
    renewable: token.ttlSeconds > 0,
    entity_id: '',
    token_type: 'service',
    orphan: true,
    mfa_requirement: null,
    num_uses: 0,
  });

  const tokenOf = (request: IncomingMessage): Token => {
    const header = request.headers['x-vault-token'];
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const id = (Array.isArray(header) ? header[0] : header) ?? bearer;
    if (!id) throw denied();
    const token = tokens.get(id.trim());
    if (!token) throw denied();
    if (token.expiresAt !== undefined && now() >= token.expiresAt) {
      tokens.delete(token.id);
      throw denied();
    }
    return token;
  };

  const authorize = (token: Token, path: string, capability: Capability | Capability[]): void => {
    const wanted = Array.isArray(capability) ? capability : [capability];
    if (!wanted.some((c) => allows(policies, token.policies, path, c))) throw denied();
  };

  // ---- JWT auth ----------------------------------------------------------------------------------------
  const jwksFor = async (mount: string): Promise<Jwks> => {
    const entry = jwtMounts.get(mount);
    if (!entry) throw new VaultFailure(404, []);
    // Vault caches keys; a short cache keeps a rotated key usable within seconds.
    if (entry.jwks && now() - entry.jwks.at < 10_000) return entry.jwks.keys;
    let keys: Jwks;
    try {
      if (entry.config.jwks_url) {
        const { requestJson } = await import('../../shared/http.js');
        keys = await requestJson<Jwks>(entry.config.jwks_url, {
          service: 'JWKS',
          timeoutMs: 10_000,
          retry: false,
        });
      } else if (entry.config.oidc_discovery_url) {
        keys = await fetchIssuerJwks(entry.config.oidc_discovery_url);
      } else throw new Error('no oidc_discovery_url or jwks_url configured');
    } catch (error) {
      throw new VaultFailure(400, [`error validating token: fetching keys: ${(error as Error).message}`]);
    }
    entry.jwks = { keys, at: now() };
    return keys;
  };

  const jwtLogin = async (mount: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const entry = jwtMounts.get(mount);
    if (!entry) throw new VaultFailure(404, ['no handler for route']);
    const roleName = (typeof body['role'] === 'string' && body['role']) || entry.config.default_role;
    if (!roleName) throw new VaultFailure(400, ['missing role']);
    const role = entry.roles.get(roleName.toLowerCase());
    if (!role) throw new VaultFailure(400, [`role "${roleName}" could not be found`]);
    const jwt = body['jwt'];
    if (typeof jwt !== 'string' || jwt === '') throw new VaultFailure(400, ['missing token']);
    let claims: JwtClaims;
    try {
      claims = verifyJwtSignature(jwt, await jwksFor(mount)).claims;
    } catch (error) {
      if (error instanceof VaultFailure) throw error;
      throw new VaultFailure(400, [`error validating token: ${(error as Error).message}`]);
    }
    const nowSeconds = Math.floor(now() / 1000);
    const skew = seconds(role.clock_skew_leeway, 60);
    const expLeeway = seconds(role.expiration_leeway, 150);
    const nbfLeeway = seconds(role.not_before_leeway, 150);
    if (entry.config.bound_issuer && claims['iss'] !== entry.config.bound_issuer)
      throw new VaultFailure(400, ['error validating token: invalid issuer (iss) claim']);
    if (typeof claims['exp'] !== 'number')
      throw new VaultFailure(400, ['error validating token: no expiration time (exp) claim']);
    if (nowSeconds > claims['exp'] + expLeeway + skew)
      throw new VaultFailure(400, [
        'error validating token: invalid expiration time (exp) claim: token is expired',
      ]);
    if (typeof claims['nbf'] === 'number' && nowSeconds < claims['nbf'] - nbfLeeway - skew)
      throw new VaultFailure(400, [
        'error validating token: invalid not before (nbf) claim: token not yet valid',
      ]);
    const audiences =
      typeof claims['aud'] === 'string'
        ? [claims['aud']]
        : Array.isArray(claims['aud'])
          ? claims['aud'].map(String)
          : [];
    if (role.bound_audiences?.length) {
      if (!audiences.some((a) => role.bound_audiences?.includes(a)))
        throw new VaultFailure(400, [
          'error validating token: invalid audience (aud) claim: audience claim does not match any expected audience',
        ]);
    } else if (audiences.length > 0) {
      throw new VaultFailure(400, ['audience claim found in JWT but no audiences bound to the role']);
    }
    if (role.bound_subject && claims['sub'] !== role.bound_subject)
      throw new VaultFailure(400, ['sub claim does not match bound subject']);
    for (const [claim, wanted] of Object.entries(role.bound_claims ?? {})) {
      const values = Array.isArray(wanted) ? wanted : [wanted];
      const actual = claims[claim];
      if (actual === undefined)
        throw new VaultFailure(400, [`error validating claims: claim "${claim}" is missing`]);
      const text = String(actual);
      const ok = values.some((v) => (role.bound_claims_type === 'glob' ? globMatches(v, text) : v === text));
      if (!ok)
        throw new VaultFailure(400, [
          `error validating claims: claim "${claim}" does not match any associated bound claim values`,
        ]);
    }
    const user = claims[role.user_claim];
    if (user === undefined) throw new VaultFailure(400, [`claim "${role.user_claim}" not found in token`]);
    const ttl = Math.min(seconds(role.token_ttl, 2_764_800), seconds(role.token_max_ttl, 2_764_800));
    const metadata = { role: roleName.toLowerCase() };
    const token = issueToken(
      [...(role.token_policies ?? []), ...(role.policies ?? [])],
      ttl,
      `auth/${mount}/login`,
      metadata,
      `${mount}-${String(user)}`,
    );
    return envelope({ auth: authBlock(token) });
  };

  // ---- AppRole -----------------------------------------------------------------------------------------
  const appRoleLogin = (mount: string, body: Record<string, unknown>): Record<string, unknown> => {
    const roles = appRoleMounts.get(mount);
    if (!roles) throw new VaultFailure(404, ['no handler for route']);
    const roleId = body['role_id'];
    if (typeof roleId !== 'string' || roleId === '') throw new VaultFailure(400, ['missing role_id']);
    const entry = [...roles.entries()].find(([, r]) => r.roleId === roleId);
    if (!entry) throw new VaultFailure(400, ['invalid role or secret ID']);
    const [name, role] = entry;
    if (role.bindSecretId) {
      const secretId = body['secret_id'];
      if (typeof secretId !== 'string' || secretId === '') throw new VaultFailure(400, ['missing secret_id']);
      if (!role.secretIds.has(secretId)) throw new VaultFailure(400, ['invalid role or secret ID']);
    }
    const token = issueToken(
      role.policies,
      role.ttlSeconds,
      `auth/${mount}/login`,
      { role_name: name },
      `${mount}`,
    );
    return envelope({ auth: authBlock(token) });
  };

  const writeAppRole: VaultStandIn['writeAppRole'] = (mount, name, role) => {
    const roles = appRoleMounts.get(mount);
    if (!roles) throw new Error(`no AppRole mount at auth/${mount}`);
    const existing = roles.get(name);
    const roleId = existing?.roleId ?? randomUUID();
    const secretId = randomUUID();
    roles.set(name, {
      roleId,
      secretIds: new Set([...(existing?.secretIds ?? []), secretId]),
      bindSecretId: role.bindSecretId ?? true,
      policies: role.policies,
      ttlSeconds: seconds(role.ttl, 2_764_800),
    });
    return { roleId, secretId };
  };

  // ---- KV ----------------------------------------------------------------------------------------------
  const kvMount = (path: string): { mount: Mount; name: string; rest: string } | undefined => {
    let best: { mount: Mount; name: string; rest: string } | undefined;
    for (const [name, mount] of mounts)
      if (path === name || path.startsWith(`${name}/`))
        if (!best || name.length > best.name.length)
          best = { mount, name, rest: path.slice(name.length + 1) };
    return best;
  };

  const writeV2 = (mount: Mount, path: string, data: Record<string, unknown>, cas?: number): KvVersion[] => {
    const versions = mount.v2.get(path) ?? [];
    if (cas !== undefined && cas !== versions.length)
      throw new VaultFailure(400, ['check-and-set parameter did not match the current version']);
    versions.push({ data, created: iso(), deleted: '', destroyed: false });
    mount.v2.set(path, versions);
    return versions;
  };

  const metadataOf = (versions: KvVersion[]): Record<string, unknown> => {
    const latest = versions[versions.length - 1] as KvVersion;
    return {
      created_time: latest.created,
      custom_metadata: null,
      deletion_time: latest.deleted,
      destroyed: latest.destroyed,
      version: versions.length,
    };
  };

  // ---- routing -----------------------------------------------------------------------------------------
  const handle = async (
    method: string,
    path: string,
    route: Route,
    request: IncomingMessage,
    body: Record<string, unknown> | undefined,
    query: URLSearchParams,
  ): Promise<{ status: number; body?: unknown }> => {
    const api = path.slice(1);
    const p = route.params;
    switch (route.operationId) {
      case 'read-health-status':
        return {
          status: sealed ? 503 : 200,
          body: {
            initialized: true,
            sealed,
            standby: false,
            performance_standby: false,
            replication_performance_mode: 'disabled',
            replication_dr_mode: 'disabled',
            server_time_utc: Math.floor(now() / 1000),
            version: '1.15.6',
            cluster_name: 'paved-sandbox',
            cluster_id: 'paved-sandbox',
          },
        };
      case 'jwt-login':
        return { status: 200, body: await jwtLogin(p['jwt_mount_path'] as string, body ?? {}) };
      case 'app-role-login':
        return { status: 200, body: appRoleLogin(p['approle_mount_path'] as string, body ?? {}) };
      case 'token-look-up-self': {
        const token = tokenOf(request);
        return {
          status: 200,
          body: envelope({
            data: {
              accessor: token.accessor,
              creation_time: Math.floor(token.issuedAt / 1000),
              creation_ttl: token.ttlSeconds,
              display_name: token.displayName,
              entity_id: '',
              expire_time: token.expiresAt ? iso(token.expiresAt) : null,
              explicit_max_ttl: 0,
              id: token.id,
              issue_time: iso(token.issuedAt),
              meta: Object.keys(token.meta).length ? token.meta : null,
              num_uses: 0,
              orphan: true,
              path: token.path,
              policies: token.policies,
              renewable: token.ttlSeconds > 0,
              ttl: token.expiresAt ? Math.max(0, Math.floor((token.expiresAt - now()) / 1000)) : 0,
              type: 'service',
            },
          }),
        };
      }
      case 'token-revoke-self': {
        const token = tokenOf(request);
        tokens.delete(token.id);
        return { status: 204 };
      }
      case 'token-create': {
        const parent = tokenOf(request);
        authorize(parent, api, ['create', 'update']);
        const requested = Array.isArray(body?.['policies'])
          ? (body['policies'] as string[])
          : parent.policies;
        if (!parent.policies.includes('root') && requested.some((p) => !parent.policies.includes(p)))
          throw new VaultFailure(400, ['child policies must be subset of parent']);
        const token = issueToken(
          requested.filter((p) => p !== 'root'),
          seconds(body?.['ttl'] as string | undefined, 2_764_800),
          'auth/token/create',
          {},
          'token',
        );
        return { status: 200, body: envelope({ auth: authBlock(token) }) };
      }
    }
    // Everything below needs a token and the policy's say.
    const token = tokenOf(request);
    switch (route.operationId) {
      case 'jwt-configure': {
        authorize(token, api, ['create', 'update']);
        const mount = p['jwt_mount_path'] as string;
        const entry = jwtMounts.get(mount);
        if (!entry) throw new VaultFailure(404, ['no handler for route']);
        entry.config = body as JwtConfig;
        entry.jwks = undefined;
        return { status: 204 };
      }
      case 'jwt-read-configuration': {
        authorize(token, api, 'read');
        const entry = jwtMounts.get(p['jwt_mount_path'] as string);
        if (!entry) throw new VaultFailure(404, ['no handler for route']);
        return { status: 200, body: envelope({ data: entry.config }) };
      }
      case 'jwt-write-role': {
        authorize(token, api, ['create', 'update']);
        const entry = jwtMounts.get(p['jwt_mount_path'] as string);
        if (!entry) throw new VaultFailure(404, ['no handler for route']);
        const role = body as unknown as JwtRole;
        if (!role.user_claim) throw new VaultFailure(400, ['a user claim must be defined on the role']);
        entry.roles.set((p['name'] as string).toLowerCase(), role);
        return { status: 204 };
      }
      case 'jwt-read-role': {
        authorize(token, api, 'read');
        const role = jwtMounts
          .get(p['jwt_mount_path'] as string)
          ?.roles.get((p['name'] as string).toLowerCase());
        if (!role) throw new VaultFailure(404, []);
        return { status: 200, body: envelope({ data: role }) };
      }
      case 'app-role-write-role': {
        authorize(token, api, ['create', 'update']);
        const b = body ?? {};
        writeAppRole(p['approle_mount_path'] as string, p['role_name'] as string, {
          policies: [...((b['token_policies'] as string[]) ?? []), ...((b['policies'] as string[]) ?? [])],
          ttl: b['token_ttl'] as string | undefined,
          bindSecretId: b['bind_secret_id'] as boolean | undefined,
        });
        return { status: 204 };
      }
      case 'app-role-read-role-id': {
        authorize(token, api, 'read');
        const role = appRoleMounts.get(p['approle_mount_path'] as string)?.get(p['role_name'] as string);
        if (!role) throw new VaultFailure(404, []);
        return { status: 200, body: envelope({ data: { role_id: role.roleId } }) };
      }
      case 'app-role-write-secret-id': {
        authorize(token, api, ['create', 'update']);
        const role = appRoleMounts.get(p['approle_mount_path'] as string)?.get(p['role_name'] as string);
        if (!role) throw new VaultFailure(400, [`role "${p['role_name']}" does not exist`]);
        const secretId = randomUUID();
        role.secretIds.add(secretId);
        return {
          status: 200,
          body: envelope({
            data: {
              secret_id: secretId,
              secret_id_accessor: randomUUID(),
              secret_id_ttl: 0,
              secret_id_num_uses: 0,
            },
          }),
        };
      }
      case 'mounts-enable-secrets-engine': {
        authorize(token, api, ['create', 'update', 'sudo']);
        if (body?.['type'] !== 'kv')
          throw new VaultFailure(400, [`plugin not found in the catalog: ${String(body?.['type'])}`]);
        const version =
          (body?.['options'] as Record<string, string> | undefined)?.['version'] === '2' ? 2 : 1;
        if (mounts.has(p['path'] as string))
          throw new VaultFailure(400, [`path is already in use at ${p['path']}/`]);
        mounts.set((p['path'] as string).replace(/\/+$/, ''), {
          type: 'kv',
          version,
          v1: new Map(),
          v2: new Map(),
        });
        return { status: 204 };
      }
    }
    // KV: the spec's kv-v1 and kv-v2 routes overlap; the mount's version decides which one this is.
    const located = kvMount(api);
    if (!located) throw new VaultFailure(404, [`no handler for route "${api}". route entry not found.`]);
    const { mount, rest } = located;
    if (mount.version === 2) {
      const [kind, ...tail] = rest.split('/');
      const secretPath = tail.join('/');
      if (kind !== 'data' || secretPath === '') {
        // Vault's own answer for a v1-style path on a v2 mount.
        throw new VaultFailure(404, []);
      }
      if (method === 'GET') {
        authorize(token, api, 'read');
        const versions = mount.v2.get(secretPath);
        if (!versions?.length) throw new VaultFailure(404, []);
        const wanted = query.get('version');
        const index = wanted && wanted !== '0' ? Number(wanted) - 1 : versions.length - 1;
        const version = versions[index];
        if (!version) throw new VaultFailure(404, []);
        const metadata = {
          ...metadataOf(versions),
          version: index + 1,
          created_time: version.created,
          deletion_time: version.deleted,
          destroyed: version.destroyed,
        };
        if (version.deleted || version.destroyed) throw new VaultFailure(404, [], { data: null, metadata });
        return { status: 200, body: envelope({ data: { data: version.data, metadata } }) };
      }
      if (method === 'POST') {
        authorize(token, api, mount.v2.has(secretPath) ? 'update' : 'create');
        if (!isObject(body?.['data'])) throw new VaultFailure(400, ['no data provided']);
        const cas = (body?.['options'] as Record<string, unknown> | undefined)?.['cas'];
        const versions = writeV2(
          mount,
          secretPath,
          body['data'],
          cas === undefined ? undefined : Number(cas),
        );
        return { status: 200, body: envelope({ data: metadataOf(versions) }) };
      }
      throw new VaultFailure(405, ['unsupported operation']);
    }
    if (method === 'GET') {
      authorize(token, api, 'read');
      const data = mount.v1.get(rest);
      if (!data) throw new VaultFailure(404, []);
      return { status: 200, body: envelope({ data, lease_duration: 2_764_800 }) };
    }
    if (method === 'POST') {
      authorize(token, api, mount.v1.has(rest) ? 'update' : 'create');
      mount.v1.set(rest, body ?? {});
      return { status: 204 };
    }
    throw new VaultFailure(405, ['unsupported operation']);
  };

  /**
   * Several templates of the document match the same URL (`/auth/{jwt_mount_path}/login` and
   * `/auth/{approle_mount_path}/login`; KV v1 and v2): as in Vault, what is mounted there decides.
   */
  const mounted = (route: Route): boolean => {
    const p = route.params;
    if (p['jwt_mount_path'] !== undefined) return jwtMounts.has(p['jwt_mount_path']);
    if (p['approle_mount_path'] !== undefined) return appRoleMounts.has(p['approle_mount_path']);
    if (p['kv_v2_mount_path'] !== undefined) return mounts.get(p['kv_v2_mount_path'])?.version === 2;
    if (p['kv_v1_mount_path'] !== undefined) {
      const located = kvMount(
        route.template === '/{kv_v1_mount_path}/{path}' ? `${p['kv_v1_mount_path']}/${p['path']}` : '',
      );
      return located?.mount.version === 1 || (located?.mount.version === 2 && route.method === 'GET');
    }
    return true;
  };

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = new URL(request.url ?? '/', 'http://vault');
    const query = Object.fromEntries(url.searchParams);
    const exchange: VaultExchange = {
      method,
      path: url.pathname,
      query,
      body: undefined,
      status: 0,
      operationId: undefined,
      headerNames: Object.keys(request.headers),
      problems: [],
    };
    exchanges.push(exchange);
    const answer = (status: number, body?: unknown): void => {
      exchange.status = status;
      const text = body === undefined ? '' : `${JSON.stringify(body)}\n`;
      response.writeHead(status, {
        'cache-control': 'no-store',
        ...(text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {}),
      });
      response.end(text);
    };
    try {
      if (!url.pathname.startsWith('/v1/')) throw new VaultFailure(404, []);
      const path = url.pathname.slice(3).replace(/\/+$/, '') || '/';
      const text = await readBody(request);
      let body: unknown;
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch (error) {
          throw new VaultFailure(400, [`failed to parse JSON input: ${(error as Error).message}`]);
        }
        exchange.body = body;
      }
      const route = spec.matches(method, path).find(mounted);
      if (!route) {
        const any = ['GET', 'POST', 'DELETE'].some((m) => spec.matches(m, path).some(mounted));
        throw new VaultFailure(
          any ? 405 : 404,
          any
            ? ['unsupported operation']
            : [`no handler for route "${path.slice(1)}". route entry not found.`],
        );
      }
      exchange.operationId = route.operationId;
      if (route.operationId !== 'read-health-status') {
        if (sealed) throw new VaultFailure(503, ['Vault is sealed']);
        const fault = faults[0];
        if (fault) {
          if (--fault.remaining <= 0) faults.shift();
          if (fault.retryAfter !== undefined) response.setHeader('retry-after', String(fault.retryAfter));
          const message =
            fault.status === 412
              ? 'required index state not present'
              : fault.status === 429
                ? 'request path "' + path.slice(1) + '": rate limit quota exceeded'
                : fault.status === 503
                  ? 'Vault is sealed'
                  : 'internal error';
          throw new VaultFailure(fault.status, [message]);
        }
      }
      // The document decides what a request may look like; Vault refuses malformed input with 400.
      const problems = spec.check(route, { method, path, query, body });
      exchange.problems = problems;
      if (problems.length) throw new VaultFailure(400, problems);
      if (body !== undefined && !isObject(body))
        throw new VaultFailure(400, ['the request body must be a JSON object']);
      const result = await handle(
        method,
        path,
        route,
        request,
        body as Record<string, unknown> | undefined,
        url.searchParams,
      );
      answer(result.status, result.body);
    } catch (error) {
      if (error instanceof VaultFailure) {
        answer(
          error.status,
          error.data === undefined
            ? { errors: error.errors }
            : { errors: error.errors, ...(error.data as Record<string, unknown>) },
        );
      } else {
        answer(500, { errors: [`internal error: ${(error as Error).message}`] });
      }
    }
  };

  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    serve(request, response).catch(() => response.destroy());
  };
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    rootToken,
    exchanges,
    enableKv(mount, version) {
      mounts.set(mount, { type: 'kv', version, v1: new Map(), v2: new Map() });
    },
    writeSecret(mountName, path, data) {
      const mount = mounts.get(mountName);
      if (!mount) throw new Error(`no KV mount at ${mountName}`);
      if (mount.version === 2) writeV2(mount, path, data);
      else mount.v1.set(path, data);
    },
    deleteLatest(mountName, path) {
      const versions = mounts.get(mountName)?.v2.get(path);
      const latest = versions?.[versions.length - 1];
      if (!latest) throw new Error(`no KV v2 secret at ${mountName}/data/${path}`);
      latest.deleted = iso();
    },
    writePolicy(name, rules) {
      policies.set(name, rules);
    },
    enableJwt(mount, config) {
      jwtMounts.set(mount, { config, roles: new Map() });
    },
    writeJwtRole(mount, name, role) {
      const entry = jwtMounts.get(mount);
      if (!entry) throw new Error(`no JWT mount at auth/${mount}`);
      entry.roles.set(name.toLowerCase(), role);
    },
    enableAppRole(mount) {
      appRoleMounts.set(mount, new Map());
    },
    writeAppRole,
    createToken({ policies: names, ttl }) {
      return issueToken(names, seconds(ttl, 2_764_800), 'auth/token/create', {}, 'token').id;
    },
    seal: () => void (sealed = true),
    unseal: () => void (sealed = false),
    failNext(status, count, retryAfterSeconds) {
      faults.push({
        status,
        remaining: count,
        ...(retryAfterSeconds === undefined ? {} : { retryAfter: retryAfterSeconds }),
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
