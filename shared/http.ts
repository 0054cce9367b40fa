/**
 * HTTP for every Paved client (registry, Argo CD, Slack, Prometheus, GitHub): a timeout on every call,
 * retries with backoff on 5xx/429/connection resets honouring Retry-After, HTTPS_PROXY/HTTP_PROXY/NO_PROXY
 * (shared/proxy.ts), and errors that carry the server's own message but never a
 * credential (URLs are redacted, headers are never logged).
 *
 * undici is loaded on the first request, so an action that fails on its inputs never pays for it.
 */
import { createHash } from 'node:crypto';
import { debug } from './workflow-commands.js';
import type { Dispatcher } from 'undici';
import { RemoteError } from './errors.js';
import { retry, parseRetryAfter, type RetryOptions } from './retry.js';
import { proxyFor } from './proxy.js';
import { maskSecret, redact, redactUrl } from './secrets.js';

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A string or bytes; replayed on retries. */
  body?: string | Uint8Array;
  /** Serialized as JSON with Content-Type application/json. */
  json?: unknown;
  /** Whole-request timeout in ms (until the body is read, or until headers when `stream`). Default 30 s. */
  timeoutMs?: number;
  /** Retry policy, or false for exactly one attempt. Default: 4 attempts within 60 s. */
  retry?: RetryOptions | false;
  signal?: AbortSignal;
  /** Names the service in errors, e.g. `Argo CD at https://cd.example.com`. Default: the URL's origin. */
  service?: string;
  /** Statuses that are not errors (default any 2xx). */
  okStatuses?: readonly number[];
  /** Accept a self-signed certificate. Only for servers the user marked `insecure`. */
  insecureTls?: boolean;
  /** PEM certificate(s) of the CA that signed the server's certificate, trusted in addition to Node's. */
  caCertificate?: string;
  /** Keep the body unread and stop the timeout once headers arrive (streaming endpoints). */
  stream?: boolean;
  /** Do not follow redirects (registries hand out signed blob URLs that must be fetched without auth). */
  manualRedirect?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  url: string;
  /** The body as text (empty for streams already consumed). */
  text: string;
  /** For `stream: true`, the unread body. */
  body: ReadableStream<Uint8Array> | null;
}

const agents = new Map<string, Dispatcher>();

/**
 * A pooled dispatcher per (proxy, TLS mode, extra CA). The proxy is decided per request from the
 * environment. An extra CA is added to Node's bundled roots, as NODE_EXTRA_CA_CERTS would, so a private
 * CA does not stop public certificates (a proxy's, say) from verifying.
 */
async function dispatcherFor(target: URL, insecure: boolean, ca?: string): Promise<Dispatcher> {
  const proxy = proxyFor(target);
  const caKey = ca ? createHash('sha256').update(ca).digest('hex').slice(0, 16) : 'default-ca';
  const key = `${proxy ?? 'direct'} ${insecure ? 'insecure' : 'secure'} ${caKey}`;
  let agent = agents.get(key);
  if (!agent) {
    const { Agent, ProxyAgent } = await import('undici');
    const connect = insecure
      ? { rejectUnauthorized: false }
      : ca
        ? { ca: [...(await import('node:tls')).rootCertificates, ca] }
        : undefined;
    agent = proxy
      ? new ProxyAgent({ uri: proxy, requestTls: connect })
      : new Agent(connect ? { connect } : {});
    agents.set(key, agent);
  }
  return agent;
}

/**
 * fetch refuses URLs with credentials; move them to a Basic Authorization header (masked), as curl
 * does, so `https://user:token@host` works and the token never reaches an error message.
 */
function splitCredentials(target: string, headers: Record<string, string>): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return target;
  }
  if (!url.username && !url.password) return target;
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  maskSecret(password);
  const basic = Buffer.from(`${user}:${password}`).toString('base64');
  maskSecret(basic);
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'authorization'))
    headers['authorization'] = `Basic ${basic}`;
  url.username = '';
  url.password = '';
  return url.toString();
}

/**
 * A `fetch` for SDKs that take a `fetch` option (the Slack clients) that honours HTTPS_PROXY/NO_PROXY
 * like {@link request}: through a proxy it uses the same pooled undici dispatcher; without one it is
 * Node's own fetch, so a direct call does not pay for loading the undici package. Retries and timeouts
 * stay with the caller.
 */
export function proxyAwareFetch(options: { insecureTls?: boolean } = {}): typeof globalThis.fetch {
  return (async (input: unknown, init?: Record<string, unknown>) => {
    const target = new URL(
      input instanceof URL ? input.href : typeof input === 'string' ? input : (input as { url: string }).url,
    );
    const insecure = options.insecureTls ?? false;
    if (!insecure && !proxyFor(target)) return globalThis.fetch(input as string, init as RequestInit);
    const dispatcher = await dispatcherFor(target, insecure);
    const { fetch } = await import('undici');
    return fetch(
      input as Parameters<typeof fetch>[0],
      { ...init, dispatcher } as Parameters<typeof fetch>[1],
    );
  }) as unknown as typeof globalThis.fetch;
}

/** Close pooled connections (lets a process or test exit promptly). */
export async function closeHttpAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((agent) => agent.close()));
}

/**
 * Pull a human message out of an error body: Argo CD/gRPC `{error,message}`, OCI `{errors:[{code,message}]}`,
 * Vault `{errors:["…"]}`, Slack `{ok:false,error}`.
 */
export function errorMessageFromBody(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  try {
    const body = JSON.parse(trimmed) as Record<string, unknown>;
    if (Array.isArray(body['errors'])) {
      return (body['errors'] as unknown[])
        .map((e) => {
          if (typeof e === 'string') return e;
          const entry = (e ?? {}) as { code?: string; message?: string };
          return [entry.code, entry.message].filter(Boolean).join(': ');
        })
        .filter(Boolean)
        .join('; ');
    }
    for (const key of ['message', 'error_description', 'error', 'detail']) {
      const value = body[key];
      if (typeof value === 'string' && value) return value;
    }
  } catch {
    // not JSON: fall through to the text itself
  }
  const oneLine = trimmed.replace(/\s+/g, ' ');
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine;
}

/** Whether a status is worth retrying. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status !== 501 && status !== 505);
}

/**
 * Make a request. Non-OK statuses become RemoteError (retryable for 5xx/429/408, with Retry-After);
 * transport failures become RemoteError with the cause attached.
 */
export async function request(url: string | URL, options: HttpOptions = {}): Promise<HttpResponse> {
  const headers: Record<string, string> = { 'user-agent': 'paved', ...options.headers };
  const target = splitCredentials(String(url), headers);
  const method = (
    options.method ?? (options.json !== undefined || options.body !== undefined ? 'POST' : 'GET')
  ).toUpperCase();
  const service = options.service ?? safeOrigin(target);
  let body: string | Uint8Array | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  const dispatcher = await dispatcherFor(
    new URL(target),
    options.insecureTls ?? false,
    options.caCertificate,
  );
  const { fetch } = await import('undici');

  const once = async (): Promise<HttpResponse> => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs}ms`)), timeoutMs);
    const onAbort = (): void => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const started = Date.now();
    try {
      let response;
      try {
        response = await fetch(target, {
          method,
          headers,
          body,
          signal: controller.signal,
          dispatcher,
          redirect: options.manualRedirect ? 'manual' : 'follow',
        });
      } catch (error) {
        const reason =
          controller.signal.aborted && !options.signal?.aborted
            ? `timed out after ${timeoutMs}ms`
            : describeTransport(error);
        throw new RemoteError(service, `${method} ${redactUrl(target)} failed: ${reason}`, {
          retryable: true,
          cause: error,
        });
      }
      debug(`${method} ${redactUrl(target)} -> ${response.status} (${Date.now() - started}ms)`);
      const ok = options.okStatuses ? options.okStatuses.includes(response.status) : response.ok;
      if (!ok || !options.stream) {
        let text: string;
        try {
          text = await response.text();
        } catch (error) {
          throw new RemoteError(
            service,
            `${method} ${redactUrl(target)}: reading the response failed: ${describeTransport(error)}`,
            {
              retryable: true,
              cause: error,
            },
          );
        }
        if (!ok) {
          const detail = redact(errorMessageFromBody(text));
          throw new RemoteError(
            service,
            `${method} ${redactUrl(target)} returned ${response.status}${detail ? `: ${detail}` : ''}`,
            {
              status: response.status,
              retryable: isRetryableStatus(response.status),
              retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
            },
          );
        }
        return {
          status: response.status,
          headers: response.headers as unknown as Headers,
          url: response.url,
          text,
          body: null,
        };
      }
      return {
        status: response.status,
        headers: response.headers as unknown as Headers,
        url: response.url,
        text: '',
        body: response.body as ReadableStream<Uint8Array> | null,
      };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  };

  if (options.retry === false) return once();
  return retry(() => once(), {
    attempts: 4,
    maxElapsedMs: 60_000,
    signal: options.signal,
    onRetry: ({ attempt, delayMs, error }) =>
      debug(
        `retrying ${method} ${redactUrl(target)} in ${delayMs}ms after attempt ${attempt}: ${(error as Error).message}`,
      ),
    ...options.retry,
  });
}

/** Request and parse a JSON response body. */
export async function requestJson<T>(url: string | URL, options: HttpOptions = {}): Promise<T> {
  const response = await request(url, {
    ...options,
    headers: { accept: 'application/json', ...options.headers },
  });
  if (!response.text) return undefined as T;
  try {
    return JSON.parse(response.text) as T;
  } catch (error) {
    throw new RemoteError(
      options.service ?? safeOrigin(String(url)),
      `expected JSON from ${redactUrl(String(url))}, got ${JSON.stringify(response.text.slice(0, 120))}`,
      {
        cause: error,
      },
    );
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'server';
  }
}

/** `ECONNREFUSED 127.0.0.1:5000` style text from fetch's nested causes. */
function describeTransport(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: string; message?: string; cause?: unknown };
    const text =
      e.code && e.message && !e.message.includes(e.code)
        ? `${e.code}: ${e.message}`
        : (e.message ?? String(current));
    if (text && !parts.includes(text) && text !== 'fetch failed') parts.push(text);
    current = e.cause;
  }
  // Transport errors may quote the URL; never let userinfo through.
  return redact(parts.join(': ') || 'fetch failed').replace(/\/\/[^/@\s:]+:[^/@\s]+@/g, '//***:***@');
}
