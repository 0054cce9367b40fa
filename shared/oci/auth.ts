/**
 * Registry credentials and the authentication handshake of the OCI distribution / Docker token spec:
 * a request answered with 401 carries `WWW-Authenticate: Bearer realm=…,service=…,scope=…` (fetch a
 * token from the realm, with Basic credentials when we have them) or `Basic realm=…` (send Basic).
 * See https://distribution.github.io/distribution/spec/auth/token/
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PavedError } from '../errors.js';
import { maskSecret } from '../secrets.js';

/** Username and password (or token used as password) for one registry. */
export interface RegistryCredentials {
  username: string;
  password: string;
  /** Where they came from, for messages: `inputs`, `/root/.docker/config.json`. Never the values. */
  source: string;
}

/** One parsed `WWW-Authenticate` challenge. */
export interface AuthChallenge {
  scheme: 'bearer' | 'basic' | string;
  params: Record<string, string>;
}

/**
 * Parse a `WWW-Authenticate` header value into its challenges (RFC 7235): a scheme followed by
 * comma-separated `key=value` or `key="quoted, value"` parameters.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const skip = (chars: string): void => {
    while (i < header.length && chars.includes(header[i] as string)) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < header.length && /[A-Za-z0-9!#$%&'*+.^_`|~-]/.test(header[i] as string)) i++;
    return header.slice(start, i);
  };
  while (i < header.length) {
    skip(' ,');
    const name = token();
    if (!name) break;
    skip(' ');
    if (header[i] === '=' && challenges.length > 0) {
      // a parameter of the current challenge
      i++;
      skip(' ');
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < header.length && header[i] !== '"') {
          if (header[i] === '\\') i++;
          value += header[i] ?? '';
          i++;
        }
        i++;
      } else {
        const start = i;
        while (i < header.length && header[i] !== ',') i++;
        value = header.slice(start, i).trim();
      }
      (challenges[challenges.length - 1] as AuthChallenge).params[name.toLowerCase()] = value;
    } else {
      challenges.push({ scheme: name.toLowerCase(), params: {} });
    }
  }
  return challenges;
}

/** The Docker config file: `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['DOCKER_CONFIG'] ?? join(env['HOME'] ?? homedir(), '.docker'), 'config.json');
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Keys Docker writes for a registry: `host`, `https://host`, and for Hub the v1 index URL. */
function configKeys(registry: string): string[] {
  const keys = [
    registry,
    `https://${registry}`,
    `http://${registry}`,
    `https://${registry}/v1/`,
    `https://${registry}/v2/`,
  ];
  if (registry === 'docker.io' || registry === 'registry-1.docker.io')
    keys.push('https://index.docker.io/v1/', 'index.docker.io');
  return keys;
}

/**
 * Credentials for `registry` from the Docker config file, masked before they are returned. Returns
 * undefined when the file or the entry is absent. A credential helper (`credHelpers`/`credsStore`) is
 * not run: the error says to pass `username`/`password` instead, rather than silently going anonymous.
 */
export function credentialsFromDockerConfig(
  registry: string,
  env: NodeJS.ProcessEnv = process.env,
): RegistryCredentials | undefined {
  const path = dockerConfigPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PavedError(`Cannot read the Docker config file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let config: DockerConfigFile;
  try {
    config = JSON.parse(text) as DockerConfigFile;
  } catch (error) {
    throw new PavedError(`The Docker config file ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  for (const key of configKeys(registry)) {
    const entry = config.auths?.[key];
    if (!entry) continue;
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0)
        throw new PavedError(
          `The Docker config file ${path} has a malformed 'auth' for ${key} (expected base64 of user:password)`,
        );
      const credentials = {
        username: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
        source: path,
      };
      maskSecret(entry.auth);
      maskSecret(credentials.password);
      return credentials;
    }
    if (entry.identitytoken) {
      maskSecret(entry.identitytoken);
      return { username: '<token>', password: entry.identitytoken, source: path };
    }
    if (entry.username && entry.password) {
      maskSecret(entry.password);
      return { username: entry.username, password: entry.password, source: path };
    }
  }
  const helper = config.credHelpers?.[registry] ?? config.credsStore;
  if (helper && !Object.keys(config.auths ?? {}).some((key) => configKeys(registry).includes(key))) {
    throw new PavedError(
      `The Docker config file ${path} keeps credentials for ${registry} in the credential helper 'docker-credential-${helper}', which Paved does not run; pass 'username' and 'password' instead`,
    );
  }
  return undefined;
}

/** The `Authorization` value for Basic auth; masked because it is equivalent to the password. */
export function basicAuthorization(credentials: Pick<RegistryCredentials, 'username' | 'password'>): string {
  const token = Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64');
  maskSecret(token);
  return `Basic ${token}`;
}
