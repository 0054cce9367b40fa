/**
 * The Argo CD stand-in's HTTP(S) API: the argocd-server REST endpoints Paved's actions and users' scripts
 * call, with the swagger's shapes and the transport behaviour of grpc-gateway v1 (shared/argocd/API-NOTES.md):
 * `{error,code,message}` bodies with gRPC-mapped statuses, 415 `Invalid content type` for non-GET requests
 * without `application/json`, newline-delimited JSON watch streams (SSE on request), and the 401/403/404
 * visibility rules of tokens and projects.
 *
 * Fault injection lives under `/sandbox/v1/` (not an Argo CD path): 5xx responses, slowness, dropped or
 * dead streams, sync failures, and token expiry.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { TokenAuthority, type TokenClaims } from './auth.js';
import {
  Controller,
  DEFAULT_TIMING,
  type AppRecord,
  type ApplicationDefinition,
  type SyncFault,
  type Timing,
} from './controller.js';
import { SkopeoUmociPreparer, type ImagePreparer } from './workload.js';
import { freePort } from '../process.js';
import {
  GrpcCode,
  httpStatusForGrpcCode,
  isAutoSyncEnabled,
  type Application,
  type ApplicationSpec,
  type Operation,
  type SyncRequest,
} from '../../shared/argocd/types.js';

export interface Faults {
  /** The next `count` API requests (matching `path`, a substring) answer `status` (default 503). */
  errors?: { count: number; status?: number; path?: string; retryAfterSeconds?: number };
  /** Added to every API response. */
  delayMs?: number;
  /** Watch streams: `drop` closes each stream `afterMs` after it opens; `unavailable` answers 503; `silent` sends nothing. */
  stream?: { mode: 'drop' | 'unavailable' | 'silent'; afterMs?: number };
  /** The next sync operations fail. */
  syncFailure?: SyncFault;
  /** Every token issued so far is expired from now on (open streams get an error line). */
  expireTokens?: boolean;
}

export interface StandInOptions {
  /** Serve HTTPS with a self-signed certificate made at start (needs openssl). */
  tls?: boolean;
  /** Local accounts for POST /api/v1/session. Default `{ admin: 'password' }`. */
  users?: Record<string, string>;
  timing?: Partial<Timing>;
  /** Tokens the stand-in uses to read GitOps repositories, by URL prefix. */
  repoCredentials?: Record<string, string>;
  /** How images become root filesystems. Default: skopeo + umoci into `workDir`. */
  preparer?: ImagePreparer;
  workDir?: string;
  /** Control-plane namespace. Default `argocd`. */
  namespace?: string;
  /** Keep every request and response for contract tests. */
  recordExchanges?: boolean;
  port?: number;
}

/** One request and its response, for validating against the swagger. */
export interface Exchange {
  method: string;
  path: string;
  query: Record<string, string[]>;
  requestHeaders: Record<string, string | string[] | undefined>;
  requestBody: unknown;
  status: number;
  contentType: string;
  responseBody: unknown;
  /** Lines of a stream response. */
  streamLines?: unknown[];
}

export interface ArgoCdStandIn {
  /** `http(s)://127.0.0.1:<port>` */
  url: string;
  /** A never-expiring admin account token (Bearer). */
  adminToken: string;
  /** PEM of the self-signed certificate when `tls`. */
  certificate: string | undefined;
  controller: Controller;
  addApplication(def: ApplicationDefinition): Promise<Application>;
  /** Mint an account or project-role token. */
  createToken(subject: string, options?: { projects?: string[]; expiresInMs?: number }): string;
  setFaults(faults: Faults): void;
  exchanges: Exchange[];
  /** The app's Service URL (stable across rollouts). */
  serviceUrl(name: string, namespace?: string): string | undefined;
  stop(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status = httpStatusForGrpcCode(code),
  ) {
    super(message);
  }
}

/** Make a self-signed certificate for 127.0.0.1/localhost with openssl. */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'paved-argocd-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=argocd-standin',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'pipe' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } catch (error) {
    throw new Error(
      `making a self-signed certificate needs openssl (apt-get install -y openssl): ${(error as Error).message}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Start the stand-in on a free port of 127.0.0.1. */
export async function startArgoCdStandIn(options: StandInOptions = {}): Promise<ArgoCdStandIn> {
  const namespace = options.namespace ?? 'argocd';
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'paved-argocd-'));
  const ownsWorkDir = options.workDir === undefined;
  const auth = new TokenAuthority(options.users ?? { admin: 'password' });
  let faults: Faults = {};
  const controller = new Controller({
    workDir,
    timing: { ...DEFAULT_TIMING, ...options.timing },
    preparer: options.preparer ?? new SkopeoUmociPreparer(join(workDir, 'images')),
    repoCredentials: options.repoCredentials ?? {},
    namespace,
    takeSyncFault: (app) => {
      const fault = faults.syncFailure;
      if (!fault || fault.count <= 0 || (fault.app && fault.app !== app)) return undefined;
      fault.count--;
      return fault;
    },
  });
  controller.on('error', () => undefined);
  const exchanges: Exchange[] = [];
  const streams = new Set<{ res: ServerResponse; close: (errorLine?: string) => void }>();
  const tls = options.tls ? selfSignedCertificate() : undefined;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { error: String(error), code: GrpcCode.Internal, message: String(error) });
      else res.destroy();
    });
  };
  const server: Server = tls
    ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler)
    : createHttpServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = options.port ?? (await freePort());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const adminToken = auth.issue('admin');

  function sendJson(res: ServerResponse, status: number, body: unknown, record?: Exchange): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    if (record) {
      record.status = status;
      record.contentType = 'application/json';
      record.responseBody = body;
    }
  }

  function errorBody(code: number, message: string): { error: string; code: number; message: string } {
    return { error: message, code, message };
  }

  function authenticate(req: IncomingMessage): TokenClaims {
    let token: string | undefined;
    const header = req.headers.authorization;
    if (header && /^Bearer /i.test(header)) {
      const candidate = header.slice(7).trim();
      // argocd-server only takes a Bearer value that looks like a JWT (server.go getToken).
      if (candidate.split('.').length === 3) token = candidate;
    }
    if (!token) {
      const cookie = /(?:^|;\s*)argocd\.token=([^;]+)/.exec(req.headers.cookie ?? '');
      token = cookie?.[1];
    }
    if (!token) throw new ApiError(GrpcCode.Unauthenticated, 'no session information');
    const checked = auth.check(token);
    if (!checked.ok) throw new ApiError(GrpcCode.Unauthenticated, checked.message);
    return checked.claims;
  }

  function canSeeProject(claims: TokenClaims, project: string): boolean {
    return claims.projects === undefined || claims.projects.includes(project);
  }

  /** Find an app the way getAppEnforceRBAC does: 403 without `project`, 404 with it (API-NOTES §10). */
  function findApp(claims: TokenClaims, name: string, query: URLSearchParams): AppRecord {
    const appNamespace = query.get('appNamespace') || undefined;
    const project = query.get('project') || undefined;
    const app = controller.find(name, appNamespace);
    if (!project) {
      if (!app || !canSeeProject(claims, app.spec.project))
        throw new ApiError(GrpcCode.PermissionDenied, 'permission denied');
      return app;
    }
    if (!canSeeProject(claims, project)) throw new ApiError(GrpcCode.PermissionDenied, 'permission denied');
    if (!app || app.spec.project !== project)
      throw new ApiError(GrpcCode.NotFound, `applications.argoproj.io "${name}" not found`);
    return app;
  }

  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  function parseBody(text: string): Record<string, unknown> {
    if (!text.trim()) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ApiError(
        GrpcCode.InvalidArgument,
        `invalid character in request body: ${(error as Error).message}`,
      );
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new ApiError(GrpcCode.InvalidArgument, 'request body must be a JSON object');
    return parsed as Record<string, unknown>;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = new URL(req.url ?? '/', 'http://standin.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = target.pathname.replace(/\/+$/, '') || '/';
    const bodyText = await readBody(req);
    const record: Exchange | undefined = options.recordExchanges
      ? {
          method,
          path,
          query: Object.fromEntries(
            [...new Set(target.searchParams.keys())].map((k) => [k, target.searchParams.getAll(k)]),
          ),
          requestHeaders: { ...req.headers },
          requestBody: safeJson(bodyText),
          status: 0,
          contentType: '',
          responseBody: undefined,
        }
      : undefined;
    if (record && path.startsWith('/api/')) exchanges.push(record);

    if (path.startsWith('/sandbox/v1/')) return admin(method, path, bodyText, res);

    if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs));
    const injected = faults.errors;
    if (
      injected &&
      injected.count > 0 &&
      path.startsWith('/api/') &&
      (!injected.path || path.includes(injected.path))
    ) {
      injected.count--;
      const status = injected.status ?? 503;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (injected.retryAfterSeconds !== undefined)
        headers['retry-after'] = String(injected.retryAfterSeconds);
      const message =
        status === 503
          ? 'connection error: desc = "transport: Error while dialing: dial tcp: connect: connection refused"'
          : 'injected failure';
      const body = errorBody(status === 503 ? GrpcCode.Unavailable : GrpcCode.Internal, message);
      res.writeHead(status, headers);
      res.end(JSON.stringify(body));
      if (record) Object.assign(record, { status, contentType: 'application/json', responseBody: body });
      return;
    }
    // grpc-gateway's content-type enforcement: every non-GET needs application/json (server.go enforceContentTypes).
    if (method !== 'GET' && method !== 'HEAD' && path.startsWith('/api/')) {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json') {
        res.writeHead(415, {
          'content-type': 'text/plain; charset=utf-8',
          'x-content-type-options': 'nosniff',
        });
        res.end('Invalid content type\n');
        if (record)
          Object.assign(record, {
            status: 415,
            contentType: 'text/plain',
            responseBody: 'Invalid content type\n',
          });
        return;
      }
    }
    try {
      const result = await route(method, path, target.searchParams, bodyText, req, res, record);
      if (result !== STREAMING) sendJson(res, 200, result, record);
    } catch (error) {
      if (error instanceof ApiError)
        sendJson(res, error.status, errorBody(error.code, error.message), record);
      else throw error;
    }
  }

  const STREAMING = Symbol('streaming');

  async function route(
    method: string,
    path: string,
    query: URLSearchParams,
    bodyText: string,
    req: IncomingMessage,
    res: ServerResponse,
    record: Exchange | undefined,
  ): Promise<unknown> {
    // Unauthenticated endpoints.
    if (method === 'GET' && path === '/api/version') {
      return {
        Version: 'v3.6.0+sandbox',
        BuildDate: '2026-08-22T00:00:00Z',
        GitCommit: '37ee0097cf851bc2dd7665fc081bbce61a7e836e',
        GitTreeState: 'clean',
        GoVersion: 'go1.24',
        Compiler: 'gc',
        Platform: 'linux/amd64',
      };
    }
    if (method === 'GET' && path === '/api/v1/settings') {
      return {
        url: url,
        appLabelKey: 'app.kubernetes.io/instance',
        controllerNamespace: namespace,
        execEnabled: false,
        statusBadgeEnabled: false,
      };
    }
    if (path === '/api/v1/session') {
      if (method === 'POST') {
        const body = parseBody(bodyText);
        if (typeof body['token'] === 'string' && body['token']) {
          throw new ApiError(
            GrpcCode.Unauthenticated,
            'token-based session creation no longer supported. please upgrade argocd cli to v0.7+',
          );
        }
        const result = auth.login(
          body['username'] as string | undefined,
          body['password'] as string | undefined,
        );
        if ('message' in result) throw new ApiError(result.code, result.message);
        res.setHeader(
          'set-cookie',
          `argocd.token=${result.token}; path=/; SameSite=lax; httpOnly${tls ? '; Secure' : ''}`,
        );
        return { token: result.token };
      }
      if (method === 'DELETE') {
        authenticate(req);
        res.setHeader('set-cookie', 'argocd.token=; path=/; SameSite=lax; httpOnly; Max-Age=0');
        return { token: '' };
      }
    }
    if (method === 'GET' && path === '/api/v1/session/userinfo') {
      try {
        const claims = authenticate(req);
        return { loggedIn: true, username: claims.sub, iss: 'argocd', groups: [] };
      } catch {
        return { loggedIn: false };
      }
    }

    const claims = authenticate(req);
    if (method === 'GET' && path === '/api/v1/applications') {
      const projects = [...query.getAll('projects'), ...query.getAll('project')];
      const name = query.get('name');
      const appNamespace = query.get('appNamespace');
      const items = [...controller.apps.values()]
        .filter((app) => !app.deleted && canSeeProject(claims, app.spec.project))
        .filter(
          (app) =>
            (!projects.length || projects.includes(app.spec.project)) &&
            (!name || app.name === name) &&
            (!appNamespace || app.namespace === appNamespace),
        )
        .map((app) => controller.view(app));
      return {
        metadata: {
          resourceVersion: String(Math.max(0, ...items.map((i) => Number(i.metadata.resourceVersion)))),
        },
        items,
      };
    }
    if (method === 'GET' && path === '/api/v1/stream/applications')
      return watch(claims, query, req, res, record);

    const match = /^\/api\/v1\/applications\/([^/]+)(?:\/(.*))?$/.exec(path);
    if (!match) throw new ApiError(GrpcCode.NotFound, `Not Found`, 404);
    const name = decodeURIComponent(match[1] as string);
    const rest = match[2] ?? '';
    const body = method === 'GET' ? {} : parseBody(bodyText);
    // Body fields carry appNamespace/project for POST/PATCH; path parameters win over body (API-NOTES §0).
    const scope = new URLSearchParams(query);
    for (const key of ['appNamespace', 'project'] as const) {
      if (!scope.get(key) && typeof body[key] === 'string') scope.set(key, body[key] as string);
    }
    if (query.getAll('projects').length > 1)
      throw new ApiError(
        GrpcCode.InvalidArgument,
        'multiple projects specified - the get endpoint accepts either zero or one project',
      );
    if (!scope.get('project') && query.get('projects')) scope.set('project', query.get('projects') as string);
    const app = findApp(claims, name, scope);

    if (method === 'GET' && rest === '') {
      const refresh = query.get('refresh');
      // An explicit refresh always re-reads git (hard or normal only differs for manifest caches).
      if (refresh !== null) await controller.reconcile(app, { fetch: true, hard: true });
      return controller.view(app);
    }
    if (method === 'GET' && rest === 'resource-tree') return controller.tree(app);
    if (method === 'GET' && rest === 'syncwindows')
      return { assignedWindows: [], activeWindows: [], canSync: true };
    if (method === 'GET' && rest.startsWith('revisions/') && rest.endsWith('/metadata')) {
      const revision = decodeURIComponent(rest.slice('revisions/'.length, -'/metadata'.length));
      return revisionMetadata(app, revision);
    }
    if (method === 'POST' && rest === 'sync') return sync(app, claims, body as SyncRequest);
    if (method === 'POST' && rest === 'rollback') return rollback(app, claims, body);
    if (method === 'DELETE' && rest === 'operation') {
      if (!controller.terminate(app))
        throw new ApiError(
          GrpcCode.InvalidArgument,
          'Unable to terminate operation. No operation is in progress',
        );
      return {};
    }
    if (method === 'PATCH' && rest === '') return patch(app, body);
    if (method === 'PUT' && rest === 'spec') {
      const spec = body as unknown as ApplicationSpec;
      if (!spec.source && !spec.sources)
        throw new ApiError(
          GrpcCode.InvalidArgument,
          'application spec for ' +
            name +
            ' is invalid: InvalidSpecError: spec.source or spec.sources must be specified',
        );
      app.spec = {
        ...spec,
        project: spec.project || app.spec.project,
        destination: spec.destination ?? app.spec.destination,
      };
      await controller.reconcile(app, { fetch: false });
      return app.spec;
    }
    if (method === 'PUT' && rest === '') {
      const update = body as unknown as Application;
      if (!update.spec) throw new ApiError(GrpcCode.InvalidArgument, 'application spec is required');
      app.spec = update.spec;
      await controller.reconcile(app, { fetch: false });
      return controller.view(app);
    }
    throw new ApiError(GrpcCode.NotFound, 'Not Found', method === 'GET' ? 404 : 405);
  }

  async function revisionMetadata(app: AppRecord, revision: string): Promise<unknown> {
    const { runGit } = await import('../../shared/gitops/git.js');
    const mirror = controller.mirror(app.spec.source?.repoURL ?? '');
    const shown = await runGit(
      ['--git-dir', mirror.dir, 'show', '-s', '--format=%an <%ae>%x00%aI%x00%B', revision],
      { allowFailure: true },
    );
    if (shown.code !== 0)
      throw new ApiError(GrpcCode.Unknown, `unable to resolve '${revision}' to a commit SHA`, 500);
    const [author, date, message] = shown.stdout.split('\0');
    return {
      author,
      date: `${new Date(date ?? '').toISOString().slice(0, 19)}Z`,
      message: (message ?? '').trim(),
    };
  }

  async function sync(app: AppRecord, claims: TokenClaims, body: SyncRequest): Promise<unknown> {
    const source = app.spec.source;
    const targetRevision = source?.targetRevision || 'HEAD';
    if (body.manifests?.length && isAutoSyncEnabled(app.spec) && !body.dryRun) {
      throw new ApiError(
        GrpcCode.FailedPrecondition,
        'cannot use local sync when Automatic Sync Policy is enabled unless for dry run',
      );
    }
    if (isAutoSyncEnabled(app.spec) && !body.dryRun && body.revision && body.revision !== targetRevision) {
      throw new ApiError(
        GrpcCode.FailedPrecondition,
        `Cannot sync to ${body.revision}: auto-sync currently set to ${targetRevision}`,
      );
    }
    if (body.revision) {
      const mirror = controller.mirror(source?.repoURL ?? '');
      if (!(await mirror.resolve(body.revision))) {
        await mirror.fetch(true).catch(() => undefined);
        if (!(await mirror.resolve(body.revision))) {
          throw new ApiError(
            GrpcCode.FailedPrecondition,
            `rpc error: code = Unknown desc = unable to resolve '${body.revision}' to a commit SHA`,
          );
        }
      }
    }
    if (app.operation)
      throw new ApiError(GrpcCode.FailedPrecondition, 'another operation is already in progress');
    const operation: Operation = {
      sync: {
        ...(body.revision ? { revision: body.revision } : {}),
        ...(body.prune ? { prune: true } : {}),
        ...(body.dryRun ? { dryRun: true } : {}),
        ...(body.resources?.length ? { resources: body.resources } : {}),
        ...(body.syncOptions?.items?.length
          ? { syncOptions: body.syncOptions.items }
          : app.spec.syncPolicy?.syncOptions
            ? { syncOptions: app.spec.syncPolicy.syncOptions }
            : {}),
        ...(body.strategy ? { syncStrategy: body.strategy as Record<string, unknown> } : {}),
      },
      initiatedBy: { username: claims.sub },
      ...(body.infos?.length ? { info: body.infos } : {}),
      retry: body.retryStrategy ?? app.spec.syncPolicy?.retry ?? {},
    };
    controller.startOperation(app, operation);
    return controller.view(app, { omitOperationState: true });
  }

  function rollback(app: AppRecord, claims: TokenClaims, body: Record<string, unknown>): unknown {
    if (isAutoSyncEnabled(app.spec))
      throw new ApiError(
        GrpcCode.FailedPrecondition,
        'rollback cannot be initiated when auto-sync is enabled',
      );
    const id = typeof body['id'] === 'number' ? body['id'] : Number(body['id']);
    const entry = (app.status.history ?? []).find((h) => h.id === id);
    if (!entry)
      throw new ApiError(
        GrpcCode.InvalidArgument,
        `application ${app.namespace}/${app.name} does not have deployment with id ${String(body['id'] ?? 0)}`,
      );
    if (app.operation)
      throw new ApiError(GrpcCode.FailedPrecondition, 'another operation is already in progress');
    const operation: Operation = {
      sync: {
        revision: entry.revision,
        ...(body['dryRun'] ? { dryRun: true } : {}),
        ...(body['prune'] ? { prune: true } : {}),
        syncStrategy: { apply: {} },
        ...(entry.source ? { source: entry.source } : {}),
      },
      initiatedBy: { username: claims.sub },
      retry: {},
    };
    controller.startOperation(app, operation);
    return controller.view(app, { omitOperationState: true });
  }

  async function patch(app: AppRecord, body: Record<string, unknown>): Promise<unknown> {
    const type = (body['patchType'] as string | undefined) || 'json';
    if (type !== 'json' && type !== 'merge')
      throw new ApiError(GrpcCode.InvalidArgument, `Patch type '${type}' is not supported`);
    const patchText = body['patch'];
    if (typeof patchText !== 'string')
      throw new ApiError(GrpcCode.InvalidArgument, 'patch must be a JSON string');
    let patchValue: unknown;
    try {
      patchValue = JSON.parse(patchText);
    } catch (error) {
      throw new ApiError(GrpcCode.InvalidArgument, `invalid patch: ${(error as Error).message}`);
    }
    const current = { metadata: controller.view(app).metadata, spec: structuredClone(app.spec) } as Record<
      string,
      unknown
    >;
    let updated: Record<string, unknown>;
    try {
      updated =
        type === 'merge'
          ? (mergePatch(current, patchValue) as Record<string, unknown>)
          : jsonPatch(current, patchValue);
    } catch (error) {
      throw new ApiError(GrpcCode.InvalidArgument, (error as Error).message);
    }
    app.spec = updated['spec'] as ApplicationSpec;
    await controller.reconcile(app, { fetch: false });
    return controller.view(app);
  }

  function watch(
    claims: TokenClaims,
    query: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
    record: Exchange | undefined,
  ): typeof STREAMING {
    if (faults.stream?.mode === 'unavailable')
      throw new ApiError(GrpcCode.Unavailable, 'the stream is unavailable (injected)');
    const name = query.get('name');
    const appNamespace = query.get('appNamespace');
    const projects = [...query.getAll('projects'), ...query.getAll('project')];
    const sse = (req.headers.accept ?? '').includes('text/event-stream');
    const matches = (app: AppRecord): boolean =>
      (!name || app.name === name) &&
      (!appNamespace ? app.namespace === namespace || !name : app.namespace === appNamespace) &&
      (!projects.length || projects.includes(app.spec.project)) &&
      canSeeProject(claims, app.spec.project);
    res.writeHead(
      200,
      sse
        ? { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }
        : { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    );
    if (record)
      Object.assign(record, {
        status: 200,
        contentType: sse ? 'text/event-stream' : 'application/json',
        streamLines: [],
      });
    const silent = faults.stream?.mode === 'silent';
    const last = new Map<string, string>();
    const write = (line: unknown): void => {
      if (silent || res.writableEnded) return;
      const text = JSON.stringify(line);
      res.write(sse ? `data: ${text}\n\n` : `${text}\n`);
      record?.streamLines?.push(line);
    };
    const send = (app: AppRecord, type: 'ADDED' | 'MODIFIED' | 'DELETED'): void => {
      if (!matches(app)) return;
      const view = controller.view(app);
      // Byte-identical consecutive events are suppressed, as the server does.
      const text = JSON.stringify({ ...view, metadata: { ...view.metadata, resourceVersion: '' } });
      if (last.get(app.uid) === text && type === 'MODIFIED') return;
      last.set(app.uid, text);
      write({ result: { type, application: view } });
    };
    for (const app of controller.apps.values()) if (!app.deleted) send(app, 'ADDED');
    const onChange = (app: AppRecord): void => send(app, app.deleted ? 'DELETED' : 'MODIFIED');
    controller.on('change', onChange);
    let timer: NodeJS.Timeout | undefined;
    const entry = {
      res,
      close: (errorLine?: string) => {
        if (errorLine && !res.writableEnded) res.write(`${errorLine}\n`);
        cleanup();
        res.end();
      },
    };
    const cleanup = (): void => {
      controller.off('change', onChange);
      if (timer) clearTimeout(timer);
      streams.delete(entry);
    };
    streams.add(entry);
    if (faults.stream?.mode === 'drop') {
      // A proxy cutting the connection: no clean end of the chunked body.
      timer = setTimeout(() => {
        cleanup();
        res.destroy();
      }, faults.stream.afterMs ?? 0);
    }
    res.on('close', cleanup);
    return STREAMING;
  }

  function admin(method: string, path: string, bodyText: string, res: ServerResponse): void {
    const body = (bodyText.trim() ? JSON.parse(bodyText) : {}) as Record<string, unknown>;
    if (method === 'POST' && path === '/sandbox/v1/faults') {
      api.setFaults(body as Faults);
      sendJson(res, 200, { faults });
      return;
    }
    if (method === 'DELETE' && path === '/sandbox/v1/faults') {
      api.setFaults({});
      sendJson(res, 200, { faults });
      return;
    }
    if (method === 'POST' && path === '/sandbox/v1/applications') {
      api.addApplication(body as unknown as ApplicationDefinition).then(
        (app) => sendJson(res, 200, app),
        (error: unknown) => sendJson(res, 400, { error: (error as Error).message }),
      );
      return;
    }
    if (method === 'POST' && path === '/sandbox/v1/tokens') {
      const token = api.createToken(String(body['subject'] ?? 'ci-bot'), {
        projects: body['projects'] as string[] | undefined,
        expiresInMs: body['expiresInMs'] as number | undefined,
      });
      sendJson(res, 200, { token });
      return;
    }
    sendJson(res, 404, { error: `no sandbox endpoint ${method} ${path}` });
  }

  const api: ArgoCdStandIn = {
    url,
    adminToken,
    certificate: tls?.cert,
    controller,
    exchanges,
    async addApplication(def) {
      return controller.view(await controller.addApplication(def));
    },
    createToken: (subject, tokenOptions) => auth.issue(subject, tokenOptions),
    setFaults(next) {
      faults = structuredClone(next);
      if (next.expireTokens) {
        auth.expiredBefore = Date.now() + 1;
        const line = JSON.stringify({
          error: {
            grpc_code: 16,
            http_code: 401,
            message: 'invalid session: token has invalid claims: token is expired',
            http_status: 'Unauthorized',
          },
        });
        for (const stream of [...streams]) stream.close(line);
      }
    },
    serviceUrl: (name, ns) => controller.find(name, ns)?.workload.url,
    async stop() {
      for (const stream of [...streams]) stream.close();
      await controller.stop();
      await new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
      if (ownsWorkDir) rmSync(workDir, { recursive: true, force: true });
    },
  };
  return api;
}

function safeJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** RFC 6902 JSON patch (add, remove, replace, test). */
export function jsonPatch(document: Record<string, unknown>, operations: unknown): Record<string, unknown> {
  if (!Array.isArray(operations)) throw new Error('a json patch must be an array of operations');
  const doc = structuredClone(document);
  for (const op of operations as { op: string; path: string; value?: unknown }[]) {
    const parts = op.path
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop();
    if (last === undefined) throw new Error(`invalid path ${op.path}`);
    let parent: unknown = doc;
    for (const part of parts) {
      parent = Array.isArray(parent)
        ? parent[Number(part)]
        : (parent as Record<string, unknown> | undefined)?.[part];
      if (parent === undefined || parent === null) throw new Error(`doc is missing path: ${op.path}`);
    }
    const container = parent as Record<string, unknown> | unknown[];
    if (op.op === 'test') {
      const current = Array.isArray(container) ? container[Number(last)] : container[last];
      if (JSON.stringify(current) !== JSON.stringify(op.value))
        throw new Error(`testing value ${op.path} failed`);
    } else if (op.op === 'remove') {
      if (Array.isArray(container)) container.splice(Number(last), 1);
      else delete container[last];
    } else if (op.op === 'add' || op.op === 'replace') {
      if (Array.isArray(container)) {
        const index = last === '-' ? container.length : Number(last);
        if (op.op === 'add') container.splice(index, 0, op.value);
        else container[index] = op.value;
      } else {
        if (op.op === 'replace' && !(last in container))
          throw new Error(`replace operation does not apply: doc is missing key: ${op.path}`);
        container[last] = op.value;
      }
    } else {
      throw new Error(`Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}
