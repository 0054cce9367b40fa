/**
 * Reading the requested secrets: each path once, KV v2 (`data.data`) or v1 (`data`) told apart by the
 * answer's shape, then the keys picked. Nothing here logs or exports: the caller gets every value (or
 * every failure) first, so that nothing is exported when any requested secret failed.
 */
import type { Session } from './auth.js';
import { wildcardNames, type SecretRequest } from './requests.js';
import type { VaultClient } from './vault.js';

export interface ResolvedSecret {
  request: SecretRequest;
  outputName: string;
  envName: string;
  value: string;
}

export interface Failure {
  request: SecretRequest;
  /** Not found (path or key): `ignoreNotFound` turns these into warnings. */
  notFound: boolean;
  message: string;
}

interface Fetched {
  kind: 'found';
  data: Record<string, unknown>;
  engine: 'kv-v2' | 'kv-v1';
}

type FetchResult = Fetched | { kind: 'failed'; notFound: boolean; message: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as text: strings as they are, anything else as JSON (vault-action does the same). */
export function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The value `key` selects: the key itself when the secret has it (keys may contain dots), else a dotted
 * path into nested JSON (`config.db.password`). Undefined when nothing matches.
 */
export function selectKey(data: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(data, key)) return data[key];
  let current: unknown = data;
  for (const part of key.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, part)) return undefined;
    current = current[part];
  }
  return current;
}

function listKeys(data: Record<string, unknown>): string {
  const keys = Object.keys(data);
  return keys.length ? keys.map((k) => JSON.stringify(k)).join(', ') : 'none';
}

async function fetchPath(client: VaultClient, session: Session, path: string): Promise<FetchResult> {
  const answer = await client.call('GET', path, { token: session.token });
  if (answer.status === 200) {
    const data = answer.body?.['data'];
    if (!isObject(data))
      return { kind: 'failed', notFound: false, message: `${path} answered 200 without a "data" object` };
    // KV v2 wraps the key/value map with its metadata; v1 (and other engines) answer the map itself.
    if (isObject(data['data']) && isObject(data['metadata']))
      return { kind: 'found', data: data['data'], engine: 'kv-v2' };
    return { kind: 'found', data, engine: 'kv-v1' };
  }
  if (answer.status === 404) {
    const deleted =
      isObject(answer.body?.['data']) &&
      isObject((answer.body['data'] as Record<string, unknown>)['metadata']);
    const segments = path.split('/');
    const hint = deleted
      ? ' (its latest version is deleted; undelete it or write a new version)'
      : segments.length > 1 && segments[1] !== 'data'
        ? ` (on a KV v2 mount the API path has /data/ after the mount: ${segments[0]}/data/${segments.slice(1).join('/')})`
        : '';
    return { kind: 'failed', notFound: true, message: `no secret at ${path}${hint}` };
  }
  if (answer.status === 403)
    return {
      kind: 'failed',
      notFound: false,
      message: `permission denied reading ${path}: the token of ${session.identity}${session.policies.length ? ` with policies ${session.policies.join(', ')}` : ''} may not read it; allow "read" on "${path}" in a policy of that role`,
    };
  return {
    kind: 'failed',
    notFound: false,
    message: `reading ${path} failed with ${answer.status}: ${answer.errors.join('; ') || '(no message)'}`,
  };
}

export async function readSecrets(
  client: VaultClient,
  session: Session,
  requests: readonly SecretRequest[],
): Promise<{ secrets: ResolvedSecret[]; failures: Failure[] }> {
  const byPath = new Map<string, Promise<FetchResult>>();
  for (const request of requests)
    if (!byPath.has(request.path)) byPath.set(request.path, fetchPath(client, session, request.path));
  const secrets: ResolvedSecret[] = [];
  const failures: Failure[] = [];
  for (const request of requests) {
    const fetched = await (byPath.get(request.path) as Promise<FetchResult>);
    if (fetched.kind === 'failed') {
      failures.push({ request, notFound: fetched.notFound, message: fetched.message });
      continue;
    }
    const { selection } = request;
    if (selection.kind === 'whole') {
      secrets.push({
        request,
        outputName: request.outputName as string,
        envName: request.envName as string,
        value: JSON.stringify(fetched.data),
      });
    } else if (selection.kind === 'all') {
      for (const [key, value] of Object.entries(fetched.data)) {
        const names = wildcardNames(selection, key);
        if (names.outputName === '') continue;
        secrets.push({ request, ...names, value: asText(value) });
      }
    } else {
      const value = selectKey(fetched.data, selection.key);
      if (value === undefined) {
        failures.push({
          request,
          notFound: true,
          message: `${request.path} has no key "${selection.key}"; its keys are ${listKeys(fetched.data)}`,
        });
      } else {
        secrets.push({
          request,
          outputName: request.outputName as string,
          envName: request.envName as string,
          value: asText(value),
        });
      }
    }
  }
  return { secrets, failures };
}
