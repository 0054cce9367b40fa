export const id = 774;
export const ids = [774,863];
export const modules = {

/***/ 9774:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deploy: () => (/* binding */ deploy)
});

// UNUSED EXPORTS: clientFor, commitMessage, explainArgoError

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./.cache/tsc/shared/errors.js
var errors = __webpack_require__(1500);
// EXTERNAL MODULE: ./.cache/tsc/shared/duration.js
var duration = __webpack_require__(1511);
;// CONCATENATED MODULE: ./.cache/tsc/shared/argocd/types.js
/**
 * The parts of Argo CD's REST model (swagger `v1alpha1*`, `application*`) that Paved reads and writes.
 * Field names are the Go `json:` tags; int64 values are JSON numbers (grpc-gateway v1 with encoding/json,
 * see shared/argocd/API-NOTES.md §0). Everything optional is optional because Argo CD omits empty fields.
 */
/** gRPC status codes used by Argo CD's API (google.golang.org/grpc/codes). */
const GrpcCode = {
    Unknown: 2,
    InvalidArgument: 3,
    DeadlineExceeded: 4,
    NotFound: 5,
    AlreadyExists: 6,
    PermissionDenied: 7,
    FailedPrecondition: 9,
    Aborted: 10,
    Internal: 13,
    Unavailable: 14,
    Unauthenticated: 16,
};
/** HTTP status grpc-gateway v1 answers for a gRPC code (`runtime.HTTPStatusFromCode`). */
function httpStatusForGrpcCode(code) {
    switch (code) {
        case GrpcCode.InvalidArgument:
        case GrpcCode.FailedPrecondition:
            return 400;
        case GrpcCode.NotFound:
            return 404;
        case GrpcCode.AlreadyExists:
        case GrpcCode.Aborted:
            return 409;
        case GrpcCode.PermissionDenied:
            return 403;
        case GrpcCode.Unauthenticated:
            return 401;
        case GrpcCode.Unavailable:
            return 503;
        case GrpcCode.DeadlineExceeded:
            return 504;
        default:
            return 500;
    }
}
/** Whether automated sync is on: `automated` present and not explicitly `enabled: false` (types.go IsAutomatedSyncEnabled). */
function isAutoSyncEnabled(spec) {
    const automated = spec.syncPolicy?.automated;
    return automated !== undefined && automated !== null && automated.enabled !== false;
}
/** Operation phases after which nothing more happens to an operation. */
function isCompletedPhase(phase) {
    return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
}

// EXTERNAL MODULE: ./.cache/tsc/shared/http.js
var shared_http = __webpack_require__(863);
// EXTERNAL MODULE: ./.cache/tsc/shared/retry.js
var retry = __webpack_require__(3501);
// EXTERNAL MODULE: ./.cache/tsc/shared/secrets.js
var secrets = __webpack_require__(1102);
;// CONCATENATED MODULE: ./.cache/tsc/shared/argocd/client.js
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





/** An error answered by Argo CD: the HTTP status, the gRPC code and the server's own message. */
class ArgoCdError extends errors/* RemoteError */.Hi {
    name = 'ArgoCdError';
    kind;
    grpcCode;
    /** The server's message as sent (`error`/`message` of the body). */
    serverMessage;
    constructor(service, message, options) {
        const retryable = options.status !== undefined &&
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
function classify(status, code, message) {
    if (/another operation is already in progress/i.test(message))
        return 'operation-in-progress';
    if (/rollback cannot be initiated when auto-sync is enabled|auto-sync currently set to/i.test(message))
        return 'auto-sync-enabled';
    if (/no operation is in progress/i.test(message))
        return 'no-operation';
    if (status === 401 || code === GrpcCode.Unauthenticated)
        return 'unauthenticated';
    if (status === 403 || code === GrpcCode.PermissionDenied)
        return 'permission-denied';
    if (status === 404 || code === GrpcCode.NotFound)
        return 'not-found';
    if (status === 415)
        return 'unsupported-content-type';
    if (code === GrpcCode.InvalidArgument)
        return 'invalid-argument';
    if (code === GrpcCode.FailedPrecondition)
        return 'failed-precondition';
    if (status === 503 || code === GrpcCode.Unavailable)
        return 'unavailable';
    return 'other';
}
/** Whether `error` is Argo CD's "another operation is already in progress" (HTTP 400, code 9). */
function isOperationInProgress(error) {
    return error instanceof ArgoCdError && error.kind === 'operation-in-progress';
}
/** Parse an error body: grpc-gateway JSON, or the plain text of 415s and routing errors. */
function parseErrorBody(text) {
    const trimmed = text.trim();
    try {
        const body = JSON.parse(trimmed);
        const message = body.message || body.error;
        if (typeof message === 'string')
            return { message, code: typeof body.code === 'number' ? body.code : undefined };
    }
    catch {
        // plain text
    }
    return { message: trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed, code: undefined };
}
/** One line of the watch stream: an event, or an error the server sent instead of closing. */
function parseStreamLine(line) {
    let text = line.trim();
    if (!text || text.startsWith(':'))
        return undefined;
    // SSE framing (`data: {...}`) when a proxy or a caller asked for text/event-stream.
    if (text.startsWith('data:'))
        text = text.slice(5).trim();
    const parsed = JSON.parse(text);
    if (parsed.error)
        return { error: parsed.error };
    if (parsed.result)
        return { event: parsed.result };
    return undefined;
}
const ALL_STATUSES = Array.from({ length: 500 }, (_, i) => i + 100);
class ArgoCdClient {
    options;
    baseUrl;
    service;
    appNamespace;
    project;
    token;
    loggingIn;
    constructor(options) {
        this.options = options;
        const base = new URL(String(options.server));
        if (!base.pathname.endsWith('/'))
            base.pathname += '/';
        base.search = '';
        base.hash = '';
        this.baseUrl = base;
        this.service = `Argo CD at ${base.origin}${base.pathname === '/' ? '' : base.pathname.replace(/\/$/, '')}`;
        this.appNamespace = options.appNamespace;
        this.project = options.project;
        if ('token' in options.auth) {
            (0,secrets/* maskSecret */.$l)(options.auth.token);
            this.token = options.auth.token;
        }
        else {
            (0,secrets/* maskSecret */.$l)(options.auth.password);
        }
    }
    /** The UI link of an application. */
    appUrl(name) {
        const url = new URL(`applications/${encodeURIComponent(this.appNamespace ?? 'argocd')}/${encodeURIComponent(name)}`, this.baseUrl);
        if (!this.appNamespace)
            url.pathname = url.pathname.replace(/applications\/argocd\//, 'applications/');
        return url.toString();
    }
    /** POST /api/v1/session: exchange username/password for a session token (masked at once). */
    async login() {
        const auth = this.options.auth;
        if ('token' in auth)
            return auth.token;
        this.loggingIn ??= (async () => {
            const body = await this.call('POST', 'api/v1/session', {
                body: { username: auth.username, password: auth.password },
                anonymous: true,
            });
            if (!body?.token)
                throw new errors/* RemoteError */.Hi(this.service, 'POST /api/v1/session returned no token');
            (0,secrets/* maskSecret */.$l)(body.token);
            this.token = body.token;
            return body.token;
        })().finally(() => {
            this.loggingIn = undefined;
        });
        return this.loggingIn;
    }
    /** Whether an expired session can be replaced (username/password auth; a token cannot be renewed). */
    get canRenewSession() {
        return 'username' in this.options.auth;
    }
    /** Log in again after the session expired. */
    async renewSession() {
        this.token = undefined;
        await this.login();
    }
    /** GET /api/version (no auth needed): a cheap connectivity check. */
    version() {
        return this.call('GET', 'api/version', { anonymous: true });
    }
    /** GET /api/v1/session/userinfo: who the token belongs to (never 401; `loggedIn:false` instead). */
    userInfo() {
        return this.call('GET', 'api/v1/session/userinfo');
    }
    /**
     * GET /api/v1/applications/{name}. `refresh` asks the controller to re-read git first; the call then
     * blocks until the refreshed state is published (API-NOTES §3).
     */
    getApplication(name, options = {}) {
        return this.call('GET', `api/v1/applications/${encodeURIComponent(name)}`, {
            query: { refresh: options.refresh },
            timeoutMs: options.timeoutMs ??
                (options.refresh ? Math.max(this.options.timeoutMs ?? 30_000, 60_000) : undefined),
        });
    }
    async listApplications(options = {}) {
        const list = await this.call('GET', 'api/v1/applications', {
            query: { selector: options.selector, name: options.name, projects: options.projects },
            scopeProject: false,
        });
        return list?.items ?? [];
    }
    /** POST …/sync. Throws ArgoCdError kind `operation-in-progress` when an operation is already set. */
    sync(name, body = {}) {
        return this.call('POST', `api/v1/applications/${encodeURIComponent(name)}/sync`, {
            body: { name, ...this.scopeBody(), ...body },
            scopeProject: false,
        });
    }
    /** POST …/rollback to a history entry, addressed by its `id` (never an index: ids continue after truncation). */
    rollback(name, body) {
        return this.call('POST', `api/v1/applications/${encodeURIComponent(name)}/rollback`, {
            body: { name, ...this.scopeBody(), ...body },
            scopeProject: false,
        });
    }
    /** DELETE …/operation: ask the controller to terminate the running operation. */
    async terminateOperation(name) {
        await this.call('DELETE', `api/v1/applications/${encodeURIComponent(name)}/operation`, {
            body: undefined,
        });
    }
    resourceTree(name) {
        return this.call('GET', `api/v1/applications/${encodeURIComponent(name)}/resource-tree`);
    }
    /** PATCH the Application. `patch` is a JSON merge patch (object) or RFC 6902 operations (array). */
    patchApplication(name, patch) {
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
    updateSpec(name, spec, options = {}) {
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
    async *watchApplication(name, options = {}) {
        const query = {
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
        if (!body)
            return;
        const decoder = new TextDecoder();
        let buffer = '';
        const reader = body.getReader();
        const onAbort = () => void reader.cancel().catch(() => undefined);
        options.signal?.addEventListener('abort', onAbort, { once: true });
        try {
            for (;;) {
                let chunk;
                try {
                    chunk = await reader.read();
                }
                catch (error) {
                    if (options.signal?.aborted)
                        return;
                    throw new errors/* RemoteError */.Hi(this.service, `the watch stream for '${name}' broke: ${error.message}`, { retryable: true, cause: error });
                }
                if (chunk.done)
                    break;
                buffer += decoder.decode(chunk.value, { stream: true });
                let newline;
                while ((newline = buffer.indexOf('\n')) >= 0) {
                    const line = buffer.slice(0, newline);
                    buffer = buffer.slice(newline + 1);
                    let parsed;
                    try {
                        parsed = parseStreamLine(line);
                    }
                    catch (error) {
                        throw new errors/* RemoteError */.Hi(this.service, `the watch stream sent a line that is not JSON: ${JSON.stringify(line.slice(0, 120))}`, {
                            retryable: true,
                            cause: error,
                        });
                    }
                    if (parsed?.error) {
                        const message = parsed.error.message ?? 'stream error';
                        throw new ArgoCdError(this.service, `watch of '${name}' failed: ${message}`, {
                            status: parsed.error.http_code,
                            grpcCode: parsed.error.grpc_code,
                            serverMessage: message,
                        });
                    }
                    if (parsed?.event)
                        yield parsed.event;
                }
            }
        }
        finally {
            options.signal?.removeEventListener('abort', onAbort);
            reader.cancel().catch(() => undefined);
        }
    }
    scopeBody() {
        const scope = {};
        if (this.appNamespace)
            scope.appNamespace = this.appNamespace;
        if (this.project)
            scope.project = this.project;
        return scope;
    }
    /** A unary JSON call with retries on 5xx/429/resets, and one re-login when a session expired. */
    async call(method, path, options = {}) {
        const query = { ...options.query };
        if (options.scopeProject !== false && !options.anonymous && !path.startsWith('api/v1/session')) {
            query['appNamespace'] ??= this.appNamespace;
            query['project'] ??= this.project;
        }
        const attempt = async () => {
            const response = await this.send(method, path, {
                body: options.body,
                query,
                anonymous: options.anonymous,
                timeoutMs: options.timeoutMs,
            });
            if (!response.text)
                return undefined;
            try {
                return JSON.parse(response.text);
            }
            catch (error) {
                throw new errors/* RemoteError */.Hi(this.service, `${method} /${path} answered something that is not JSON: ${JSON.stringify(response.text.slice(0, 120))}`, {
                    cause: error,
                });
            }
        };
        const policy = this.options.retry;
        const withRetry = () => policy === false ? attempt() : (0,retry/* retry */.L5)(attempt, { attempts: 4, maxElapsedMs: 60_000, ...policy });
        try {
            return await withRetry();
        }
        catch (error) {
            // Sessions expire during long waits; username/password can mint a new one. Tokens cannot.
            if (error instanceof ArgoCdError &&
                error.kind === 'unauthenticated' &&
                !options.anonymous &&
                'username' in this.options.auth) {
                this.token = undefined;
                return withRetry();
            }
            throw error;
        }
    }
    async send(method, path, options) {
        const url = new URL(path, this.baseUrl);
        for (const [key, value] of Object.entries(options.query ?? {})) {
            if (value === undefined || value === '')
                continue;
            for (const item of Array.isArray(value) ? value : [value])
                url.searchParams.append(key, item);
        }
        const headers = { accept: 'application/json' };
        if (!options.anonymous) {
            const token = this.token ?? (await this.login());
            headers['authorization'] = `Bearer ${token}`;
        }
        const http = {
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
        if (method !== 'GET')
            http.body = options.body === undefined ? '{}' : JSON.stringify(options.body);
        if (method !== 'GET')
            headers['content-type'] = 'application/json';
        const response = await (0,shared_http/* request */.Em)(url, http);
        if (response.status >= 200 && response.status < 300)
            return response;
        let text = response.text;
        if (options.stream && response.body) {
            text = await new Response(response.body).text().catch(() => '');
        }
        const { message, code } = parseErrorBody(text);
        throw new ArgoCdError(this.service, `${method} /${path}${url.search} returned ${response.status}: ${message || '(empty body)'}`, {
            status: response.status,
            grpcCode: code,
            serverMessage: message,
            retryAfterMs: (0,retry/* parseRetryAfter */.mu)(response.headers.get('retry-after')),
        });
    }
}

;// CONCATENATED MODULE: ./.cache/tsc/shared/argocd/observe.js
/**
 * A live view of one application: the watch stream when it works, polling when it does not. Proxies and
 * ingress controllers cut or buffer long streams (API-NOTES §7, argoproj/argo-cd#13752), so the stream is
 * reconnected from the last seen resourceVersion, and after repeated failures the observer falls back to
 * GET every `pollIntervalMs`. While streaming, a slow safety poll catches a stream that silently stalls.
 */



/**
 * Call `onApplication` with every new state of `name` until `signal` aborts. Errors that a retry cannot fix
 * (401 with a token, 403, 404) are rethrown; transient ones are absorbed and reported through `onNotice`.
 */
async function observeApplication(client, name, onApplication, options) {
    // An inner signal, so that the safety poll also stops when this function throws.
    const inner = new AbortController();
    const stop = () => inner.abort();
    options.signal.addEventListener('abort', stop, { once: true });
    try {
        await observeUntilAborted(client, name, onApplication, { ...options, signal: inner.signal });
    }
    finally {
        options.signal.removeEventListener('abort', stop);
        inner.abort();
    }
}
async function observeUntilAborted(client, name, onApplication, options) {
    const { signal } = options;
    const pollIntervalMs = options.pollIntervalMs ?? 5000;
    let lastVersion;
    const deliver = (app) => {
        const version = app.metadata.resourceVersion;
        if (version !== undefined && version === lastVersion)
            return;
        lastVersion = version;
        onApplication(app);
    };
    const getOnce = async () => {
        try {
            deliver(await client.getApplication(name));
        }
        catch (error) {
            await handleError(client, error, options, `GET of '${name}'`);
        }
    };
    if ((options.mode ?? 'stream') === 'poll') {
        while (!signal.aborted) {
            await getOnce();
            await sleepQuietly(pollIntervalMs, signal);
        }
        return;
    }
    // The safety poll runs beside the stream for the whole wait.
    const safety = (async () => {
        const every = options.streamSafetyPollMs ?? 15_000;
        while (!signal.aborted) {
            await sleepQuietly(every, signal);
            if (!signal.aborted)
                await getOnce().catch(() => undefined);
        }
    })();
    let failures = 0;
    let polling = false;
    try {
        while (!signal.aborted) {
            if (polling) {
                await getOnce();
                await sleepQuietly(pollIntervalMs, signal);
                // Try the stream again now and then: a proxy hiccup should not cost the whole wait its latency.
                if (++failures % 6 === 0)
                    polling = false;
                continue;
            }
            let received = false;
            try {
                for await (const event of client.watchApplication(name, { signal })) {
                    received = true;
                    failures = 0;
                    if (event.type === 'DELETED') {
                        throw new ArgoCdError(client.service, `application '${name}' was deleted while waiting`, {
                            status: 404,
                            serverMessage: 'deleted',
                        });
                    }
                    deliver(event.application);
                }
                if (signal.aborted)
                    break;
                options.onNotice?.('the watch stream closed; reconnecting');
            }
            catch (error) {
                if (signal.aborted)
                    break;
                await handleError(client, error, options, 'the watch stream');
                if (!received)
                    failures++;
                if (failures >= 2) {
                    polling = true;
                    options.onNotice?.(`the watch stream is unavailable (${(0,errors/* messageOf */.bD)(error)}); polling every ${Math.round(pollIntervalMs / 1000)}s`);
                    await getOnce();
                    continue;
                }
            }
            // Like `argocd app wait`, reconnect after a short pause (pkg/apiclient WatchApplicationWithRetry).
            await sleepQuietly(received ? 100 : 1000, signal);
        }
    }
    finally {
        await safety.catch(() => undefined);
    }
}
async function handleError(client, error, options, what) {
    if (error instanceof ArgoCdError) {
        if (error.kind === 'unauthenticated' && client.canRenewSession) {
            options.onNotice?.('the Argo CD session expired; logging in again');
            await client.renewSession();
            return;
        }
        if (error.kind === 'unauthenticated' || error.kind === 'permission-denied' || error.kind === 'not-found')
            throw error;
    }
    if (options.signal.aborted)
        return;
    options.onNotice?.(`${what} failed (${(0,errors/* messageOf */.bD)(error)}); retrying`);
}
async function sleepQuietly(ms, signal) {
    try {
        await (0,retry/* abortableSleep */.Mf)(ms, signal);
    }
    catch {
        // aborted: the caller's loop checks the signal
    }
}

;// CONCATENATED MODULE: ./.cache/tsc/shared/argocd/verdict.js
/**
 * Whether a revision is live: the pure decision behind every wait. Argo CD's own `app wait` can return on
 * the *previous* revision's Synced/Healthy (argoproj/argo-cd#5592, #12211), so a state counts as done only
 * when all of these hold (API-NOTES §12.6):
 * - no operation is requested or running (`operation` absent, `operationState` completed);
 * - the completed operation is the one we care about (newer than the one seen before we started, and for
 *   the target revision);
 * - the controller has reconciled after it finished (`reconciledAt >= finishedAt`);
 * - `status.sync.revision` is the target revision, sync is `Synced` and health is `Healthy`.
 */

/** The `infos` name under which Paved tags the operations it starts. */
const OPERATION_NONCE_INFO = 'paved-operation';
/** `Synced/Healthy, operation Succeeded at abc1234` — one line for logs and errors. */
function describeApplicationState(app) {
    const status = app.status ?? {};
    const sync = status.sync?.status ?? 'Unknown';
    const health = status.health?.status ?? 'Unknown';
    const revision = status.sync?.revision ? ` at ${status.sync.revision.slice(0, 7)}` : '';
    const op = status.operationState;
    let operation = '';
    if (app.operation && (!op || isCompletedPhase(op.phase)))
        operation = ', operation requested';
    else if (op)
        operation = `, operation ${op.phase}${op.syncResult?.revision || op.operation.sync?.revision ? ` (${(op.syncResult?.revision ?? op.operation.sync?.revision ?? '').slice(0, 7)})` : ''}`;
    return `${sync}/${health}${revision}${operation}`;
}
function newestHistoryId(app) {
    return Math.max(-1, ...(app.status?.history ?? []).map((h) => h.id));
}
function operationRevision(app) {
    const op = app.status?.operationState;
    return op?.syncResult?.revision || op?.operation.sync?.revision;
}
/** Resources the sync could not apply, as `Kind/name: message`. */
function failedSyncResources(app) {
    const resources = app.status?.operationState?.syncResult?.resources ?? [];
    return resources
        .filter((r) => r.status === 'SyncFailed' || r.hookPhase === 'Failed' || r.hookPhase === 'Error')
        .map((r) => `${r.kind}/${r.name}${r.message ? `: ${r.message}` : ''}`);
}
/** Decide whether `target` is live in `app`, still on its way, or failed. */
function evaluateDeployment(app, target) {
    const status = app.status ?? {};
    const op = status.operationState;
    const isOurs = (candidate) => candidate !== undefined &&
        (target.operationNonce
            ? (candidate.operation.info ?? []).some((item) => item.name === OPERATION_NONCE_INFO && item.value === target.operationNonce)
            : candidate.startedAt !== target.previousOperationStartedAt ||
                !isCompletedPhase(candidate.phase) ||
                (target.previousHistoryId !== undefined &&
                    candidate.phase === 'Succeeded' &&
                    newestHistoryId(app) > target.previousHistoryId));
    if (app.operation && (!op || isCompletedPhase(op.phase) || !isOurs(op))) {
        return { state: 'waiting', reason: 'the operation has not started yet' };
    }
    if (op && !isCompletedPhase(op.phase)) {
        const retrying = op.retryCount ? ` (retry ${op.retryCount}: ${op.message ?? ''})` : '';
        return { state: 'waiting', reason: `the operation is ${op.phase}${retrying}` };
    }
    const fresh = isOurs(op);
    const forTarget = op !== undefined && operationRevision(app) === target.revision;
    if (target.requireOperation && !(fresh && forTarget)) {
        return { state: 'waiting', reason: 'the sync operation for this revision has not run yet' };
    }
    if (op && fresh && forTarget && (op.phase === 'Failed' || op.phase === 'Error')) {
        const failed = failedSyncResources(app);
        return {
            state: 'failed',
            reason: `the sync operation ${op.phase === 'Error' ? 'errored' : 'failed'}: ${op.message ?? 'no message'}${failed.length ? `; ${failed.join('; ')}` : ''}`,
        };
    }
    if (op?.finishedAt && status.reconciledAt && Date.parse(status.reconciledAt) < Date.parse(op.finishedAt)) {
        return { state: 'waiting', reason: 'the controller has not reconciled since the operation finished' };
    }
    if (op?.finishedAt && !status.reconciledAt) {
        return { state: 'waiting', reason: 'the application has not been reconciled yet' };
    }
    if (target.rollback && fresh && forTarget && op?.phase === 'Succeeded') {
        const health = status.health?.status ?? 'Unknown';
        if (health === 'Degraded')
            return {
                state: 'failed',
                reason: `health is Degraded${status.health?.message ? `: ${status.health.message}` : ''}`,
            };
        return health === 'Healthy' ? { state: 'done' } : { state: 'waiting', reason: `health is ${health}` };
    }
    const revision = status.sync?.revision;
    // The branch may have moved on (another app's bump) by the time the controller reconciles: our operation
    // applied the target and the app is Synced to a later commit, so the target's content is what runs.
    const movedOn = fresh &&
        forTarget &&
        op?.phase === 'Succeeded' &&
        revision !== undefined &&
        status.sync?.status === 'Synced';
    if (revision !== target.revision && !movedOn) {
        return {
            state: 'waiting',
            reason: `the application is at ${revision ? revision.slice(0, 7) : 'no revision'}, not ${target.revision.slice(0, 7)}`,
        };
    }
    const comparisonError = (status.conditions ?? []).find((c) => c.type === 'ComparisonError' || c.type === 'InvalidSpecError');
    if (status.sync?.status !== 'Synced') {
        if (comparisonError && forTarget)
            return { state: 'failed', reason: `${comparisonError.type}: ${comparisonError.message}` };
        return { state: 'waiting', reason: `sync status is ${status.sync?.status ?? 'Unknown'}` };
    }
    const health = status.health?.status ?? 'Unknown';
    if (health === 'Degraded') {
        return {
            state: 'failed',
            reason: `health is Degraded${status.health?.message ? `: ${status.health.message}` : ''}`,
        };
    }
    if (health !== 'Healthy')
        return { state: 'waiting', reason: `health is ${health}` };
    return { state: 'done' };
}

;// CONCATENATED MODULE: ./.cache/tsc/shared/argocd/wait.js
/**
 * Waiting on Argo CD the way a pipeline needs: until a given revision is live and healthy (not the
 * previous one), logging every state change and a heartbeat, failing fast on a failed sync or Degraded
 * health, and on timeout saying what was last seen and which resources are unhealthy and why.
 */






/** The sync or health failure of a deployment (as opposed to a timeout). */
class DeploymentFailedError extends errors/* PavedError */.fL {
    application;
    name = 'DeploymentFailedError';
    constructor(message, application) {
        super(message);
        this.application = application;
    }
}
/** Non-healthy nodes of a resource tree, as `Kind/name (Health): message`, workloads first. */
function unhealthyResources(tree) {
    const nodes = tree?.nodes ?? [];
    return nodes
        .filter((node) => node.health?.status && node.health.status !== 'Healthy')
        .map((node) => `${node.kind}/${node.name} (${node.health?.status})${node.health?.message ? `: ${node.health.message}` : ''}`);
}
/**
 * Watch `name` until `evaluate` says done or failed, or `timeoutMs` passes. Logs a line per state change
 * and a heartbeat with the elapsed time. Returns the application in its final state.
 */
async function waitForApplication(client, name, evaluate, options) {
    const started = Date.now();
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const watched = { latest: undefined, changed: () => undefined };
    let lastLine = '';
    let outcome;
    let resolveOutcome = () => undefined;
    const settled = new Promise((resolve) => (resolveOutcome = resolve));
    const onApplication = (app) => {
        watched.latest = app;
        const verdict = evaluate(app);
        const line = `${describeApplicationState(app)}${verdict.state === 'waiting' && verdict.reason ? ` — ${verdict.reason}` : ''}`;
        if (line !== lastLine) {
            lastLine = line;
            options.log.info(`[${(0,duration/* formatDuration */.a)(Date.now() - started)}] ${name}: ${line}`);
        }
        if (verdict.state !== 'waiting' && !outcome) {
            outcome = { state: verdict.state, reason: verdict.reason };
            resolveOutcome();
        }
    };
    const heartbeat = setInterval(() => {
        options.log.info(`… still waiting for ${options.what} (${(0,duration/* formatDuration */.a)(Date.now() - started)} elapsed): ${lastLine || 'no state yet'}`);
    }, options.heartbeatMs ?? 30_000);
    const timer = setTimeout(() => resolveOutcome(), options.timeoutMs);
    let observerError;
    const observer = observeApplication(client, name, onApplication, {
        signal: controller.signal,
        mode: options.mode,
        pollIntervalMs: options.pollIntervalMs,
        onNotice: (message) => options.log.info(`${name}: ${message}`),
    }).catch((error) => {
        observerError = error;
        resolveOutcome();
    });
    try {
        await settled;
    }
    finally {
        clearInterval(heartbeat);
        clearTimeout(timer);
        controller.abort();
        options.signal?.removeEventListener('abort', onOuterAbort);
        await observer;
    }
    if (observerError)
        throw observerError;
    if (options.signal?.aborted)
        throw new errors/* PavedError */.fL(`waiting for ${options.what} was cancelled`);
    if (outcome?.state === 'done')
        return watched.latest;
    const tree = await client.resourceTree(name).catch(() => undefined);
    const unhealthy = unhealthyResources(tree);
    const details = unhealthy.length
        ? `\nResources that are not healthy:\n${unhealthy.map((r) => `  - ${r}`).join('\n')}`
        : '';
    if (outcome?.state === 'failed') {
        throw new DeploymentFailedError(`${name}: ${outcome.reason ?? 'failed'}${details}`, watched.latest);
    }
    const last = watched.latest ? describeApplicationState(watched.latest) : 'no state received';
    throw new errors/* TimeoutError */.MU(`${name}: timed out after ${options.timeoutDescription ?? (0,duration/* formatDuration */.a)(options.timeoutMs)} waiting for ${options.what}; last state ${last}${lastLine.includes(' — ') ? ` (${lastLine.split(' — ')[1]})` : ''}${details}`);
}
/**
 * Wait until `target.revision` is live (see {@link evaluateDeployment}), then hold for `stableForMs` and
 * fail if it stops being Synced/Healthy on that revision meanwhile.
 */
async function waitForDeployment(client, name, target, options) {
    const short = target.revision.slice(0, 7);
    const live = await waitForApplication(client, name, (app) => evaluateDeployment(app, target), {
        ...options,
        what: `revision ${short} to be Synced and Healthy`,
    });
    const stableForMs = options.stableForMs ?? 0;
    if (stableForMs <= 0)
        return live;
    options.log.info(`${name}: live on ${short}; checking that it stays Healthy for ${(0,duration/* formatDuration */.a)(stableForMs)}`);
    let final = live;
    try {
        await waitForApplication(client, name, (app) => {
            final = app;
            const verdict = evaluateDeployment(app, { ...target, requireOperation: false });
            if (verdict.state === 'done')
                return { state: 'waiting' };
            return {
                state: 'failed',
                reason: `it stopped being Synced/Healthy on ${short} within stable-for: ${describeApplicationState(app)}`,
            };
        }, { ...options, timeoutMs: stableForMs, what: `${(0,duration/* formatDuration */.a)(stableForMs)} of stability` });
    }
    catch (error) {
        if (error instanceof errors/* TimeoutError */.MU)
            return final;
        throw error;
    }
    return final;
}
/**
 * Start an operation (sync or rollback). When Argo CD answers "another operation is already in progress"
 * (an auto-sync the push triggered, another pipeline, a person in the UI), wait for that operation to end
 * and try again, instead of failing as `argocd app sync` does (argoproj/argo-cd#4505, #20372).
 */
async function startOperationWhenFree(client, name, start, options) {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
        try {
            return await start();
        }
        catch (error) {
            if (!isOperationInProgress(error))
                throw error;
            const remaining = deadline - Date.now();
            if (remaining <= 0) {
                throw new errors/* TimeoutError */.MU(`${name}: another operation was still in progress after ${(0,duration/* formatDuration */.a)(options.timeoutMs)}: ${(0,errors/* messageOf */.bD)(error)}`);
            }
            const current = await client.getApplication(name).catch(() => undefined);
            const who = describeOperation(current);
            options.log.info(`${name}: another operation is already in progress${who}; waiting for it to finish before starting ours`);
            await waitForApplication(client, name, (app) => !app.operation && (!app.status?.operationState || isCompletedPhase(app.status.operationState.phase))
                ? { state: 'done' }
                : { state: 'waiting', reason: 'another operation is running' }, { ...options, timeoutMs: remaining, what: 'the running operation to finish' });
        }
    }
}
function describeOperation(app) {
    const op = app?.status?.operationState;
    const initiator = op?.operation.initiatedBy ?? app?.operation?.initiatedBy;
    const by = initiator?.automated ? 'auto-sync' : initiator?.username;
    const revision = op?.operation.sync?.revision ?? app?.operation?.sync?.revision;
    const parts = [by ? `started by ${by}` : '', revision ? `for ${revision.slice(0, 7)}` : ''].filter(Boolean);
    return parts.length ? ` (${parts.join(', ')})` : '';
}

;// CONCATENATED MODULE: ./.cache/tsc/shared/argocd/index.js
/**
 * Argo CD for Paved: a typed REST client ({@link ArgoCdClient}), a live view of an application (stream
 * with polling fallback), and the waits a pipeline needs (a revision live and healthy; an operation slot).
 */






// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./.cache/tsc/shared/gitops/images.js
/**
 * Writing an image into the GitOps file that owns it, and reading it back, with comments, quoting and key
 * order preserved (yaml's Document API edits nodes in place instead of re-serialising data):
 *
 * - `kustomization.yaml` `images:` entries `{name, newName?, newTag?, digest?}`, as `kustomize edit set image`;
 * - Helm values keys (`image.repository` / `image.tag` by default, as `helm create` scaffolds them);
 * - `.argocd-source-<app>.yaml` parameter overrides, as argocd-image-updater's git write-back writes them
 *   (`kustomize.images: ["name:tag"]` or `helm.parameters: [{name, value, forcestring}]`).
 *
 * The same functions render the image at a revision in the Argo CD stand-in, so what the action writes and
 * what the stand-in deploys cannot drift apart. Pure functions: text in, text out.
 */


/** Split `registry:5000/team/app:1.2@sha256:…` into name, tag and digest (a port is not a tag). */
function images_splitImage(reference) {
    let rest = reference.trim();
    const parts = { name: '' };
    const at = rest.indexOf('@');
    if (at >= 0) {
        parts.digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
    }
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
        parts.tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
    }
    parts.name = rest;
    return parts;
}
function joinImage(parts) {
    return `${parts.name}${parts.tag ? `:${parts.tag}` : ''}${parts.digest ? `@${parts.digest}` : ''}`;
}
function load(text, file) {
    const doc = (0,dist/* parseDocument */.Tp)(text, { keepSourceTokens: true });
    if (doc.errors.length > 0) {
        throw new errors/* PavedError */.fL(`${file} is not valid YAML: ${doc.errors[0]?.message.split('\n')[0] ?? 'parse error'}`);
    }
    if (doc.contents !== null && !(0,dist/* isMap */.jh)(doc.contents))
        throw new errors/* PavedError */.fL(`${file} must be a YAML mapping at the top level`);
    return doc;
}
/** A child node of a mapping (undefined when `map` is not a mapping). */
function nodeOf(map, key) {
    return (0,dist/* isMap */.jh)(map) ? map.get(key, true) : undefined;
}
function scalarText(node) {
    if ((0,dist/* isScalar */.jn)(node) && node.value !== null && node.value !== undefined)
        return String(node.value);
    return undefined;
}
/** Set a scalar in place (keeping its quoting style) or create it; returns whether the value changed. */
function setScalar(map, key, value) {
    const node = nodeOf(map, key);
    if ((0,dist/* isScalar */.jn)(node)) {
        if (String(node.value) === value)
            return false;
        node.value = value;
        return true;
    }
    map.set(key, new dist/* Scalar */.X5(value));
    return true;
}
function deleteKey(map, key) {
    return map.has(key) ? map.delete(key) : false;
}
function serialise(doc, original, changed) {
    if (!changed)
        return original;
    return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
/** The entry of a kustomization `images:` list that `matchName` selects (by `name`, else by `newName`). */
function findKustomizeEntry(images, matchName) {
    const entries = images.items.filter((item) => (0,dist/* isMap */.jh)(item));
    return (entries.find((entry) => scalarText(nodeOf(entry, 'name')) === matchName) ??
        entries.find((entry) => scalarText(nodeOf(entry, 'newName')) === matchName));
}
function kustomizeEntryImage(entry) {
    return joinImage({
        name: scalarText(nodeOf(entry, 'newName')) ?? scalarText(nodeOf(entry, 'name')) ?? '',
        tag: scalarText(nodeOf(entry, 'newTag')),
        digest: scalarText(nodeOf(entry, 'digest')),
    });
}
/**
 * Set `image` in a kustomization's `images:`. `matchName` is the image name as written in the manifests
 * (default: the new image's name); when it differs from the new name, `newName` is set too. Digest wins
 * over tag in kustomize, so a tag-only image removes a stale `digest`.
 */
function setKustomizeImage(text, image, options = {}) {
    const file = options.file ?? 'kustomization.yaml';
    const doc = load(text, file);
    const parts = images_splitImage(image);
    const matchName = options.matchName ?? parts.name;
    if (!doc.contents)
        doc.contents = doc.createNode({});
    const root = doc.contents;
    let images = nodeOf(root, 'images');
    if (images === undefined || ((0,dist/* isScalar */.jn)(images) && images.value === null)) {
        images = new dist/* YAMLSeq */.Rw();
        root.set('images', images);
    }
    if (!(0,dist/* isSeq */.oP)(images))
        throw new errors/* PavedError */.fL(`${file}: 'images' must be a list`);
    let entry = findKustomizeEntry(images, matchName);
    const previous = entry ? kustomizeEntryImage(entry) : undefined;
    let changed = false;
    if (!entry) {
        entry = new dist/* YAMLMap */.CA();
        entry.set('name', new dist/* Scalar */.X5(matchName));
        images.add(entry);
        changed = true;
    }
    if (parts.name !== scalarText(nodeOf(entry, 'name')))
        changed = setScalar(entry, 'newName', parts.name) || changed;
    else
        changed = deleteKey(entry, 'newName') || changed;
    if (parts.tag)
        changed = setScalar(entry, 'newTag', parts.tag) || changed;
    else
        changed = deleteKey(entry, 'newTag') || changed;
    if (parts.digest)
        changed = setScalar(entry, 'digest', parts.digest) || changed;
    else
        changed = deleteKey(entry, 'digest') || changed;
    return { text: serialise(doc, text, changed), changed, previous };
}
/** The image a kustomization's `images:` sets for `matchName`, if any. */
function images_readKustomizeImage(text, matchName, file = 'kustomization.yaml') {
    const doc = load(text, file);
    const images = nodeOf(doc.contents, 'images');
    if (!isSeq(images))
        return undefined;
    if (matchName) {
        const entry = findKustomizeEntry(images, matchName);
        return entry ? kustomizeEntryImage(entry) : undefined;
    }
    const first = images.items.find((item) => isMap(item));
    return first ? kustomizeEntryImage(first) : undefined;
}
const images_DEFAULT_HELM_IMAGE_KEYS = {
    repositoryKey: 'image.repository',
    tagKey: 'image.tag',
};
function pathOf(key) {
    return key.split('.').filter(Boolean);
}
function tagValue(parts) {
    return `${parts.tag ?? ''}${parts.digest ? `@${parts.digest}` : ''}`;
}
function setPath(doc, key, value, file) {
    const path = pathOf(key);
    let map = doc.contents;
    for (const segment of path.slice(0, -1)) {
        let next = nodeOf(map, segment);
        if (next === undefined || ((0,dist/* isScalar */.jn)(next) && next.value === null)) {
            next = new dist/* YAMLMap */.CA();
            map.set(segment, next);
        }
        if (!(0,dist/* isMap */.jh)(next))
            throw new errors/* PavedError */.fL(`${file}: '${key}' cannot be set because '${segment}' is not a mapping`);
        map = next;
    }
    return setScalar(map, path[path.length - 1], value);
}
function getPath(doc, key) {
    return scalarText(doc.getIn(pathOf(key), true));
}
/** Set the image in a Helm values file at `keys` (tags are written quoted when YAML would mis-type them). */
function setHelmValuesImage(text, image, keys = images_DEFAULT_HELM_IMAGE_KEYS, file = 'values.yaml') {
    const doc = load(text, file);
    if (!doc.contents)
        doc.contents = doc.createNode({});
    const previous = readHelmValuesImageFrom(doc, keys);
    const parts = images_splitImage(image);
    let changed = false;
    if (keys.repositoryKey)
        changed = setPath(doc, keys.repositoryKey, parts.name, file) || changed;
    changed = setPath(doc, keys.tagKey, tagValue(parts), file) || changed;
    return { text: serialise(doc, text, changed), changed, previous };
}
function readHelmValuesImageFrom(doc, keys) {
    const repository = keys.repositoryKey ? getPath(doc, keys.repositoryKey) : undefined;
    const tag = getPath(doc, keys.tagKey);
    if (repository === undefined && tag === undefined)
        return undefined;
    return joinHelm(repository, tag);
}
function joinHelm(repository, tag) {
    if (!tag)
        return repository ?? '';
    return `${repository ?? ''}${tag.startsWith('@') ? '' : ':'}${tag}`.replace(/^:/, '');
}
function images_readHelmValuesImage(text, keys = images_DEFAULT_HELM_IMAGE_KEYS, file = 'values.yaml') {
    return readHelmValuesImageFrom(load(text, file), keys);
}
/** The `.argocd-source-<app>.yaml` override file name (`<ns>_<app>` with apps in any namespace). */
function images_argocdSourceFileName(app, appNamespace) {
    return `.argocd-source-${appNamespace ? `${appNamespace}_` : ''}${app}.yaml`;
}
/**
 * Set the image in an `.argocd-source-<app>.yaml` override. `style` picks the kustomize image list or Helm
 * parameters (named by `keys`); an existing file keeps its other overrides.
 */
function setArgocdSourceImage(text, image, style, options = {}) {
    const file = options.file ?? '.argocd-source.yaml';
    const doc = load(text, file);
    if (!doc.contents)
        doc.contents = doc.createNode({});
    const root = doc.contents;
    const parts = images_splitImage(image);
    const previous = readArgocdSourceImageFrom(root, style, options);
    let changed = false;
    if (style === 'kustomize') {
        const matchName = options.matchName ?? parts.name;
        let kustomize = nodeOf(root, 'kustomize');
        if (!(0,dist/* isMap */.jh)(kustomize)) {
            kustomize = new dist/* YAMLMap */.CA();
            root.set('kustomize', kustomize);
        }
        let images = nodeOf(kustomize, 'images');
        if (!(0,dist/* isSeq */.oP)(images)) {
            images = new dist/* YAMLSeq */.Rw();
            kustomize.set('images', images);
        }
        const seq = images;
        const value = matchName === parts.name ? image : `${matchName}=${image}`;
        const index = seq.items.findIndex((item) => kustomizeOverrideMatches(scalarText(item), matchName));
        if (index < 0) {
            seq.add(new dist/* Scalar */.X5(value));
            changed = true;
        }
        else {
            const node = seq.items[index];
            if ((0,dist/* isScalar */.jn)(node) && String(node.value) !== value) {
                node.value = value;
                changed = true;
            }
        }
    }
    else {
        const keys = options.keys ?? images_DEFAULT_HELM_IMAGE_KEYS;
        let helm = nodeOf(root, 'helm');
        if (!(0,dist/* isMap */.jh)(helm)) {
            helm = new dist/* YAMLMap */.CA();
            root.set('helm', helm);
        }
        let params = nodeOf(helm, 'parameters');
        if (!(0,dist/* isSeq */.oP)(params)) {
            params = new dist/* YAMLSeq */.Rw();
            helm.set('parameters', params);
        }
        const wanted = [];
        if (keys.repositoryKey)
            wanted.push([keys.repositoryKey, parts.name]);
        wanted.push([keys.tagKey, tagValue(parts)]);
        for (const [name, value] of wanted) {
            const entry = params.items.find((item) => (0,dist/* isMap */.jh)(item) && scalarText(nodeOf(item, 'name')) === name);
            if (entry) {
                changed = setScalar(entry, 'value', value) || changed;
            }
            else {
                const created = new dist/* YAMLMap */.CA();
                created.set('name', new dist/* Scalar */.X5(name));
                created.set('value', new dist/* Scalar */.X5(value));
                created.set('forcestring', true);
                params.add(created);
                changed = true;
            }
        }
    }
    return { text: serialise(doc, text, changed), changed, previous };
}
/** `[<oldName>=]<newName>[:tag][@digest]` matches by the text before the first `=`, `:` or `@` (Argo CD KustomizeImage.Match). */
function kustomizeOverrideMatches(value, matchName) {
    if (!value)
        return false;
    const eq = value.indexOf('=');
    const key = eq >= 0 ? value.slice(0, eq) : images_splitImage(value).name;
    return key === matchName;
}
function readArgocdSourceImageFrom(root, style, options) {
    if (!root)
        return undefined;
    if (style === 'kustomize') {
        const images = nodeOf(nodeOf(root, 'kustomize'), 'images');
        if (!(0,dist/* isSeq */.oP)(images))
            return undefined;
        const values = images.items.map((item) => scalarText(item)).filter((v) => v !== undefined);
        const found = options.matchName
            ? values.find((v) => kustomizeOverrideMatches(v, options.matchName))
            : values[0];
        if (!found)
            return undefined;
        const eq = found.indexOf('=');
        return eq >= 0 ? found.slice(eq + 1) : found;
    }
    const keys = options.keys ?? images_DEFAULT_HELM_IMAGE_KEYS;
    const params = nodeOf(nodeOf(root, 'helm'), 'parameters');
    if (!(0,dist/* isSeq */.oP)(params))
        return undefined;
    const valueOf = (name) => {
        const entry = params.items.find((item) => (0,dist/* isMap */.jh)(item) && scalarText(nodeOf(item, 'name')) === name);
        return entry ? scalarText(nodeOf(entry, 'value')) : undefined;
    };
    const repository = keys.repositoryKey ? valueOf(keys.repositoryKey) : undefined;
    const tag = valueOf(keys.tagKey);
    if (repository === undefined && tag === undefined)
        return undefined;
    return joinHelm(repository, tag);
}
function images_readArgocdSourceImage(text, style, options = {}) {
    const doc = load(text, options.file ?? '.argocd-source.yaml');
    return readArgocdSourceImageFrom(doc.contents, style, options);
}
/** Which format a file name implies: `.argocd-source*.yaml`, `kustomization.y(a)ml`/`Kustomization`, else Helm values. */
function formatForFile(fileName) {
    const base = fileName.split('/').pop() ?? fileName;
    if (/^\.argocd-source.*\.ya?ml$/.test(base))
        return 'argocd-source';
    if (/^(kustomization\.ya?ml|Kustomization)$/.test(base))
        return 'kustomize';
    return 'helm';
}

;// CONCATENATED MODULE: ./.cache/tsc/shared/gitops/render.js
/**
 * Which file in an application's source path owns its image, and what image a source path renders to.
 * The action uses {@link locateImageFile} to decide where to write; the Argo CD stand-in uses
 * {@link renderImage} to decide what to run, with Argo CD's precedence: the file in git (kustomization
 * `images:` or Helm values), then the Application's own `spec.source` overrides, then the
 * `.argocd-source.yaml` / `.argocd-source-<app>.yaml` files (reposerver mergeSourceParameters).
 */



const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const VALUES_FILE = 'values.yaml';
function joinPath(dir, file) {
    const clean = dir.replace(/^\.?\/+|\/+$/g, '');
    return clean && clean !== '.' ? `${clean}/${file}` : file;
}
/**
 * Decide which file to edit in `path`: the explicit `file` when given, else an existing
 * `.argocd-source-<app>.yaml`, else the kustomization, else `values.yaml`.
 */
async function locateImageFile(read, options) {
    const kustomization = await firstExisting(read, KUSTOMIZATION_FILES.map((f) => joinPath(options.path, f)));
    const styleFor = async (file) => {
        const text = await read(file);
        if (text) {
            const parsed = (0,dist/* parse */.qg)(text);
            if (parsed && typeof parsed === 'object' && 'helm' in parsed)
                return 'helm';
            if (parsed && typeof parsed === 'object' && 'kustomize' in parsed)
                return 'kustomize';
        }
        return kustomization ? 'kustomize' : 'helm';
    };
    if (options.file) {
        const file = options.file.includes('/')
            ? options.file.replace(/^\/+/, '')
            : joinPath(options.path, options.file);
        const format = formatForFile(file);
        return {
            file,
            format,
            style: format === 'argocd-source' ? await styleFor(file) : format === 'kustomize' ? 'kustomize' : 'helm',
        };
    }
    const override = joinPath(options.path, images_argocdSourceFileName(options.app, options.appNamespace));
    if ((await read(override)) !== undefined)
        return { file: override, format: 'argocd-source', style: await styleFor(override) };
    if (kustomization)
        return { file: kustomization, format: 'kustomize', style: 'kustomize' };
    const values = joinPath(options.path, VALUES_FILE);
    if ((await read(values)) !== undefined)
        return { file: values, format: 'helm', style: 'helm' };
    throw new errors/* PavedError */.fL(`No file owns the image in '${options.path || '.'}': looked for ${images_argocdSourceFileName(options.app, options.appNamespace)}, ${KUSTOMIZATION_FILES.join(', ')} and ${VALUES_FILE}. Set 'file' to the file to edit.`);
}
async function firstExisting(read, paths) {
    for (const path of paths)
        if ((await read(path)) !== undefined)
            return path;
    return undefined;
}
/**
 * The image `path` renders to at some revision (read through `read`), for an app whose workload uses
 * `imageName` (kustomize: the name in the manifests; default the first `images:` entry).
 */
async function renderImage(read, source, options) {
    const path = source.path ?? '';
    const keys = options.helmKeys ?? DEFAULT_HELM_IMAGE_KEYS;
    const kustomization = await firstExisting(read, KUSTOMIZATION_FILES.map((f) => joinPath(path, f)));
    const overrides = [];
    for (const name of ['.argocd-source.yaml', argocdSourceFileName(options.app, options.appNamespace)]) {
        const text = await read(joinPath(path, name));
        if (text !== undefined)
            overrides.push(text);
    }
    if (kustomization) {
        const text = (await read(kustomization));
        let image = readKustomizeImage(text, options.imageName, kustomization);
        const name = options.imageName ?? (image ? kustomizeName(text) : undefined);
        const apply = (list) => {
            for (const item of list ?? []) {
                const eq = item.indexOf('=');
                const key = eq >= 0 ? item.slice(0, eq) : splitImage(item).name;
                if (name === undefined || key === name || (image && splitImage(image).name === key))
                    image = eq >= 0 ? item.slice(eq + 1) : item;
            }
        };
        apply(source.kustomize?.images);
        for (const text of overrides) {
            const found = readArgocdSourceImage(text, 'kustomize', { matchName: name });
            if (found)
                image = found;
        }
        return image;
    }
    const valuesText = await read(joinPath(path, VALUES_FILE));
    let repository;
    let tag;
    if (valuesText !== undefined) {
        const current = readHelmValuesImage(valuesText, keys);
        if (current)
            ({ repository, tag } = splitHelm(current));
    }
    const applyParams = (params) => {
        for (const param of params ?? []) {
            if (param.name === keys.repositoryKey)
                repository = param.value;
            if (param.name === keys.tagKey)
                tag = param.value;
        }
    };
    applyParams(source.helm?.parameters);
    for (const text of overrides) {
        const parsed = parse(text);
        applyParams(parsed?.helm?.parameters?.map((p) => ({ name: p.name, value: String(p.value) })));
    }
    if (!repository)
        return undefined;
    if (!tag)
        return repository;
    return tag.startsWith('@') ? `${repository}${tag}` : `${repository}:${tag}`;
}
function kustomizeName(text) {
    const parsed = parse(text);
    return parsed?.images?.[0]?.name;
}
function splitHelm(image) {
    const parts = splitImage(image);
    const tag = parts.tag || parts.digest ? `${parts.tag ?? ''}${parts.digest ? `@${parts.digest}` : ''}` : undefined;
    return { repository: parts.name, tag };
}

// EXTERNAL MODULE: ./.cache/tsc/shared/gitops/git.js
var git = __webpack_require__(6884);
;// CONCATENATED MODULE: ./.cache/tsc/shared/gitops/index.js
/** GitOps for Paved: image edits that keep comments, locating the owning file, rendering, and race-safe git. */




;// CONCATENATED MODULE: ./.cache/tsc/actions/deploy-argocd/src/deploy.js
/**
 * The deployment itself: find the application, write the image (GitOps commit or API parameter), refresh,
 * sync to exactly that revision (unless auto-sync does it), and wait until that revision is live.
 */





/** Turn the errors of the first contact with Argo CD into messages that say what to fix. */
function explainArgoError(error, inputs) {
    if (!(error instanceof ArgoCdError))
        return error;
    const auth = 'token' in inputs.auth ? "the token in 'token'" : `the account '${inputs.auth.username}'`;
    switch (error.kind) {
        case 'unauthenticated':
            return new errors/* PavedError */.fL(`Argo CD at ${inputs.server.origin} rejected ${auth}: ${error.serverMessage}. ${'token' in inputs.auth
                ? 'Create a new token (argocd account generate-token) and update the secret.'
                : 'Check username and password.'}`, { cause: error });
        case 'permission-denied':
            return new errors/* PavedError */.fL(`Application '${inputs.app}' does not exist or ${auth} may not see it (Argo CD answered: ${error.serverMessage}).${inputs.project
                ? ''
                : " Set 'project' to get 'not found' instead of 'permission denied' when the app is missing."}`, { cause: error });
        case 'not-found':
            return new errors/* PavedError */.fL(`Application '${inputs.app}' was not found in project '${inputs.project ?? ''}' (Argo CD answered: ${error.serverMessage})`, { cause: error });
        default:
            return error;
    }
}
function singleSource(app) {
    if (app.spec.sources?.length) {
        throw new errors/* PavedError */.fL(`Application '${app.metadata.name}' has ${app.spec.sources.length} sources; deploy-argocd handles single-source applications (spec.source) only`);
    }
    if (!app.spec.source)
        throw new errors/* PavedError */.fL(`Application '${app.metadata.name}' has no spec.source`);
    return app.spec.source;
}
function latestHistory(app) {
    const history = app?.status?.history ?? [];
    return history.reduce((latest, entry) => (latest === undefined || entry.id > latest.id ? entry : latest), undefined);
}
/** The image the app runs now that matches `name` (else the first one), from status.summary.images. */
function runningImage(app, name) {
    const images = app.status?.summary?.images ?? [];
    return images.find((image) => images_splitImage(image).name === name) ?? images[0];
}
/** The commit message: a subject naming app and image, and a body naming where it came from. */
function commitMessage(inputs, context, file) {
    const subject = inputs.commitMessage ?? `deploy(${inputs.app}): ${inputs.image}`;
    const body = [
        `Set ${inputs.image} in ${file}.`,
        '',
        ...(context.source ? [`Source: ${context.source}`] : []),
        ...(context.runUrl ? [`Run: ${context.runUrl}`] : []),
    ];
    return `${subject}\n\n${body.join('\n')}\n`;
}
function applyEdit(text, location, inputs) {
    const keys = { repositoryKey: inputs.helmRepositoryKey, tagKey: inputs.helmTagKey };
    switch (location.format) {
        case 'kustomize':
            return setKustomizeImage(text, inputs.image, { matchName: inputs.imageName, file: location.file });
        case 'helm':
            return setHelmValuesImage(text, inputs.image, keys, location.file);
        case 'argocd-source':
            return setArgocdSourceImage(text, inputs.image, location.style, {
                matchName: inputs.imageName,
                keys,
                file: location.file,
            });
    }
}
const SHA = /^[0-9a-f]{40}$/;
/** Write the image into the GitOps repository; returns the pushed commit (undefined when already there) and the branch head. */
async function writeToGit(inputs, app, source, context, log) {
    const url = inputs.gitopsRepo ?? source.repoURL;
    const target = source.targetRevision ?? '';
    const branch = inputs.gitopsBranch ?? (target && target !== 'HEAD' && !SHA.test(target) ? target : undefined);
    const path = inputs.path ?? source.path ?? '.';
    return log.group(`Write ${inputs.image} to ${url}${branch ? ` (${branch})` : ''}`, async () => {
        const checkout = await git/* GitOpsCheckout */.D1.clone(url, {
            branch: branch ?? (await defaultBranch(url, inputs)),
            auth: { token: inputs.gitopsToken, sshKey: inputs.gitopsSshKey },
            identity: inputs.gitUser,
        });
        try {
            const location = await locateImageFile((file) => checkout.read(file), {
                path,
                app: inputs.app,
                appNamespace: inputs.appNamespace,
                file: inputs.file,
            });
            log.info(`The image lives in ${location.file} (${location.format === 'argocd-source' ? `.argocd-source ${location.style} override` : location.format})`);
            // Validate the edit against the file before any commit: a malformed file fails here, with nothing pushed.
            const first = applyEdit(checkout.read(location.file) ?? '', location, inputs);
            const message = commitMessage(inputs, context, location.file);
            const commit = first.changed
                ? await checkout.commitAndPush((co) => {
                    const edit = applyEdit(co.read(location.file) ?? '', location, inputs);
                    if (edit.changed)
                        co.write(location.file, edit.text);
                    return edit.changed;
                }, message, {
                    onRetry: (attempt, reason) => log.info(`Push rejected (${reason}); fetched, rebased and trying again (attempt ${attempt + 1})`),
                })
                : undefined;
            if (commit)
                log.info(`Pushed ${commit} to ${checkout.branch}`);
            else
                log.info(`${location.file} already names ${inputs.image}; nothing to commit`);
            return {
                commit,
                revision: commit ?? (await checkout.head()),
                previousImage: first.previous,
                file: location.file,
            };
        }
        finally {
            checkout.dispose();
        }
    });
}
/** The remote's default branch (for apps that track HEAD). */
async function defaultBranch(url, inputs) {
    const { runGit, gitEnvironment } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 6884));
    const result = await runGit(['ls-remote', '--symref', url, 'HEAD'], {
        env: gitEnvironment({ token: inputs.gitopsToken }, undefined),
    });
    const match = /^ref: refs\/heads\/(\S+)\s+HEAD/m.exec(result.stdout);
    if (!match)
        throw new errors/* PavedError */.fL(`Could not tell the default branch of the GitOps repository; set 'gitops-branch'`);
    return match[1];
}
/** api mode: set the kustomize image or the Helm parameters on the Application. Returns the previous image. */
async function writeThroughApi(client, inputs, app, source, log) {
    const parts = images_splitImage(inputs.image);
    const isHelm = source.helm !== undefined || app.status?.sourceType === 'Helm';
    let patch;
    let previous;
    if (isHelm) {
        const params = [...(source.helm?.parameters ?? [])];
        const set = (name, value) => {
            const existing = params.find((p) => p.name === name);
            if (existing) {
                existing.value = value;
                existing.forceString = true;
            }
            else
                params.push({ name, value, forceString: true });
        };
        const oldRepo = params.find((p) => p.name === inputs.helmRepositoryKey)?.value;
        const oldTag = params.find((p) => p.name === inputs.helmTagKey)?.value;
        previous = oldRepo || oldTag ? `${oldRepo ?? ''}${oldTag ? `:${oldTag}` : ''}` : undefined;
        if (inputs.helmRepositoryKey)
            set(inputs.helmRepositoryKey, parts.name);
        set(inputs.helmTagKey, `${parts.tag ?? ''}${parts.digest ? `@${parts.digest}` : ''}`);
        // A merge patch replaces arrays wholesale, so the full parameter list is sent.
        patch = { spec: { source: { helm: { parameters: params } } } };
    }
    else {
        const match = inputs.imageName ?? parts.name;
        const images = [...(source.kustomize?.images ?? [])];
        const index = images.findIndex((entry) => (entry.includes('=') ? entry.slice(0, entry.indexOf('=')) : images_splitImage(entry).name) === match);
        const value = match === parts.name ? inputs.image : `${match}=${inputs.image}`;
        if (index >= 0) {
            previous = images[index]?.replace(/^[^=]*=/, '');
            images[index] = value;
        }
        else
            images.push(value);
        patch = { spec: { source: { kustomize: { images } } } };
    }
    const current = isHelm ? source.helm?.parameters : source.kustomize?.images;
    const wanted = isHelm
        ? patch['spec'].source.helm.parameters
        : patch['spec'].source.kustomize.images;
    if (JSON.stringify(current ?? []) === JSON.stringify(wanted)) {
        log.info(`The Application already sets ${inputs.image}; nothing to change`);
        return { previous, changed: false };
    }
    log.info(`Setting ${isHelm ? `Helm parameters ${[inputs.helmRepositoryKey, inputs.helmTagKey].filter(Boolean).join(', ')}` : 'the kustomize image'} on the Application`);
    await client.patchApplication(inputs.app, patch);
    return { previous, changed: true };
}
/** Run the whole deployment. `client` is made from the inputs; tests may pass their own. */
async function deploy(inputs, context, log, client = clientFor(inputs)) {
    const started = Date.now();
    let app;
    try {
        app = await client.getApplication(inputs.app);
    }
    catch (error) {
        throw explainArgoError(error, inputs);
    }
    const source = singleSource(app);
    const before = latestHistory(app);
    // Taken before the push: auto-sync may start (and even finish) on our commit before the refresh below.
    const previousOperationStartedAt = app.status?.operationState?.startedAt;
    const autoSync = isAutoSyncEnabled(app.spec);
    const appUrl = client.appUrl(inputs.app);
    log.info(`Application ${inputs.app}: ${app.status?.sync?.status ?? 'Unknown'}/${app.status?.health?.status ?? 'Unknown'}, ${autoSync ? 'auto-sync on' : 'manual sync'}, source ${source.repoURL} ${source.path ?? ''} @ ${source.targetRevision ?? 'HEAD'}`);
    let revision;
    let gitopsCommit;
    let previousImage;
    let file;
    let changed;
    if (inputs.mode === 'gitops') {
        const written = await writeToGit(inputs, app, source, context, log);
        revision = written.revision;
        gitopsCommit = written.commit;
        previousImage = written.previousImage;
        file = written.file;
        changed = written.commit !== undefined;
    }
    else {
        const written = await writeThroughApi(client, inputs, app, source, log);
        previousImage = written.previous;
        changed = written.changed;
    }
    previousImage ??= runningImage(app, inputs.imageName ?? images_splitImage(inputs.image).name);
    const result = {
        revision: revision ?? '',
        historyId: undefined,
        previousHistoryId: before?.id,
        previousRevision: before?.revision,
        previousImage,
        gitopsCommit,
        appUrl,
        file,
        syncedByUs: false,
        application: undefined,
        durationMs: 0,
    };
    if (!inputs.sync) {
        result.durationMs = Date.now() - started;
        return result;
    }
    // Refresh first: Argo CD caches the branch head for minutes (argoproj/argo-cd#7680), and a sync right
    // after a push would otherwise compare against, or deploy, the previous commit.
    log.info(`Refreshing ${inputs.app} (${inputs.refresh})`);
    app = await client.getApplication(inputs.app, { refresh: inputs.refresh });
    if (!revision) {
        revision = app.status?.sync?.revision;
        if (!revision)
            throw new errors/* PavedError */.fL(`Argo CD did not resolve a revision for '${inputs.app}' after the refresh; conditions: ${JSON.stringify(app.status?.conditions ?? [])}`);
        result.revision = revision;
    }
    const alreadyLive = !changed &&
        evaluateDeployment(app, { revision, requireOperation: false, previousOperationStartedAt: undefined })
            .state === 'done';
    const nonce = (0,external_node_crypto_.randomUUID)();
    let requireOperation = false;
    if (alreadyLive) {
        log.info(`${inputs.app} is already Synced and Healthy at ${revision.slice(0, 7)}; no sync needed`);
    }
    else if (autoSync) {
        log.info(`Auto-sync is on: waiting for Argo CD to sync ${revision.slice(0, 7)} itself`);
        requireOperation = changed;
    }
    else {
        log.info(`Syncing ${inputs.app} to ${revision.slice(0, 7)}`);
        await startOperationWhenFree(client, inputs.app, () => client.sync(inputs.app, {
            revision,
            prune: inputs.prune,
            infos: [
                { name: OPERATION_NONCE_INFO, value: nonce },
                ...(context.runUrl ? [{ name: 'run', value: context.runUrl }] : []),
            ],
        }), { timeoutMs: inputs.timeoutMs, log, mode: inputs.watch, pollIntervalMs: inputs.pollIntervalMs });
        requireOperation = true;
        result.syncedByUs = true;
    }
    const remaining = Math.max(1000, inputs.timeoutMs - (Date.now() - started));
    const live = await waitForDeployment(client, inputs.app, {
        revision,
        requireOperation,
        previousOperationStartedAt,
        previousHistoryId: before?.id,
        operationNonce: result.syncedByUs ? nonce : undefined,
    }, {
        timeoutMs: remaining,
        timeoutDescription: (0,duration/* formatDuration */.a)(inputs.timeoutMs),
        stableForMs: inputs.stableForMs,
        mode: inputs.watch,
        pollIntervalMs: inputs.pollIntervalMs,
        log,
    });
    const history = live.status?.history ?? [];
    const entry = [...history].reverse().find((h) => h.revision === revision) ?? latestHistory(live);
    result.historyId = entry?.id;
    // When nothing new was deployed, "previous" is the entry before the live one.
    if (entry && before && entry.id === before.id) {
        const prior = history.filter((h) => h.id < entry.id).pop();
        result.previousHistoryId = prior?.id;
        result.previousRevision = prior?.revision;
    }
    result.application = live;
    result.durationMs = Date.now() - started;
    return result;
}
function clientFor(inputs) {
    return new ArgoCdClient({
        server: inputs.server,
        auth: inputs.auth,
        insecure: inputs.insecure,
        appNamespace: inputs.appNamespace,
        project: inputs.project,
    });
}


/***/ }),

/***/ 6884:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D1: () => (/* binding */ GitOpsCheckout),
/* harmony export */   gitEnvironment: () => (/* binding */ gitEnvironment),
/* harmony export */   runGit: () => (/* binding */ runGit)
/* harmony export */ });
/* unused harmony exports ACTIONS_BOT, isPushRace, showFileAt, resolveRevision */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8161);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6760);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1500);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3501);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(1102);
/**
 * The GitOps repository as a pipeline uses it: a shallow clone of one branch, a change committed, and a
 * push that survives other pipelines pushing to the same branch at the same moment. On a rejected push
 * (non-fast-forward, or a ref lock lost to a concurrent push) it fetches, rebases and pushes again; if the
 * rebase conflicts it resets to the remote branch and re-applies the change from scratch, so no bump is
 * lost and none is applied twice.
 *
 * Credentials never appear in argv, URLs or logs: a token travels as an `http.extraHeader` through
 * GIT_CONFIG_* environment variables, an SSH key through a private temporary file and GIT_SSH_COMMAND.
 */







/** The author GitHub uses for the Actions bot, so commits render with the right avatar. */
const ACTIONS_BOT = {
    name: 'github-actions[bot]',
    email: '41898282+github-actions[bot]@users.noreply.github.com',
};
/** A push rejected because someone else moved the branch first. */
function isPushRace(stderr) {
    return /non-fast-forward|fetch first|\[rejected\]|failed to update ref|cannot lock ref|incorrect old value|stale info|failed to lock/i.test(stderr);
}
/** Environment for git with credentials passed the safe way. Exposed for tests. */
function gitEnvironment(auth, keyFile, base = process.env) {
    const env = { ...base, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', LC_ALL: 'C' };
    const config = [];
    if (auth.token) {
        const basic = Buffer.from(`${auth.tokenUser ?? 'x-access-token'}:${auth.token}`).toString('base64');
        (0,_secrets_js__WEBPACK_IMPORTED_MODULE_6__/* .maskSecret */ .$l)(basic);
        config.push(['http.extraHeader', `Authorization: Basic ${basic}`]);
    }
    const existing = Number(base['GIT_CONFIG_COUNT'] ?? '0') || 0;
    config.forEach(([key, value], i) => {
        env[`GIT_CONFIG_KEY_${existing + i}`] = key;
        env[`GIT_CONFIG_VALUE_${existing + i}`] = value;
    });
    if (config.length)
        env['GIT_CONFIG_COUNT'] = String(existing + config.length);
    if (keyFile) {
        const knownHosts = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.dirname)(keyFile), 'known_hosts');
        env['GIT_SSH_COMMAND'] =
            `ssh -i '${keyFile}' -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile='${knownHosts}' -o BatchMode=yes`;
    }
    return env;
}
/** Run git; failures become CommandError with git's own message (credentials redacted). */
function runGit(args, options = {}) {
    return new Promise((resolve, reject) => {
        (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.execFile)('git', args, {
            cwd: options.cwd,
            env: options.env ?? process.env,
            maxBuffer: 64 * 1024 * 1024,
            timeout: options.timeoutMs ?? 120_000,
        }, (error, stdout, stderr) => {
            const code = error
                ? typeof error.code === 'number'
                    ? error.code
                    : 1
                : 0;
            if (error && !options.allowFailure) {
                if (error.code === 'ENOENT') {
                    reject(new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .CommandError */ .Qd('git is not installed or not on PATH', null, { cause: error }));
                    return;
                }
                const detail = (0,_secrets_js__WEBPACK_IMPORTED_MODULE_6__/* .redact */ .E$)(String(stderr || stdout || error.message)
                    .trim()
                    .split('\n')
                    .slice(-6)
                    .join('\n'));
                reject(new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .CommandError */ .Qd(`git ${args[0]} failed: ${detail}`, code, { cause: error }));
                return;
            }
            resolve({ stdout: String(stdout), stderr: String(stderr), code });
        });
    });
}
/** A working copy of one branch of a GitOps repository. Call {@link GitOpsCheckout.dispose} when done. */
class GitOpsCheckout {
    dir;
    branch;
    env;
    scratch;
    constructor(dir, branch, env, scratch) {
        this.dir = dir;
        this.branch = branch;
        this.env = env;
        this.scratch = scratch;
    }
    /** Clone `url` at `branch`. The URL is shown redacted in errors. */
    static async clone(url, options) {
        const scratch = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdtempSync)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_2__.tmpdir)(), 'paved-gitops-'));
        let keyFile;
        if (options.auth?.sshKey) {
            (0,_secrets_js__WEBPACK_IMPORTED_MODULE_6__/* .maskSecret */ .$l)(options.auth.sshKey);
            keyFile = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(scratch, 'ssh', 'id');
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.dirname)(keyFile), { recursive: true, mode: 0o700 });
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.writeFileSync)(keyFile, options.auth.sshKey.endsWith('\n') ? options.auth.sshKey : `${options.auth.sshKey}\n`, { mode: 0o600 });
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.chmodSync)(keyFile, 0o600);
        }
        const env = gitEnvironment(options.auth ?? {}, keyFile);
        const identity = options.identity ?? ACTIONS_BOT;
        env['GIT_AUTHOR_NAME'] = identity.name;
        env['GIT_AUTHOR_EMAIL'] = identity.email;
        env['GIT_COMMITTER_NAME'] = identity.name;
        env['GIT_COMMITTER_EMAIL'] = identity.email;
        const dir = options.dir ?? (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(scratch, 'repo');
        const depth = options.depth ?? 1;
        try {
            await runGit([
                'clone',
                '--quiet',
                '--single-branch',
                '--branch',
                options.branch,
                ...(depth > 0 ? ['--depth', String(depth)] : []),
                '--',
                url,
                dir,
            ], {
                env,
            });
        }
        catch (error) {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync)(scratch, { recursive: true, force: true });
            const message = error.message;
            if (/Remote branch .* not found/i.test(message)) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .PavedError */ .fL(`The GitOps repository has no branch '${options.branch}': ${message}`, {
                    cause: error,
                });
            }
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .PavedError */ .fL(`Cloning the GitOps repository failed: ${message}`, { cause: error });
        }
        return new GitOpsCheckout(dir, options.branch, env, scratch);
    }
    git(args, options = {}) {
        return runGit(args, { cwd: this.dir, env: this.env, allowFailure: options.allowFailure });
    }
    async head() {
        return (await this.git(['rev-parse', 'HEAD'])).stdout.trim();
    }
    /** A file's text in the working tree, or undefined when it does not exist. */
    read(path) {
        const full = this.resolve(path);
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(full) ? (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(full, 'utf8') : undefined;
    }
    write(path, text) {
        const full = this.resolve(path);
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.mkdirSync)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.dirname)(full), { recursive: true });
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.writeFileSync)(full, text);
    }
    exists(path) {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(this.resolve(path));
    }
    resolve(path) {
        const clean = path.replace(/^\/+/, '');
        if (clean.split('/').includes('..'))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .PavedError */ .fL(`Path ${JSON.stringify(path)} leaves the GitOps repository`);
        return (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(this.dir, clean);
    }
    /** Stage everything and commit; returns the new sha, or undefined when there was nothing to commit. */
    async commitAll(message) {
        await this.git(['add', '--all']);
        const staged = await this.git(['diff', '--cached', '--quiet'], { allowFailure: true });
        if (staged.code === 0)
            return undefined;
        await this.git(['commit', '--quiet', '--no-verify', '-m', message]);
        return this.head();
    }
    /**
     * Apply `change` (which edits files and returns whether it changed anything), commit it with `message`,
     * and push. On a race: fetch, rebase, push again; if the rebase conflicts, reset to the remote branch
     * and apply `change` again. Returns the pushed commit, or undefined when `change` had nothing to do
     * (possibly because another pipeline pushed the same change first).
     */
    async commitAndPush(change, message, options = {}) {
        const attempts = options.attempts ?? 25;
        if (!(await change(this)))
            return undefined;
        let sha = await this.commitAll(message);
        if (!sha)
            return undefined;
        for (let attempt = 1;; attempt++) {
            const pushed = await this.git(['push', '--quiet', '--porcelain', 'origin', `HEAD:refs/heads/${this.branch}`], { allowFailure: true });
            if (pushed.code === 0)
                return sha;
            const output = `${pushed.stderr}\n${pushed.stdout}`;
            if (!isPushRace(output) || attempt >= attempts) {
                const reason = (0,_secrets_js__WEBPACK_IMPORTED_MODULE_6__/* .redact */ .E$)(output.trim().split('\n').slice(-4).join(' '));
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .CommandError */ .Qd(attempt >= attempts && isPushRace(output)
                    ? `git push to '${this.branch}' was still rejected after ${attempts} attempts (other pushes keep winning the race): ${reason}`
                    : `git push to '${this.branch}' failed: ${reason}`, pushed.code);
            }
            options.onRetry?.(attempt, 'the branch moved on the remote');
            await (0,_retry_js__WEBPACK_IMPORTED_MODULE_5__/* .abortableSleep */ .Mf)((0,_retry_js__WEBPACK_IMPORTED_MODULE_5__/* .backoffDelay */ .EY)(attempt, 200, 3000));
            await this.git([
                'fetch',
                '--quiet',
                'origin',
                `+refs/heads/${this.branch}:refs/remotes/origin/${this.branch}`,
            ]);
            const rebased = await this.git(['rebase', '--quiet', `origin/${this.branch}`], { allowFailure: true });
            if (rebased.code !== 0) {
                // Someone changed the same lines: start from their commit and apply our change again.
                await this.git(['rebase', '--abort'], { allowFailure: true });
                await this.git(['reset', '--quiet', '--hard', `origin/${this.branch}`]);
                if (!(await change(this)))
                    return undefined;
                sha = await this.commitAll(message);
                if (!sha)
                    return undefined;
            }
            else {
                sha = await this.head();
            }
        }
    }
    /** Revert `commit` on the branch and push (same race handling); returns the revert commit. */
    async revertAndPush(commit, message) {
        await this.git(['fetch', '--quiet', '--deepen=50', 'origin', this.branch], { allowFailure: true });
        return this.commitAndPush(async (checkout) => {
            const reverted = await checkout.git(['revert', '--no-commit', commit], { allowFailure: true });
            if (reverted.code !== 0) {
                await checkout.git(['revert', '--abort'], { allowFailure: true });
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .CommandError */ .Qd(`git revert of ${commit.slice(0, 7)} failed: ${(0,_secrets_js__WEBPACK_IMPORTED_MODULE_6__/* .redact */ .E$)(reverted.stderr.trim())}`, reverted.code);
            }
            const staged = await checkout.git(['diff', '--cached', '--quiet'], { allowFailure: true });
            return staged.code !== 0;
        }, message);
    }
    /** Remove the working copy and any key file. */
    dispose() {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync)(this.scratch, { recursive: true, force: true });
    }
}
/** `git show <revision>:<path>` in any repository (bare ones included); undefined when the path does not exist there. */
async function showFileAt(repo, revision, path, env) {
    const result = await runGit(['--git-dir', repo, 'show', `${revision}:${path.replace(/^\/+/, '')}`], {
        env,
        allowFailure: true,
    });
    return result.code === 0 ? result.stdout : undefined;
}
/** Resolve a branch, tag or sha to a full commit sha in `repo`; undefined when it does not resolve. */
async function resolveRevision(repo, revision, env) {
    const result = await runGit(['--git-dir', repo, 'rev-parse', '--verify', '--quiet', `${revision}^{commit}`], { env, allowFailure: true });
    return result.code === 0 ? result.stdout.trim() : undefined;
}


/***/ }),

/***/ 863:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Em: () => (/* binding */ request),
/* harmony export */   closeHttpAgents: () => (/* binding */ closeHttpAgents)
/* harmony export */ });
/* unused harmony exports errorMessageFromBody, isRetryableStatus, requestJson */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3218);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1500);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3501);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1102);
/**
 * HTTP for every Paved client (registry, Argo CD, Slack, Prometheus, GitHub): a timeout on every call,
 * retries with backoff on 5xx/429/connection resets honouring Retry-After, HTTPS_PROXY/HTTP_PROXY/NO_PROXY
 * through undici's EnvHttpProxyAgent, and errors that carry the server's own message but never a
 * credential (URLs are redacted, headers are never logged).
 *
 * undici is loaded on the first request, so an action that fails on its inputs never pays for it.
 */




const agents = new Map();
async function dispatcherFor(insecure) {
    const key = insecure ? 'insecure' : 'secure';
    let agent = agents.get(key);
    if (!agent) {
        const { EnvHttpProxyAgent } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 6752, 19));
        agent = new EnvHttpProxyAgent(insecure ? { connect: { rejectUnauthorized: false } } : {});
        agents.set(key, agent);
    }
    return agent;
}
/** Close pooled connections (lets a process or test exit promptly). */
async function closeHttpAgents() {
    const all = [...agents.values()];
    agents.clear();
    await Promise.all(all.map((agent) => agent.close()));
}
/** Pull a human message out of an error body: Argo CD/gRPC `{error,message}`, OCI `{errors:[…]}`, Slack `{ok:false,error}`. */
function errorMessageFromBody(text) {
    const trimmed = text.trim();
    if (!trimmed)
        return '';
    try {
        const body = JSON.parse(trimmed);
        if (Array.isArray(body['errors'])) {
            return body['errors']
                .map((e) => [e.code, e.message].filter(Boolean).join(': '))
                .join('; ');
        }
        for (const key of ['message', 'error_description', 'error', 'detail']) {
            const value = body[key];
            if (typeof value === 'string' && value)
                return value;
        }
    }
    catch {
        // not JSON: fall through to the text itself
    }
    const oneLine = trimmed.replace(/\s+/g, ' ');
    return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine;
}
/** Whether a status is worth retrying. */
function isRetryableStatus(status) {
    return status === 429 || status === 408 || (status >= 500 && status !== 501 && status !== 505);
}
/**
 * Make a request. Non-OK statuses become RemoteError (retryable for 5xx/429/408, with Retry-After);
 * transport failures become RemoteError with the cause attached.
 */
async function request(url, options = {}) {
    const target = String(url);
    const method = (options.method ?? (options.json !== undefined || options.body !== undefined ? 'POST' : 'GET')).toUpperCase();
    const service = options.service ?? safeOrigin(target);
    const headers = { 'user-agent': 'paved', ...options.headers };
    let body = options.body;
    if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        headers['content-type'] ??= 'application/json';
    }
    const timeoutMs = options.timeoutMs ?? 30_000;
    const dispatcher = await dispatcherFor(options.insecureTls ?? false);
    const { fetch } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 6752, 19));
    const once = async () => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs}ms`)), timeoutMs);
        const onAbort = () => controller.abort(options.signal?.reason);
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
            }
            catch (error) {
                const reason = controller.signal.aborted && !options.signal?.aborted
                    ? `timed out after ${timeoutMs}ms`
                    : describeTransport(error);
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RemoteError */ .Hi(service, `${method} ${(0,_secrets_js__WEBPACK_IMPORTED_MODULE_3__/* .redactUrl */ .BO)(target)} failed: ${reason}`, {
                    retryable: true,
                    cause: error,
                });
            }
            (0,_actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz)(`${method} ${(0,_secrets_js__WEBPACK_IMPORTED_MODULE_3__/* .redactUrl */ .BO)(target)} -> ${response.status} (${Date.now() - started}ms)`);
            const ok = options.okStatuses ? options.okStatuses.includes(response.status) : response.ok;
            if (!ok || !options.stream) {
                let text;
                try {
                    text = await response.text();
                }
                catch (error) {
                    throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RemoteError */ .Hi(service, `${method} ${(0,_secrets_js__WEBPACK_IMPORTED_MODULE_3__/* .redactUrl */ .BO)(target)}: reading the response failed: ${describeTransport(error)}`, {
                        retryable: true,
                        cause: error,
                    });
                }
                if (!ok) {
                    const detail = (0,_secrets_js__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)(errorMessageFromBody(text));
                    throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .RemoteError */ .Hi(service, `${method} ${(0,_secrets_js__WEBPACK_IMPORTED_MODULE_3__/* .redactUrl */ .BO)(target)} returned ${response.status}${detail ? `: ${detail}` : ''}`, {
                        status: response.status,
                        retryable: isRetryableStatus(response.status),
                        retryAfterMs: (0,_retry_js__WEBPACK_IMPORTED_MODULE_2__/* .parseRetryAfter */ .mu)(response.headers.get('retry-after')),
                    });
                }
                return {
                    status: response.status,
                    headers: response.headers,
                    url: response.url,
                    text,
                    body: null,
                };
            }
            return {
                status: response.status,
                headers: response.headers,
                url: response.url,
                text: '',
                body: response.body,
            };
        }
        finally {
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', onAbort);
        }
    };
    if (options.retry === false)
        return once();
    return (0,_retry_js__WEBPACK_IMPORTED_MODULE_2__/* .retry */ .L5)(() => once(), {
        attempts: 4,
        maxElapsedMs: 60_000,
        signal: options.signal,
        onRetry: ({ attempt, delayMs, error }) => (0,_actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz)(`retrying ${method} ${(0,_secrets_js__WEBPACK_IMPORTED_MODULE_3__/* .redactUrl */ .BO)(target)} in ${delayMs}ms after attempt ${attempt}: ${error.message}`),
        ...options.retry,
    });
}
/** Request and parse a JSON response body. */
async function requestJson(url, options = {}) {
    const response = await request(url, {
        ...options,
        headers: { accept: 'application/json', ...options.headers },
    });
    if (!response.text)
        return undefined;
    try {
        return JSON.parse(response.text);
    }
    catch (error) {
        throw new RemoteError(options.service ?? safeOrigin(String(url)), `expected JSON from ${redactUrl(String(url))}, got ${JSON.stringify(response.text.slice(0, 120))}`, {
            cause: error,
        });
    }
}
function safeOrigin(url) {
    try {
        return new URL(url).origin;
    }
    catch {
        return 'server';
    }
}
/** `ECONNREFUSED 127.0.0.1:5000` style text from fetch's nested causes. */
function describeTransport(error) {
    const parts = [];
    let current = error;
    for (let depth = 0; current && depth < 5; depth++) {
        const e = current;
        const text = e.code && e.message && !e.message.includes(e.code)
            ? `${e.code}: ${e.message}`
            : (e.message ?? String(current));
        if (text && !parts.includes(text) && text !== 'fetch failed')
            parts.push(text);
        current = e.cause;
    }
    return (0,_secrets_js__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)(parts.join(': ') || 'fetch failed');
}


/***/ }),

/***/ 3501:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EY: () => (/* binding */ backoffDelay),
/* harmony export */   L5: () => (/* binding */ retry),
/* harmony export */   Mf: () => (/* binding */ abortableSleep),
/* harmony export */   mu: () => (/* binding */ parseRetryAfter)
/* harmony export */ });
/* unused harmony export isRetryable */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1500);
/**
 * Retry with exponential backoff and full jitter (delay drawn uniformly from 0 to min(cap, base·2ⁿ)),
 * bounded by both an attempt count and a total time budget. A server's Retry-After wins over the
 * computed delay; if honouring it would overrun the budget we stop and surface the error instead of
 * sleeping past the deadline. See https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */

const RETRYABLE_CODES = new Set([
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'ECONNABORTED',
    'EAI_AGAIN',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
]);
/** Retryable: RemoteErrors that say so (5xx, 429), and connection resets/timeouts anywhere in the cause chain. */
function isRetryable(error) {
    const seen = new Set();
    let current = error;
    while (current && typeof current === 'object' && !seen.has(current)) {
        seen.add(current);
        if (current instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .RemoteError */ .Hi)
            return current.retryable;
        const code = current.code;
        if (typeof code === 'string' && RETRYABLE_CODES.has(code))
            return true;
        current = current.cause;
    }
    return false;
}
/** The server's requested wait (RemoteError.retryAfterMs), if any, anywhere in the chain. */
function retryAfterOf(error) {
    let current = error;
    for (let depth = 0; current && typeof current === 'object' && depth < 10; depth++) {
        if (current instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .RemoteError */ .Hi && current.retryAfterMs !== undefined)
            return current.retryAfterMs;
        current = current.cause;
    }
    return undefined;
}
/** Parse a Retry-After header: delta-seconds or an HTTP-date. Returns ms (never negative) or undefined. */
function parseRetryAfter(value, now = Date.now()) {
    if (!value)
        return undefined;
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed))
        return Math.round(Number(trimmed) * 1000);
    const date = Date.parse(trimmed);
    if (Number.isNaN(date))
        return undefined;
    return Math.max(0, date - now);
}
/** The full-jitter delay before attempt `attempt + 1` (attempt counts from 1). */
function backoffDelay(attempt, baseMs, capMs, random = Math.random) {
    const ceiling = Math.min(capMs, baseMs * 2 ** (attempt - 1));
    return Math.floor(random() * ceiling);
}
function abortableSleep(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason);
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}
/** Run `fn` until it succeeds, the error is not retryable, or attempts/time run out. */
async function retry(fn, options = {}) {
    const attempts = options.attempts ?? 5;
    const baseMs = options.baseMs ?? 500;
    const capMs = options.capMs ?? 30_000;
    const maxElapsedMs = options.maxElapsedMs ?? 120_000;
    const shouldRetry = options.shouldRetry ?? isRetryable;
    const sleep = options.sleep ?? abortableSleep;
    const now = options.now ?? Date.now;
    const started = now();
    for (let attempt = 1;; attempt++) {
        options.signal?.throwIfAborted();
        try {
            return await fn(attempt);
        }
        catch (error) {
            if (attempt >= attempts || options.signal?.aborted || !shouldRetry(error, attempt))
                throw error;
            const requested = retryAfterOf(error);
            const delayMs = requested ?? backoffDelay(attempt, baseMs, capMs, options.random);
            if (now() - started + delayMs > maxElapsedMs)
                throw error;
            options.onRetry?.({ attempt, delayMs, error });
            await sleep(delayMs, options.signal);
        }
    }
}


/***/ })

};
