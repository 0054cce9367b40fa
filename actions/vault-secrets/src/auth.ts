/**
 * Logging in: the job's GitHub OIDC token (jwt), AppRole, or a token given as is. Every credential is
 * masked the moment it exists; login failures quote Vault's own message, which says which check failed
 * (audience, bound claims, expiry, unknown role).
 */
import { InputError, PavedError } from '../../../shared/errors.js';
import { requestJson } from '../../../shared/http.js';
import { maskSecret, redact } from '../../../shared/secrets.js';
import type { Auth } from './inputs.js';
import { VaultError, type VaultClient } from './vault.js';

export interface Session {
  token: string;
  /** Whether this action created the token (and so may revoke it). A token passed in is the user's. */
  obtained: boolean;
  policies: string[];
  /** Seconds; 0 for a token that does not expire. */
  ttlSeconds: number;
  /** For messages: `role "deploy" (jwt at auth/jwt)`. */
  identity: string;
}

/**
 * The job's OIDC token, fetched the way `core.getIDToken(audience)` does (GET the request URL with
 * `&audience=`, bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN, `{"value": jwt}`), but through shared/http so that
 * the call has a timeout and retries, which @actions/core's client does not.
 */
export async function githubIdToken(audience: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const url = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
  const bearer = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
  if (!url || !bearer)
    throw new InputError(
      'method',
      "Method 'jwt' needs the job's GitHub OIDC token, and this job has none: give the job `permissions: id-token: write` (a called reusable workflow needs it granted by the caller too)",
    );
  maskSecret(bearer);
  const target = new URL(url);
  target.searchParams.set('audience', audience);
  const answer = await requestJson<{ value?: unknown }>(target, {
    headers: { authorization: `Bearer ${bearer}` },
    service: 'GitHub OIDC token endpoint',
    timeoutMs: 15_000,
  });
  if (typeof answer?.value !== 'string' || answer.value.split('.').length !== 3)
    throw new PavedError('GitHub OIDC token endpoint answered without a token in "value"');
  maskSecret(answer.value);
  return answer.value;
}

function loginFailure(client: VaultClient, what: string, status: number, errors: string[]): VaultError {
  const said = errors.length ? errors.map((e) => redact(e)).join('; ') : '(no message)';
  const hint =
    status === 400
      ? ''
      : status === 403
        ? ' (403: is the auth mount path right, and is it enabled in this namespace?)'
        : status === 404 || status === 405
          ? ` (${status}: no auth method is mounted there; set 'path' to where it is mounted)`
          : '';
  return new VaultError(
    client.service,
    `login ${what} failed with ${status}: ${said}${hint}`,
    status,
    errors,
  );
}

function sessionFrom(body: Record<string, unknown> | undefined, identity: string): Session {
  const auth = body?.['auth'] as Record<string, unknown> | null | undefined;
  const token = auth?.['client_token'];
  if (typeof token !== 'string' || token === '')
    throw new PavedError(`Vault's login answer for ${identity} has no auth.client_token`);
  maskSecret(token);
  const policies = Array.isArray(auth?.['policies']) ? (auth['policies'] as unknown[]).map(String) : [];
  const ttl = typeof auth?.['lease_duration'] === 'number' ? auth['lease_duration'] : 0;
  return { token, obtained: true, policies, ttlSeconds: ttl, identity };
}

export async function login(
  client: VaultClient,
  auth: Auth,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Session> {
  if (auth.method === 'token') {
    const answer = await client.call('GET', 'auth/token/lookup-self', { token: auth.token });
    if (answer.status === 403)
      throw new VaultError(
        client.service,
        `the token in 'token' was refused (403 ${answer.errors.join('; ') || 'permission denied'}): it is invalid, expired or revoked, or belongs to another namespace`,
        403,
        answer.errors,
      );
    if (answer.status !== 200) throw loginFailure(client, 'with token', answer.status, answer.errors);
    const data = (answer.body?.['data'] ?? {}) as Record<string, unknown>;
    return {
      token: auth.token,
      obtained: false,
      policies: Array.isArray(data['policies']) ? (data['policies'] as unknown[]).map(String) : [],
      ttlSeconds: typeof data['ttl'] === 'number' ? data['ttl'] : 0,
      identity: "the token in 'token'",
    };
  }
  if (auth.method === 'approle') {
    const identity = `AppRole at auth/${auth.mount}`;
    const json: Record<string, string> = { role_id: auth.roleId };
    if (auth.secretId !== undefined) json['secret_id'] = auth.secretId;
    const answer = await client.call('POST', `auth/${auth.mount}/login`, { json });
    if (answer.status !== 200) throw loginFailure(client, `with ${identity}`, answer.status, answer.errors);
    return sessionFrom(answer.body, identity);
  }
  const jwt = await githubIdToken(auth.audience, env);
  const identity = `${auth.role ? `role "${auth.role}"` : 'the default role'} (jwt at auth/${auth.mount}, audience "${auth.audience}")`;
  const json: Record<string, string> = { jwt };
  if (auth.role) json['role'] = auth.role;
  const answer = await client.call('POST', `auth/${auth.mount}/login`, { json });
  if (answer.status !== 200) throw loginFailure(client, `as ${identity}`, answer.status, answer.errors);
  return sessionFrom(answer.body, identity);
}

/** Revoke a token this action obtained (POST auth/token/revoke-self answers 204). */
export async function revoke(client: VaultClient, token: string): Promise<void> {
  const answer = await client.call('POST', 'auth/token/revoke-self', { token });
  // 403: already expired or revoked; nothing is left to clean up.
  if (answer.status !== 204 && answer.status !== 200 && answer.status !== 403)
    throw new VaultError(
      client.service,
      `revoking the token failed with ${answer.status}: ${answer.errors.join('; ')}`,
      answer.status,
      answer.errors,
    );
}
