/** Every input of vault-secrets, read and validated before anything is sent to Vault. */
import { X509Certificate } from 'node:crypto';
import { InputError, quote } from '../../../shared/errors.js';
import { InputReader } from '../../../shared/inputs.js';
import { maskSecret } from '../../../shared/secrets.js';
import { parseSecretsInput, type SecretRequest } from './requests.js';

export const METHODS = ['jwt', 'approle', 'token'] as const;
export type Method = (typeof METHODS)[number];

export type Auth =
  | { method: 'token'; token: string }
  | { method: 'approle'; mount: string; roleId: string; secretId: string | undefined }
  | { method: 'jwt'; mount: string; role: string | undefined; audience: string };

export interface Inputs {
  /** Vault's address, without a trailing slash. */
  readonly url: string;
  readonly auth: Auth;
  readonly namespace: string | undefined;
  readonly requests: SecretRequest[];
  readonly exportEnv: boolean;
  readonly exportToken: boolean;
  readonly outputToken: boolean;
  readonly ignoreNotFound: boolean;
  /** PEM text of the extra CA. */
  readonly caCertificate: string | undefined;
  readonly tlsSkipVerify: boolean;
  /** Lower-cased names; repeated names joined with `, ` (as vault-action does). */
  readonly extraHeaders: Record<string, string>;
}

/** RFC 9110 token characters: what a header name may contain. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the action sets itself; letting extraHeaders replace them would send a different identity. */
const OWN_HEADERS = new Set(['x-vault-token', 'x-vault-namespace', 'x-vault-request', 'content-type']);
/** Auth mount paths: Vault path segments. */
const MOUNT = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
/** Vault lower-cases role names (format `lowercase` in its OpenAPI); other characters are the user's. */
const ROLE = /^[^\s/]+$/;

export function parseExtraHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of (value ?? '').split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = (colon > 0 ? line.slice(0, colon) : '').trim().toLowerCase();
    if (!HEADER_NAME.test(name))
      throw InputError.invalid(
        'extraHeaders',
        colon > 0 ? line.slice(0, colon) : line.slice(0, 40),
        'one `Name: value` header a line, like `X-Secure-Id: 1234`',
      );
    if (OWN_HEADERS.has(name))
      throw new InputError(
        'extraHeaders',
        `Input 'extraHeaders' sets ${quote(name)}, which the action sets itself; use the ${name === 'x-vault-namespace' ? "'namespace'" : "'token' or 'method'"} input instead`,
      );
    const headerValue = line.slice(colon + 1).trim();
    // Gateways in front of Vault are often authenticated by such headers: treat their values as secrets.
    if (headerValue.length >= 4) maskSecret(headerValue);
    headers[name] = name in headers ? `${headers[name]}, ${headerValue}` : headerValue;
  }
  return headers;
}

function parseCaCertificate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const accepted = 'the base64 of a PEM certificate (e.g. the output of `base64 -w0 ca.pem`)';
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact))
    throw InputError.invalid('caCertificate', value.slice(0, 40), accepted);
  const pem = Buffer.from(compact, 'base64').toString('utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw InputError.invalid(
      'caCertificate',
      value.slice(0, 40),
      `${accepted}; it decodes to no PEM certificate`,
    );
  try {
    new X509Certificate(pem);
  } catch (error) {
    throw InputError.invalid('caCertificate', value.slice(0, 40), `${accepted}; ${(error as Error).message}`);
  }
  return pem;
}

export function getInputs(reader = new InputReader()): Inputs {
  const url = reader.url('url', { required: true, example: 'https://vault.example.com:8200' });
  const method = reader.enum('method', METHODS, { default: 'token' });
  const role = reader.string('role', { pattern: ROLE, accepted: 'a Vault role name without spaces or `/`' });
  const mount = reader.string('path', {
    pattern: MOUNT,
    accepted: 'an auth mount path like jwt or github-actions/jwt (no leading or trailing `/`)',
  });
  const namespace = reader.string('namespace', {
    pattern: /^[A-Za-z0-9._/-]+$/,
    accepted: 'a Vault namespace like admin or admin/team-a',
  });
  const secrets = reader.string('secrets', { trim: false });
  const audience = reader.string('jwtGithubAudience', { default: 'sigstore' });
  const roleId = reader.secret('roleId', maskSecret);
  const secretId = reader.secret('secretId', maskSecret);
  const token = reader.secret('token', maskSecret);
  const exportEnv = reader.boolean('exportEnv', { default: true });
  const exportToken = reader.boolean('exportToken', { default: false });
  const outputToken = reader.boolean('outputToken', { default: false });
  const ignoreNotFound = reader.boolean('ignoreNotFound', { default: false });
  const caCertificate = parseCaCertificate(reader.string('caCertificate'));
  const tlsSkipVerify = reader.boolean('tlsSkipVerify', { default: false });
  const extraHeaders = parseExtraHeaders(reader.string('extraHeaders', { trim: false }));

  if (url.username || url.password)
    throw new InputError(
      'url',
      `Input 'url' must not carry credentials; pass them as 'token', 'roleId'/'secretId' or use method jwt`,
    );
  if (url.search || url.hash)
    throw InputError.invalid(
      'url',
      url.href,
      "Vault's address without a query or fragment, like https://vault.example.com:8200",
    );
  if (caCertificate && tlsSkipVerify)
    throw InputError.conflict(
      'caCertificate',
      'tlsSkipVerify',
      'a CA to verify against means verifying; drop one of them',
    );

  let auth: Auth;
  const unused = (input: string, value: string | undefined): void => {
    if (value !== undefined)
      throw new InputError(
        input,
        `Input '${input}' is set, but method is '${method}', which does not use it; set 'method' or remove '${input}'`,
      );
  };
  switch (method) {
    case 'token':
      if (token === undefined)
        throw new InputError(
          'token',
          "Input 'token' is required with method 'token' (the default); pass a Vault token, or set 'method' to jwt (GitHub OIDC) or approle",
        );
      unused('roleId', roleId);
      unused('secretId', secretId);
      auth = { method, token };
      break;
    case 'approle':
      if (roleId === undefined)
        throw new InputError('roleId', "Input 'roleId' is required with method 'approle'");
      unused('token', token);
      auth = { method, mount: mount ?? 'approle', roleId, secretId };
      break;
    case 'jwt':
      unused('token', token);
      unused('roleId', roleId);
      unused('secretId', secretId);
      auth = { method, mount: mount ?? 'jwt', role, audience };
      break;
  }

  const base = url.href.replace(/\/+$/, '');
  return {
    url: base.endsWith('/v1') ? base.slice(0, -3) : base,
    auth,
    namespace,
    requests: parseSecretsInput(secrets),
    exportEnv,
    exportToken,
    outputToken,
    ignoreNotFound,
    caCertificate,
    tlsSkipVerify,
    extraHeaders,
  };
}
