/**
 * A typed client for Argo CD's REST API (the grpc-gateway in front of argocd-server), on top of
 * shared/http.ts. It speaks the wire format described in shared/argocd/API-NOTES.md: JSON bodies with
 * `Content-Type: application/json` on every non-GET request (the server answers 415 otherwise, even for
 * DELETE), `{error,code,message}` error bodies mapped to {@link ArgoCdError}, and the newline-delimited
 * JSON watch stream.
 *
 * Auth is a bearer token (account or project-role token) or username/password exchanged for a session
 * token. With username/password an expired session is renewed once transparently, which keeps long waits
 * alive where `argocd app wait` hangs (argoproj/argo-cd#9527).
 */
import { RemoteError } from '../errors.js';
import { request, type HttpOptions, type HttpResponse } from '../http.js';
import { parseRetryAfter, retry, type RetryOptions } from '../retry.js';
import { maskSecret } from '../secrets.js';
import {
  GrpcCode,
  type Application,
  type ApplicationList,
  type ApplicationSpec,
  type ApplicationTree,
  type RollbackRequest,
  type RuntimeError,
  type RuntimeStreamError,
  type SyncRequest,
  type WatchEvent,
} from './types.js';

export type ArgoCdAuth = { token: string } | { username: string; password: string };

export interface ArgoCdClientOptions {
  /** Base URL of argocd-server, e.g. `https://argocd.example.com` (a path prefix for `--basehref` is kept). */
  server: string | URL;
  auth: ArgoCdAuth;
  /** Accept a self-signed certificate. */
  insecure?: boolean;
  /** Namespace of the Application objects (apps-in-any-namespace); omitted = the control plane's. */
  appNamespace?: string;
  /** Project to scope requests to; with a project, a missing app is 404 instead of 403 (API-NOTES §10). */
  project?: string;
  /** Per-request timeout in ms. Default 30 s. */
  timeoutMs?: number;
  /** Retry policy for unary calls (5xx, 429, resets). Default: 4 attempts within 60 s. */
  retry?: RetryOptions | false;
}

/** One Argo CD application and how to reach it: the inputs the health-check and rollback actions share. */
export interface ArgoCdTarget {
  server: URL;
  token: string;
  insecure: boolean;
  app: string;
  appNamespace?: string;
  project?: string;
}

/** A token-authenticated client for a target's Argo CD. */
export function clientForTarget(target: ArgoCdTarget): ArgoCdClient {
  return new ArgoCdClient({
    server: target.server,
    auth: { token: target.token },
    insecure: target.insecure,
    appNamespace: target.appNamespace,
    project: target.project,
  });
}

/** Why a request failed, in terms a caller can branch on. */
export type ArgoCdErrorKind =
  | 'unauthenticated'
  | 'permission-denied'
  | 'not-found'
  | 'operation-in-progress'
  | 'no-operation'
  | 'auto-sync-enabled'
  | 'invalid-argument'
  | 'failed-precondition'
  | 'unsupported-content-type'
  | 'unavailable'
  | 'other';

/** An error answered by Argo CD: the HTTP status, the gRPC code and the server's own message. */
export class ArgoCdError extends RemoteError {
  override name = 'ArgoCdError';
  readonly kind: ArgoCdErrorKind;
  readonly grpcCode: number | undefined;
  /** The server's message as sent (`error`/`message` of the body). */
  readonly serverMessage: string;
  constructor(
    service: string,
    message: string,
    options: {
      status?: number;
      grpcCode?: number;
      serverMessage: string;
      retryAfterMs?: number;
      cause?: unknown;
    },
  ) {
    const retryable =
      options.status !== undefined &&
      (options.status === 429 || (options.status >= 500 && options.status !== 501));
    super(service, message, {
      status: options.status,
      retryable,
      retryAfterMs: options.retryAfterMs,
      cause: options.cause,
    });
    this.grpcCode = options.grpcCode;
    this.serverMessage = options.serverMessage;
    this.kind = classify(options.status, options.grpcCode, options.serverMessage);
  }
}

function classify(status: number | undefined, code: number | undefined, message: string): ArgoCdErrorKind {
  if (/another operation is already in progress/i.test(message)) return 'operation-in-progress';
  if (/rollback cannot be initiated when auto-sync is enabled|auto-sync currently set to/i.test(message))
    return 'auto-sync-enabled';
  if (/no operation is in progress/i.test(message)) return 'no-operation';
  if (status === 401 || code === GrpcCode.Unauthenticated) return 'unauthenticated';
  if (status === 403 || code === GrpcCode.PermissionDenied) return 'permission-denied';
  if (status === 404 || code === GrpcCode.NotFound) return 'not-found';
  if (status === 415) return 'unsupported-content-type';
  if (code === GrpcCode.InvalidArgument) return 'invalid-argument';
  if (code === GrpcCode.FailedPrecondition) return 'failed-precondition';
  if (status === 503 || code === GrpcCode.Unavailable) return 'unavailable';
  return 'other';
}

/** Whether `error` is Argo CD's "another operation is already in progress" (HTTP 400, code 9). */
export function isOperationInProgress(error: unknown): boolean {
  return error instanceof ArgoCdError && error.kind === 'operation-in-progress';
}

/** Parse an error body: grpc-gateway JSON, or the plain text of 415s and routing errors. */
export function parseErrorBody(text: string): { message: string; code: number | undefined } {
  const trimmed = text.trim();
  try {
    const body = JSON.parse(trimmed) as RuntimeError;
    const message = body.message || body.error;
    if (typeof message === 'string')
      return { message, code: typeof body.code === 'number' ? body.code : undefined };
  } catch {
    // plain text
  }
  return { message: trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed, code: undefined };
}

/** One line of the watch stream: an event, or an error the server sent instead of closing. */
export function parseStreamLine(
  line: string,
): { event?: WatchEvent; error?: RuntimeStreamError } | undefined {
  let text = line.trim();
  if (!text || text.startsWith(':')) return undefined;
  // SSE framing (`data: {...}`) when a proxy or a caller asked for text/event-stream.
  if (text.startsWith('data:')) text = text.slice(5).trim();
  const parsed = JSON.parse(text) as { result?: WatchEvent; error?: RuntimeStreamError };
  if (parsed.error) return { error: parsed.error };
  if (parsed.result) return { event: parsed.result };
  return undefined;
}

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | string[] | undefined>;
  anonymous?: boolean;
  timeoutMs?: number;
}

const ALL_STATUSES = Array.from({ length: 500 }, (_, i) => i + 100);

export class ArgoCdClient {
  readonly baseUrl: URL;
  readonly service: string;
  readonly appNamespace: string | undefined;
  readonly project: string | undefined;
  private token: string | undefined;
  private loggingIn: Promise<string> | undefined;

  constructor(private readonly options: ArgoCdClientOptions) {
    const base = new URL(String(options.server));
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    base.search = '';
    base.hash = '';
    this.baseUrl = base;
    this.service = `Argo CD at ${base.origin}${base.pathname === '/' ? '' : base.pathname.replace(/\/$/, '')}`;
    this.appNamespace = options.appNamespace;
    this.project = options.project;
    if ('token' in options.auth) {
      maskSecret(options.auth.token);
      this.token = options.auth.token;
    } else {
      maskSecret(options.auth.password);
    }
  }

  /** The UI link of an application. */
  appUrl(name: string): string {
    const url = new URL(
      `applications/${encodeURIComponent(this.appNamespace ?? 'argocd')}/${encodeURIComponent(name)}`,
      this.baseUrl,
    );
    if (!this.appNamespace) url.pathname = url.pathname.replace(/applications\/argocd\//, 'applications/');
    return url.toString();
  }

  /** POST /api/v1/session: exchange username/password for a session token (masked at once). */
  async login(): Promise<string> {
    const auth = this.options.auth;
    if ('token' in auth) return auth.token;
    this.loggingIn ??= (async () => {
      const body = await this.call<{ token: string }>('POST', 'api/v1/session', {
        body: { username: auth.username, password: auth.password },
        anonymous: true,
      });
      if (!body?.token) throw new RemoteError(this.service, 'POST /api/v1/session returned no token');
      maskSecret(body.token);
      this.token = body.token;
      return body.token;
    })().finally(() => {
      this.loggingIn = undefined;
    });
    return this.loggingIn;
  }

  /** Whether an expired session can be replaced (username/password auth; a token cannot be renewed). */
  get canRenewSession(): boolean {
    return 'username' in this.options.auth;
  }

  /** Log in again after the session expired. */
  async renewSession(): Promise<void> {
    this.token = undefined;
    await this.login();
  }

  /** GET /api/version (no auth needed): a cheap connectivity check. */
  version(): Promise<{ Version?: string; [key: string]: unknown }> {
    return this.call('GET', 'api/version', { anonymous: true });
  }

  /** GET /api/v1/session/userinfo: who the token belongs to (never 401; `loggedIn:false` instead). */
  userInfo(): Promise<{ loggedIn?: boolean; username?: string; iss?: string; groups?: string[] }> {
    return this.call('GET', 'api/v1/session/userinfo');
  }

  /**
   * GET /api/v1/applications/{name}. `refresh` asks the controller to re-read git first; the call then
   * blocks until the refreshed state is published (API-NOTES §3).
   */
  getApplication(
    name: string,
    options: { refresh?: 'normal' | 'hard'; timeoutMs?: number } = {},
  ): Promise<Application> {
    return this.call('GET', `api/v1/applications/${encodeURIComponent(name)}`, {
      query: { refresh: options.refresh },
      timeoutMs:
        options.timeoutMs ??
        (options.refresh ? Math.max(this.options.timeoutMs ?? 30_000, 60_000) : undefined),
    });
  }

  async listApplications(
    options: { selector?: string; name?: string; projects?: string[] } = {},
  ): Promise<Application[]> {
    const list = await this.call<ApplicationList>('GET', 'api/v1/applications', {
      query: { selector: options.selector, name: options.name, projects: options.projects },
      scopeProject: false,
    });
    return list?.items ?? [];
  }

  /** POST …/sync. Throws ArgoCdError kind `operation-in-progress` when an operation is already set. */
  sync(name: string, body: SyncRequest = {}): Promise<Application> {
    return this.call('POST', `api/v1/applications/${encodeURIComponent(name)}/sync`, {
      body: { name, ...this.scopeBody(), ...body },
      scopeProject: false,
    });
  }

  /** POST …/rollback to a history entry, addressed by its `id` (never an index: ids continue after truncation). */
  rollback(name: string, body: Omit<RollbackRequest, 'name'>): Promise<Application> {
    return this.call('POST', `api/v1/applications/${encodeURIComponent(name)}/rollback`, {
      body: { name, ...this.scopeBody(), ...body },
      scopeProject: false,
    });
  }

  /** DELETE …/operation: ask the controller to terminate the running operation. */
  async terminateOperation(name: string): Promise<void> {
    await this.call('DELETE', `api/v1/applications/${encodeURIComponent(name)}/operation`, {
      body: undefined,
    });
  }

  resourceTree(name: string): Promise<ApplicationTree> {
    return this.call('GET', `api/v1/applications/${encodeURIComponent(name)}/resource-tree`);
  }

  /** PATCH the Application. `patch` is a JSON merge patch (object) or RFC 6902 operations (array). */
  patchApplication(name: string, patch: Record<string, unknown> | unknown[]): Promise<Application> {
    return this.call('PATCH', `api/v1/applications/${encodeURIComponent(name)}`, {
      body: {
        name,
        ...this.scopeBody(),
        patchType: Array.isArray(patch) ? 'json' : 'merge',
        // The API takes the patch as a JSON *string* (API-NOTES §9).
        patch: JSON.stringify(patch),
      },
      scopeProject: false,
    });
  }

  /** PUT …/spec with a whole ApplicationSpec. */
  updateSpec(
    name: string,
    spec: ApplicationSpec,
    options: { validate?: boolean } = {},
  ): Promise<ApplicationSpec> {
    return this.call('PUT', `api/v1/applications/${encodeURIComponent(name)}/spec`, {
      body: spec,
      query: { validate: options.validate === undefined ? undefined : String(options.validate) },
    });
  }

  /**
   * Watch one application (GET /api/v1/stream/applications?name=…). Yields the initial ADDED event and
   * every change until `signal` aborts or the server ends the stream (proxies cut long streams: callers
   * reconnect). A `{"error":…}` line becomes an ArgoCdError.
   */
  async *watchApplication(
    name: string,
    options: { signal?: AbortSignal; resourceVersion?: string } = {},
  ): AsyncGenerator<WatchEvent> {
    const query: Record<string, string | string[] | undefined> = {
      name,
      appNamespace: this.appNamespace,
      projects: this.project ? [this.project] : undefined,
      resourceVersion: options.resourceVersion,
    };
    const response = await this.send('GET', 'api/v1/stream/applications', {
      query,
      stream: true,
      signal: options.signal,
      retry: false,
    });
    const body = response.body;
    if (!body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = body.getReader();
    const onAbort = (): void => void reader.cancel().catch(() => undefined);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (error) {
          if (options.signal?.aborted) return;
          throw new RemoteError(
            this.service,
            `the watch stream for '${name}' broke: ${(error as Error).message}`,
            { retryable: true, cause: error },
          );
        }
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          let parsed;
          try {
            parsed = parseStreamLine(line);
          } catch (error) {
            throw new RemoteError(
              this.service,
              `the watch stream sent a line that is not JSON: ${JSON.stringify(line.slice(0, 120))}`,
              {
                retryable: true,
                cause: error,
              },
            );
          }
          if (parsed?.error) {
            const message = parsed.error.message ?? 'stream error';
            throw new ArgoCdError(this.service, `watch of '${name}' failed: ${message}`, {
              status: parsed.error.http_code,
              grpcCode: parsed.error.grpc_code,
              serverMessage: message,
            });
          }
          if (parsed?.event) yield parsed.event;
        }
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      reader.cancel().catch(() => undefined);
    }
  }

  private scopeBody(): { appNamespace?: string; project?: string } {
    const scope: { appNamespace?: string; project?: string } = {};
    if (this.appNamespace) scope.appNamespace = this.appNamespace;
    if (this.project) scope.project = this.project;
    return scope;
  }

  /** A unary JSON call with retries on 5xx/429/resets, and one re-login when a session expired. */
  private async call<T>(
    method: string,
    path: string,
    options: RequestOptions & {
      /** Add `appNamespace`/`project` to the query (default true; request bodies carry them instead). */
      scopeProject?: boolean;
    } = {},
  ): Promise<T> {
    const query = { ...options.query };
    if (options.scopeProject !== false && !options.anonymous && !path.startsWith('api/v1/session')) {
      query['appNamespace'] ??= this.appNamespace;
      query['project'] ??= this.project;
    }
    const attempt = async (): Promise<T> => {
      const response = await this.send(method, path, {
        body: options.body,
        query,
        anonymous: options.anonymous,
        timeoutMs: options.timeoutMs,
      });
      if (!response.text) return undefined as T;
      try {
        return JSON.parse(response.text) as T;
      } catch (error) {
        throw new RemoteError(
          this.service,
          `${method} /${path} answered something that is not JSON: ${JSON.stringify(response.text.slice(0, 120))}`,
          {
            cause: error,
          },
        );
      }
    };
    const policy = this.options.retry;
    const withRetry = (): Promise<T> =>
      policy === false ? attempt() : retry(attempt, { attempts: 4, maxElapsedMs: 60_000, ...policy });
    try {
      return await withRetry();
    } catch (error) {
      // Sessions expire during long waits; username/password can mint a new one. Tokens cannot.
      if (
        error instanceof ArgoCdError &&
        error.kind === 'unauthenticated' &&
        !options.anonymous &&
        'username' in this.options.auth
      ) {
        this.token = undefined;
        return withRetry();
      }
      throw error;
    }
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions & { stream?: boolean; signal?: AbortSignal; retry?: false },
  ): Promise<HttpResponse> {
    const url = new URL(path, this.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value === undefined || value === '') continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, item);
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (!options.anonymous) {
      const token = this.token ?? (await this.login());
      headers['authorization'] = `Bearer ${token}`;
    }
    const http: HttpOptions = {
      method,
      headers,
      service: this.service,
      timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? 30_000,
      insecureTls: this.options.insecure ?? false,
      retry: false,
      okStatuses: ALL_STATUSES,
      stream: options.stream,
      signal: options.signal,
    };
    // argocd-server refuses every non-GET without this content type, DELETE included (API-NOTES §0).
    if (method !== 'GET') http.body = options.body === undefined ? '{}' : JSON.stringify(options.body);
    if (method !== 'GET') headers['content-type'] = 'application/json';
    const response = await request(url, http);
    if (response.status >= 200 && response.status < 300) return response;
    let text = response.text;
    if (options.stream && response.body) {
      text = await new Response(response.body).text().catch(() => '');
    }
    const { message, code } = parseErrorBody(text);
    throw new ArgoCdError(
      this.service,
      `${method} /${path}${url.search} returned ${response.status}: ${message || '(empty body)'}`,
      {
        status: response.status,
        grpcCode: code,
        serverMessage: message,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
      },
    );
  }
}
