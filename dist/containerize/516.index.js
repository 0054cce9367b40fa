export const id = 516;
export const ids = [516];
export const modules = {

/***/ 2455:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   N3: () => (/* binding */ credentialsFromDockerConfig),
/* harmony export */   aR: () => (/* binding */ basicAuthorization),
/* harmony export */   qd: () => (/* binding */ parseWwwAuthenticate)
/* harmony export */ });
/* unused harmony export dockerConfigPath */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1500);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1102);
/**
 * Registry credentials and the authentication handshake of the OCI distribution / Docker token spec:
 * a request answered with 401 carries `WWW-Authenticate: Bearer realm=…,service=…,scope=…` (fetch a
 * token from the realm, with Basic credentials when we have them) or `Basic realm=…` (send Basic).
 * See https://distribution.github.io/distribution/spec/auth/token/
 */





/**
 * Parse a `WWW-Authenticate` header value into its challenges (RFC 7235): a scheme followed by
 * comma-separated `key=value` or `key="quoted, value"` parameters.
 */
function parseWwwAuthenticate(header) {
    const challenges = [];
    let i = 0;
    const skip = (chars) => {
        while (i < header.length && chars.includes(header[i]))
            i++;
    };
    const token = () => {
        const start = i;
        while (i < header.length && /[A-Za-z0-9!#$%&'*+.^_`|~-]/.test(header[i]))
            i++;
        return header.slice(start, i);
    };
    while (i < header.length) {
        skip(' ,');
        const name = token();
        if (!name)
            break;
        skip(' ');
        if (header[i] === '=' && challenges.length > 0) {
            // a parameter of the current challenge
            i++;
            skip(' ');
            let value = '';
            if (header[i] === '"') {
                i++;
                while (i < header.length && header[i] !== '"') {
                    if (header[i] === '\\')
                        i++;
                    value += header[i] ?? '';
                    i++;
                }
                i++;
            }
            else {
                const start = i;
                while (i < header.length && header[i] !== ',')
                    i++;
                value = header.slice(start, i).trim();
            }
            challenges[challenges.length - 1].params[name.toLowerCase()] = value;
        }
        else {
            challenges.push({ scheme: name.toLowerCase(), params: {} });
        }
    }
    return challenges;
}
/** The Docker config file: `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`. */
function dockerConfigPath(env = process.env) {
    return (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(env['DOCKER_CONFIG'] ?? (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(env['HOME'] ?? (0,node_os__WEBPACK_IMPORTED_MODULE_1__.homedir)(), '.docker'), 'config.json');
}
/** Keys Docker writes for a registry: `host`, `https://host`, and for Hub the v1 index URL. */
function configKeys(registry) {
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
function credentialsFromDockerConfig(registry, env = process.env) {
    const path = dockerConfigPath(env);
    let text;
    try {
        text = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(path, 'utf8');
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return undefined;
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .PavedError */ .fL(`Cannot read the Docker config file ${path}: ${error.message}`, {
            cause: error,
        });
    }
    let config;
    try {
        config = JSON.parse(text);
    }
    catch (error) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .PavedError */ .fL(`The Docker config file ${path} is not valid JSON: ${error.message}`, {
            cause: error,
        });
    }
    for (const key of configKeys(registry)) {
        const entry = config.auths?.[key];
        if (!entry)
            continue;
        if (entry.auth) {
            const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
            const colon = decoded.indexOf(':');
            if (colon <= 0)
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .PavedError */ .fL(`The Docker config file ${path} has a malformed 'auth' for ${key} (expected base64 of user:password)`);
            const credentials = {
                username: decoded.slice(0, colon),
                password: decoded.slice(colon + 1),
                source: path,
            };
            (0,_secrets_js__WEBPACK_IMPORTED_MODULE_4__/* .maskSecret */ .$l)(entry.auth);
            (0,_secrets_js__WEBPACK_IMPORTED_MODULE_4__/* .maskSecret */ .$l)(credentials.password);
            return credentials;
        }
        if (entry.identitytoken) {
            (0,_secrets_js__WEBPACK_IMPORTED_MODULE_4__/* .maskSecret */ .$l)(entry.identitytoken);
            return { username: '<token>', password: entry.identitytoken, source: path };
        }
        if (entry.username && entry.password) {
            (0,_secrets_js__WEBPACK_IMPORTED_MODULE_4__/* .maskSecret */ .$l)(entry.password);
            return { username: entry.username, password: entry.password, source: path };
        }
    }
    const helper = config.credHelpers?.[registry] ?? config.credsStore;
    if (helper && !Object.keys(config.auths ?? {}).some((key) => configKeys(registry).includes(key))) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .PavedError */ .fL(`The Docker config file ${path} keeps credentials for ${registry} in the credential helper 'docker-credential-${helper}', which Paved does not run; pass 'username' and 'password' instead`);
    }
    return undefined;
}
/** The `Authorization` value for Basic auth; masked because it is equivalent to the password. */
function basicAuthorization(credentials) {
    const token = Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64');
    (0,_secrets_js__WEBPACK_IMPORTED_MODULE_4__/* .maskSecret */ .$l)(token);
    return `Basic ${token}`;
}


/***/ }),

/***/ 6733:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  b: () => (/* binding */ RegistryClient),
  s: () => (/* binding */ sha256Digest)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./.cache/tsc/shared/errors.js
var errors = __webpack_require__(1500);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 20 modules
var core = __webpack_require__(3218);
;// CONCATENATED MODULE: ./.cache/tsc/shared/retry.js
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
        if (current instanceof errors/* RemoteError */.Hi)
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
        if (current instanceof errors/* RemoteError */.Hi && current.retryAfterMs !== undefined)
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

// EXTERNAL MODULE: ./.cache/tsc/shared/secrets.js
var secrets = __webpack_require__(1102);
;// CONCATENATED MODULE: ./.cache/tsc/shared/http.js
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
                const reason = controller.signal.aborted && !options.signal?.aborted ? `timed out after ${timeoutMs}ms` : describeTransport(error);
                throw new errors/* RemoteError */.Hi(service, `${method} ${(0,secrets/* redactUrl */.BO)(target)} failed: ${reason}`, {
                    retryable: true,
                    cause: error,
                });
            }
            (0,core/* debug */.Yz)(`${method} ${(0,secrets/* redactUrl */.BO)(target)} -> ${response.status} (${Date.now() - started}ms)`);
            const ok = options.okStatuses ? options.okStatuses.includes(response.status) : response.ok;
            if (!ok || !options.stream) {
                let text;
                try {
                    text = await response.text();
                }
                catch (error) {
                    throw new errors/* RemoteError */.Hi(service, `${method} ${(0,secrets/* redactUrl */.BO)(target)}: reading the response failed: ${describeTransport(error)}`, {
                        retryable: true,
                        cause: error,
                    });
                }
                if (!ok) {
                    const detail = (0,secrets/* redact */.E$)(errorMessageFromBody(text));
                    throw new errors/* RemoteError */.Hi(service, `${method} ${(0,secrets/* redactUrl */.BO)(target)} returned ${response.status}${detail ? `: ${detail}` : ''}`, {
                        status: response.status,
                        retryable: isRetryableStatus(response.status),
                        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
                    });
                }
                return { status: response.status, headers: response.headers, url: response.url, text, body: null };
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
    return retry(() => once(), {
        attempts: 4,
        maxElapsedMs: 60_000,
        signal: options.signal,
        onRetry: ({ attempt, delayMs, error }) => (0,core/* debug */.Yz)(`retrying ${method} ${(0,secrets/* redactUrl */.BO)(target)} in ${delayMs}ms after attempt ${attempt}: ${error.message}`),
        ...options.retry,
    });
}
/** Request and parse a JSON response body. */
async function requestJson(url, options = {}) {
    const response = await request(url, { ...options, headers: { accept: 'application/json', ...options.headers } });
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
        const text = e.code && e.message && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : (e.message ?? String(current));
        if (text && !parts.includes(text) && text !== 'fetch failed')
            parts.push(text);
        current = e.cause;
    }
    return (0,secrets/* redact */.E$)(parts.join(': ') || 'fetch failed');
}

// EXTERNAL MODULE: ./.cache/tsc/shared/oci/auth.js
var auth = __webpack_require__(2455);
// EXTERNAL MODULE: ./.cache/tsc/shared/oci/reference.js
var reference = __webpack_require__(956);
// EXTERNAL MODULE: ./.cache/tsc/shared/oci/types.js
var types = __webpack_require__(6656);
;// CONCATENATED MODULE: ./.cache/tsc/shared/oci/client.js
/**
 * A client for the OCI distribution API (https://github.com/opencontainers/distribution-spec): manifests
 * and indexes with platform selection, blobs (HEAD, GET, push that skips blobs the registry already has,
 * cross-repository mounts, chunked upload of large blobs), and the anonymous / Bearer token / Basic
 * authentication handshake. Every request goes through shared/http.ts (timeouts, retries, proxies).
 *
 * Errors name the registry (`registry 127.0.0.1:5000: …`) and say what to fix; credentials never appear
 * in them.
 */







/** `sha256:<hex>` of some bytes. */
function sha256Digest(data) {
    return `sha256:${(0,external_node_crypto_.createHash)('sha256').update(data).digest('hex')}`;
}
async function readBody(response) {
    if (!response.body)
        return Buffer.from(response.text, 'utf8');
    const chunks = [];
    const reader = response.body.getReader();
    for (;;) {
        const { done, value } = await reader.read();
        if (done)
            break;
        chunks.push(Buffer.from(value));
    }
    return Buffer.concat(chunks);
}
/** One registry, one set of credentials. Tokens are cached per scope set for the client's lifetime. */
class RegistryClient {
    /** `registry <host>`: names the registry in every error. */
    service;
    registry;
    base;
    tokens = new Map();
    challenge;
    basic;
    options;
    constructor(options) {
        this.options = options;
        this.registry = options.registry;
        this.service = `registry ${options.registry}`;
        const plain = options.plainHttp ?? (0,reference/* isLoopbackRegistry */.jW)(options.registry);
        this.base = `${plain ? 'http' : 'https'}://${(0,reference/* registryApiHost */.Mb)(options.registry)}`;
    }
    /** Check that the registry answers and accepts our credentials (`GET /v2/`). */
    async ping() {
        await this.send('/v2/', { scopes: [], ok: [200] });
    }
    /** Fetch a manifest or index by tag or digest. A missing one is a RemoteError with status 404 naming the image. */
    async getManifest(repository, reference) {
        const response = await this.send(`/v2/${repository}/manifests/${reference}`, {
            headers: { accept: types/* MANIFEST_ACCEPT */.dY },
            scopes: [`repository:${repository}:pull`],
            ok: [200, 404],
            stream: true,
        });
        if (response.status === 404) {
            await response.body?.cancel();
            throw new errors/* RemoteError */.Hi(this.service, `image ${this.registry}/${repository}:${reference} was not found (no such repository, tag or digest)`, {
                status: 404,
            });
        }
        const bytes = await readBody(response);
        const digest = sha256Digest(bytes);
        if (reference.startsWith('sha256:') && digest !== reference) {
            throw new errors/* RemoteError */.Hi(this.service, `manifest ${repository}@${reference} has digest ${digest}; refusing content that does not match`);
        }
        let document;
        try {
            document = JSON.parse(bytes.toString('utf8'));
        }
        catch (error) {
            throw new errors/* RemoteError */.Hi(this.service, `manifest ${repository}:${reference} is not valid JSON`, {
                cause: error,
            });
        }
        const mediaType = document.mediaType ??
            response.headers.get('content-type')?.split(';')[0]?.trim() ??
            ('manifests' in document ? 'application/vnd.oci.image.index.v1+json' : '');
        return { mediaType, digest, bytes, document };
    }
    /** The digest a tag points at, or undefined when the tag (or repository) does not exist. */
    async headManifest(repository, reference) {
        const response = await this.send(`/v2/${repository}/manifests/${reference}`, {
            method: 'HEAD',
            headers: { accept: types/* MANIFEST_ACCEPT */.dY },
            scopes: [`repository:${repository}:pull`],
            ok: [200, 404],
        });
        if (response.status === 404)
            return undefined;
        return response.headers.get('docker-content-digest') ?? undefined;
    }
    /**
     * Resolve a tag or digest to one platform's image manifest and config. An index is narrowed to
     * `platform` (default: this host's), and the error lists the platforms it does offer.
     */
    async resolveImage(repository, reference, platform = (0,types.hostPlatform)()) {
        let fetched = await this.getManifest(repository, reference);
        let index;
        if ((0,types/* isIndexMediaType */.$$)(fetched.mediaType) || 'manifests' in fetched.document) {
            const document = fetched.document;
            const match = document.manifests.find((m) => (0,types/* isManifestMediaType */.CM)(m.mediaType) && (0,types/* platformMatches */.J5)(m.platform, platform));
            if (!match) {
                const offered = document.manifests
                    .map((m) => (m.platform ? (0,types/* formatPlatform */.Bq)(m.platform) : 'unknown'))
                    .join(', ');
                throw new errors/* RemoteError */.Hi(this.service, `image ${this.registry}/${repository}:${reference} has no ${(0,types/* formatPlatform */.Bq)(platform)} variant (it offers: ${offered || 'none'})`);
            }
            index = { digest: fetched.digest, document };
            fetched = await this.getManifest(repository, match.digest);
        }
        if (!(0,types/* isManifestMediaType */.CM)(fetched.mediaType) && !('layers' in fetched.document)) {
            throw new errors/* RemoteError */.Hi(this.service, `${repository}:${reference} is a ${fetched.mediaType}, not an image manifest`);
        }
        const manifest = fetched.document;
        const configBytes = await this.getBlob(repository, manifest.config.digest);
        const config = JSON.parse(configBytes.toString('utf8'));
        return {
            digest: fetched.digest,
            manifest,
            manifestBytes: fetched.bytes,
            mediaType: fetched.mediaType,
            config,
            configBytes,
            index,
        };
    }
    /** Store a manifest under a tag (or its digest). Returns the digest of the bytes sent. */
    async putManifest(repository, reference, bytes, mediaType) {
        const digest = sha256Digest(bytes);
        await this.send(`/v2/${repository}/manifests/${reference}`, {
            method: 'PUT',
            headers: { 'content-type': mediaType },
            body: bytes,
            scopes: [`repository:${repository}:pull,push`],
            ok: [201, 200, 202],
        });
        return digest;
    }
    /** The size of a blob when the repository has it, else undefined. */
    async blobSize(repository, digest) {
        const response = await this.send(`/v2/${repository}/blobs/${digest}`, {
            method: 'HEAD',
            scopes: [`repository:${repository}:pull`],
            ok: [200, 404],
        });
        if (response.status === 404)
            return undefined;
        return Number(response.headers.get('content-length') ?? '0');
    }
    /** Download a blob and check its digest. Redirects to storage are followed without credentials. */
    async getBlob(repository, digest) {
        const response = await this.send(`/v2/${repository}/blobs/${digest}`, {
            scopes: [`repository:${repository}:pull`],
            ok: [200, 404, 307, 302, 301, 303, 308],
            stream: true,
            manualRedirect: true,
            timeoutMs: this.options.blobTimeoutMs ?? 600_000,
        });
        let data;
        if (response.status === 404) {
            await response.body?.cancel();
            throw new errors/* RemoteError */.Hi(this.service, `blob ${digest} is missing from ${repository}`, { status: 404 });
        }
        if (response.status >= 300) {
            await response.body?.cancel();
            const location = response.headers.get('location');
            if (!location)
                throw new errors/* RemoteError */.Hi(this.service, `blob ${digest}: redirect without a Location`);
            const redirected = await request(new URL(location, this.base), {
                stream: true,
                service: this.service,
                timeoutMs: this.options.blobTimeoutMs ?? 600_000,
                retry: this.options.retry,
                insecureTls: this.options.insecureTls,
            });
            data = await readBody(redirected);
        }
        else {
            data = await readBody(response);
        }
        const actual = sha256Digest(data);
        if (actual !== digest)
            throw new errors/* RemoteError */.Hi(this.service, `blob ${digest} from ${repository} arrived with digest ${actual}; refusing it`);
        return data;
    }
    /**
     * Make a blob present in `repository`, doing the least work: nothing when the registry has it, a
     * cross-repository mount when one of `mountFrom` (same registry) has it, else an upload — monolithic
     * up to `chunkSize`, PATCH chunks above it. `data` may be a loader, called only when bytes must be
     * sent (then `digest` is required), so a base layer is never downloaded just to learn it exists.
     */
    async pushBlob(repository, data, options = {}) {
        if (typeof data === 'function' && !options.digest) {
            throw new TypeError('pushBlob: a digest is required when data is a loader');
        }
        const digest = options.digest ?? sha256Digest(data);
        const knownSize = typeof data === 'function' ? (options.size ?? 0) : data.length;
        if ((await this.blobSize(repository, digest)) !== undefined) {
            return { digest, size: knownSize, action: 'exists', bytesSent: 0, chunks: 0 };
        }
        let location;
        for (const from of options.mountFrom ?? []) {
            if (from === repository)
                continue;
            const response = await this.send(`/v2/${repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`, {
                method: 'POST',
                scopes: [`repository:${repository}:pull,push`, `repository:${from}:pull`],
                ok: [201, 202],
            });
            if (response.status === 201)
                return { digest, size: knownSize, action: 'mounted', bytesSent: 0, chunks: 0 };
            // 202: the registry could not mount and opened an upload session instead; use it.
            location = response.headers.get('location') ?? undefined;
            break;
        }
        const bytes = typeof data === 'function' ? await data() : data;
        const size = bytes.length;
        if (!location) {
            const response = await this.send(`/v2/${repository}/blobs/uploads/`, {
                method: 'POST',
                scopes: [`repository:${repository}:pull,push`],
                ok: [202],
            });
            location = response.headers.get('location') ?? undefined;
        }
        if (!location)
            throw new errors/* RemoteError */.Hi(this.service, `starting an upload to ${repository} returned no Location header`);
        const chunkSize = this.options.chunkSize ?? 8 * 1024 * 1024;
        const scopes = [`repository:${repository}:pull,push`];
        const timeoutMs = this.options.blobTimeoutMs ?? 600_000;
        let chunks = 0;
        if (size > chunkSize) {
            for (let start = 0; start < size; start += chunkSize) {
                const chunk = bytes.subarray(start, Math.min(size, start + chunkSize));
                const response = await this.send(location, {
                    method: 'PATCH',
                    headers: {
                        'content-type': 'application/octet-stream',
                        'content-range': `${start}-${start + chunk.length - 1}`,
                        'content-length': String(chunk.length),
                    },
                    body: chunk,
                    scopes,
                    ok: [202],
                    timeoutMs,
                });
                chunks++;
                location = response.headers.get('location') ?? location;
            }
            await this.send(withQuery(location, 'digest', digest), {
                method: 'PUT',
                headers: { 'content-length': '0' },
                scopes,
                ok: [201],
                timeoutMs,
            });
        }
        else {
            await this.send(withQuery(location, 'digest', digest), {
                method: 'PUT',
                headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
                body: bytes,
                scopes,
                ok: [201],
                timeoutMs,
            });
            chunks = 1;
        }
        return { digest, size, action: 'uploaded', bytesSent: size, chunks };
    }
    /** Tags of a repository (first page of up to `n`). */
    async listTags(repository, n = 1000) {
        const response = await this.send(`/v2/${repository}/tags/list?n=${n}`, {
            scopes: [`repository:${repository}:pull`],
            ok: [200, 404],
        });
        if (response.status === 404)
            return [];
        const body = JSON.parse(response.text);
        return body.tags ?? [];
    }
    /** Send one request, answering the registry's 401 challenge once (token or Basic) and re-sending. */
    async send(pathOrUrl, options) {
        const url = new URL(pathOrUrl, this.base).toString();
        const attempt = async (authorization) => request(url, {
            method: options.method ?? 'GET',
            headers: { ...options.headers, ...(authorization ? { authorization } : {}) },
            body: options.body,
            service: this.service,
            okStatuses: [...options.ok, 401, 403],
            stream: options.stream,
            timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? 30_000,
            retry: this.options.retry,
            insecureTls: this.options.insecureTls,
            manualRedirect: options.manualRedirect,
        });
        let response = await attempt(await this.authorizationFor(options.scopes));
        if (response.status === 401) {
            await response.body?.cancel();
            const header = response.headers.get('www-authenticate');
            const challenge = header ? (0,auth/* parseWwwAuthenticate */.qd)(header)[0] : undefined;
            if (!challenge)
                throw this.denied(401, 'asked for authentication without a WWW-Authenticate challenge');
            const firstTime = this.challenge === undefined;
            this.challenge = challenge;
            if (!firstTime && challenge.scheme !== 'bearer')
                throw this.rejected();
            this.tokens.delete(options.scopes.join(' '));
            response = await attempt(await this.authorizationFor(options.scopes));
            if (response.status === 401) {
                await response.body?.cancel();
                throw this.rejected();
            }
        }
        if (response.status === 403) {
            await response.body?.cancel();
            throw this.denied(403, `denied ${options.method ?? 'GET'} ${new URL(url).pathname}: the account is not allowed to ${options.scopes.join(' and ') || 'use this registry'}`);
        }
        return response;
    }
    denied(status, message) {
        return new errors/* RemoteError */.Hi(this.service, message, { status });
    }
    /** 401 after authenticating: wrong or missing credentials. */
    rejected() {
        const credentials = this.options.credentials;
        const how = credentials
            ? `rejected the credentials for user '${credentials.username}' (from ${credentials.source}); check the 'username' and 'password' inputs or your docker login`
            : `requires authentication; set the 'username' and 'password' inputs or run docker login ${this.registry}`;
        return this.denied(401, how);
    }
    async authorizationFor(scopes) {
        const challenge = this.challenge;
        if (!challenge)
            return undefined;
        if (challenge.scheme === 'basic') {
            if (!this.options.credentials)
                throw this.rejected();
            this.basic ??= (0,auth/* basicAuthorization */.aR)(this.options.credentials);
            return this.basic;
        }
        if (challenge.scheme !== 'bearer')
            throw this.denied(401, `uses the '${challenge.scheme}' authentication scheme, which Paved does not support (Bearer or Basic)`);
        const key = scopes.join(' ');
        const cached = this.tokens.get(key);
        if (cached)
            return `Bearer ${cached}`;
        const realm = challenge.params['realm'];
        if (!realm)
            throw this.denied(401, 'sent a Bearer challenge without a realm');
        const tokenUrl = new URL(realm);
        if (challenge.params['service'])
            tokenUrl.searchParams.set('service', challenge.params['service']);
        for (const scope of scopes)
            tokenUrl.searchParams.append('scope', scope);
        const credentials = this.options.credentials;
        if (credentials)
            this.basic ??= (0,auth/* basicAuthorization */.aR)(credentials);
        const response = await request(tokenUrl, {
            headers: { accept: 'application/json', ...(this.basic ? { authorization: this.basic } : {}) },
            service: `${this.service} token service ${tokenUrl.origin}`,
            okStatuses: [200, 401, 403],
            timeoutMs: this.options.timeoutMs ?? 30_000,
            retry: this.options.retry,
            insecureTls: this.options.insecureTls,
        });
        if (response.status !== 200)
            throw this.rejected();
        let token;
        try {
            const body = JSON.parse(response.text);
            token = body.token ?? body.access_token;
        }
        catch (error) {
            throw new errors/* RemoteError */.Hi(this.service, `token service ${tokenUrl.origin} answered without JSON`, {
                cause: error,
            });
        }
        if (!token)
            throw new errors/* RemoteError */.Hi(this.service, `token service ${tokenUrl.origin} answered without a token`);
        (0,secrets/* maskSecret */.$l)(token);
        this.tokens.set(key, token);
        return `Bearer ${token}`;
    }
}
function withQuery(location, key, value) {
    return `${location}${location.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
}


/***/ }),

/***/ 2516:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  a0: () => (/* binding */ DEFAULT_LAYER_GZIP_LEVEL),
  oj: () => (/* binding */ buildLayer),
  Wm: () => (/* binding */ directoryEntries)
});

// UNUSED EXPORTS: ignorePatternToRegExp, unpackLayer

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./.cache/tsc/shared/errors.js
var errors = __webpack_require__(1500);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./.cache/tsc/shared/tar.js
/**
 * Deterministic tar archives (POSIX ustar, with PAX records for long names) and a reader.
 *
 * The writer makes the same bytes from the same content on every machine: entries sorted by path,
 * missing parent directories added, a fixed mtime, uid/gid 0 with empty user and group names, and
 * permissions reduced to what git tracks (0755 for executables and directories, 0644 otherwise, unless
 * the caller sets a mode). That is what makes an image layer's digest a function of its files only.
 * Format: https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06
 */


const BLOCK = 512;
const EMPTY = Buffer.alloc(0);
const ZEROS = Buffer.alloc(BLOCK);
const TYPE_FLAG = {
    file: '0',
    hardlink: '1',
    symlink: '2',
    directory: '5',
};
/** The canonical form of an entry path: no leading `/` or `./`, no trailing `/`, no empty parts. */
function tar_normalizeTarPath(path) {
    const parts = path.split('/').filter((part) => part !== '' && part !== '.');
    if (parts.includes('..'))
        throw new errors/* PavedError */.fL(`Refusing tar entry ${JSON.stringify(path)}: it climbs out of the archive root with '..'`);
    return parts.join('/');
}
function writeString(header, offset, length, value) {
    header.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf8');
}
function writeOctal(header, offset, length, value) {
    // length-1 octal digits, zero padded, then a NUL terminator.
    header.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'ascii');
}
function paxRecord(key, value) {
    const body = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(body) + 1;
    while (String(length).length + Buffer.byteLength(body) !== length)
        length = String(length).length + Buffer.byteLength(body);
    return `${length}${body}`;
}
/** Split a long path into ustar's prefix (≤155 bytes) and name (≤100 bytes), if possible. */
function splitUstarPath(path) {
    if (Buffer.byteLength(path) <= 100)
        return ['', path];
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
        const prefix = path.slice(0, i);
        const name = path.slice(i + 1);
        if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name)
            return [prefix, name];
    }
    return undefined;
}
function header(fields) {
    const block = Buffer.alloc(BLOCK);
    writeString(block, 0, 100, fields.name);
    writeOctal(block, 100, 8, fields.mode);
    writeOctal(block, 108, 8, fields.uid);
    writeOctal(block, 116, 8, fields.gid);
    writeOctal(block, 124, 12, fields.size);
    writeOctal(block, 136, 12, fields.mtime);
    block.fill(' ', 148, 156);
    block.write(fields.type, 156, 1, 'ascii');
    writeString(block, 157, 100, fields.linkname);
    block.write('ustar\u000000', 257, 8, 'ascii');
    writeString(block, 345, 155, fields.prefix);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++)
        sum += block[i];
    block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
    return block;
}
function padding(size) {
    const rest = size % BLOCK;
    return rest === 0 ? EMPTY : ZEROS.subarray(0, BLOCK - rest);
}
/**
 * Write a tar archive. Entries are sorted by path (byte order) and parents are added, so the result
 * depends only on the set of entries, never on the order they were found in.
 */
function createTar(entries, options = {}) {
    const mtime = options.mtime ?? 0;
    const byPath = new Map();
    for (const entry of entries) {
        const path = tar_normalizeTarPath(entry.path);
        if (!path)
            continue;
        if (byPath.has(path))
            throw new errors/* PavedError */.fL(`Tar entry ${JSON.stringify(path)} is listed twice`);
        byPath.set(path, { ...entry, path });
    }
    if (options.addParents ?? true) {
        for (const path of [...byPath.keys()]) {
            const parts = path.split('/');
            for (let i = 1; i < parts.length; i++) {
                const parent = parts.slice(0, i).join('/');
                if (!byPath.has(parent))
                    byPath.set(parent, { path: parent, type: 'directory' });
            }
        }
    }
    // Byte order of the UTF-8 paths, directories as `dir/`; keys computed once (thousands of entries).
    const sorted = [...byPath.values()]
        .map((entry) => ({ entry, key: Buffer.from(entry.type === 'directory' ? `${entry.path}/` : entry.path) }))
        .sort((a, b) => Buffer.compare(a.key, b.key))
        .map(({ entry }) => entry);
    const out = [];
    for (const entry of sorted) {
        const path = entry.type === 'directory' ? `${entry.path}/` : entry.path;
        const raw = entry.type === 'file' ? (entry.data ?? EMPTY) : EMPTY;
        // View, not copy: layers hold tens of megabytes of file content.
        const data = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
        const linkname = entry.linkname ?? '';
        const mode = entry.mode ?? (entry.type === 'directory' ? 0o755 : entry.type === 'symlink' ? 0o777 : 0o644);
        const split = splitUstarPath(path);
        const pax = [];
        if (!split)
            pax.push(paxRecord('path', path));
        if (Buffer.byteLength(linkname) > 100)
            pax.push(paxRecord('linkpath', linkname));
        if (data.length > 0o77777777777)
            pax.push(paxRecord('size', String(data.length)));
        const entryMtime = entry.mtime ?? mtime;
        if (pax.length > 0) {
            const paxData = Buffer.from(pax.join(''), 'utf8');
            const paxName = `PaxHeaders/${path.replace(/\/$/, '').split('/').pop() ?? 'entry'}`.slice(0, 100);
            out.push(header({
                name: paxName,
                prefix: '',
                mode: 0o644,
                uid: 0,
                gid: 0,
                size: paxData.length,
                mtime: entryMtime,
                type: 'x',
                linkname: '',
            }));
            out.push(paxData, padding(paxData.length));
        }
        const [prefix, name] = split ?? ['', path.slice(0, 100)];
        out.push(header({
            name,
            prefix,
            mode: mode & 0o7777,
            uid: entry.uid ?? 0,
            gid: entry.gid ?? 0,
            size: data.length > 0o77777777777 ? 0 : data.length,
            mtime: entryMtime,
            type: TYPE_FLAG[entry.type],
            linkname: linkname.slice(0, 100),
        }));
        if (data.length)
            out.push(data, padding(data.length));
    }
    out.push(Buffer.alloc(BLOCK * 2));
    return Buffer.concat(out);
}
/**
 * Gzip with a fixed header (mtime 0, no file name), so equal input gives equal bytes. Node's zlib
 * writes OS=3 (Unix) on every platform Paved runs on.
 */
function gzipDeterministic(data, level = 6) {
    return (0,external_node_zlib_.gzipSync)(data, { level, memLevel: 8, strategy: external_node_zlib_.constants.Z_DEFAULT_STRATEGY });
}
function readString(block, offset, length) {
    const slice = block.subarray(offset, offset + length);
    const end = slice.indexOf(0);
    return slice.subarray(0, end < 0 ? length : end).toString('utf8');
}
function readOctal(block, offset, length) {
    const text = readString(block, offset, length).trim();
    return text ? parseInt(text, 8) : 0;
}
function parsePax(data) {
    const records = {};
    let offset = 0;
    while (offset < data.length) {
        const space = data.indexOf(0x20, offset);
        if (space < 0)
            break;
        const length = Number(data.subarray(offset, space).toString('ascii'));
        if (!length)
            break;
        const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
        const eq = record.indexOf('=');
        if (eq > 0)
            records[record.slice(0, eq)] = record.slice(eq + 1);
        offset += length;
    }
    return records;
}
/** Read every entry of a tar archive (gzip is detected and undone). Handles PAX and GNU long names. */
function tar_readTar(archive) {
    let buffer = Buffer.from(archive);
    if (buffer[0] === 0x1f && buffer[1] === 0x8b)
        buffer = gunzipSync(buffer);
    const entries = [];
    let offset = 0;
    let pending = {};
    while (offset + BLOCK <= buffer.length) {
        const block = buffer.subarray(offset, offset + BLOCK);
        if (block.every((byte) => byte === 0))
            break;
        const type = String.fromCharCode(block[156] ?? 0x30);
        const size = pending['size'] ? Number(pending['size']) : readOctal(block, 124, 12);
        const dataStart = offset + BLOCK;
        const data = buffer.subarray(dataStart, dataStart + size);
        offset = dataStart + size + ((BLOCK - (size % BLOCK)) % BLOCK);
        if (type === 'x') {
            pending = { ...pending, ...parsePax(data) };
            continue;
        }
        if (type === 'g')
            continue;
        if (type === 'L') {
            pending['path'] = readString(data, 0, data.length);
            continue;
        }
        if (type === 'K') {
            pending['linkpath'] = readString(data, 0, data.length);
            continue;
        }
        const prefix = readString(block, 345, 155);
        const name = readString(block, 0, 100);
        const path = pending['path'] ?? (prefix ? `${prefix}/${name}` : name);
        const kind = type === '0' || type === '\0' || type === '7'
            ? 'file'
            : type === '5'
                ? 'directory'
                : type === '2'
                    ? 'symlink'
                    : type === '1'
                        ? 'hardlink'
                        : 'other';
        entries.push({
            path: path.replace(/^\.\//, '').replace(/\/$/, ''),
            type: kind,
            mode: readOctal(block, 100, 8),
            uid: readOctal(block, 108, 8),
            gid: readOctal(block, 116, 8),
            mtime: pending['mtime'] ? Math.floor(Number(pending['mtime'])) : readOctal(block, 136, 12),
            size,
            linkname: pending['linkpath'] ?? readString(block, 157, 100),
            data: Buffer.from(data),
        });
        pending = {};
    }
    return entries;
}

// EXTERNAL MODULE: ./.cache/tsc/shared/oci/client.js + 2 modules
var client = __webpack_require__(6733);
// EXTERNAL MODULE: ./.cache/tsc/shared/oci/types.js
var types = __webpack_require__(6656);
;// CONCATENATED MODULE: ./.cache/tsc/shared/oci/layer.js
/**
 * Image layers as deterministic gzip'd tars: built from directories (for Paved's daemonless builder
 * and the sandbox base image) and unpacked into a directory (to run an image's files as a local
 * process), with OCI whiteouts applied.
 * https://github.com/opencontainers/image-spec/blob/main/layer.md
 */






/** The gzip level of layers Paved builds. Part of a layer's identity: changing it changes digests. */
const DEFAULT_LAYER_GZIP_LEVEL = 1;
/** Turn one `.dockerignore`-style pattern into a RegExp over `/`-separated relative paths. */
function ignorePatternToRegExp(pattern) {
    let text = pattern.trim().replace(/^\.\//, '').replace(/\/+$/, '');
    const anchored = text.startsWith('/') || text.includes('/');
    text = text.replace(/^\//, '');
    let source = '';
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '*' && text[i + 1] === '*') {
            source += '.*';
            i++;
            if (text[i + 1] === '/')
                i++;
        }
        else if (c === '*')
            source += '[^/]*';
        else if (c === '?')
            source += '[^/]';
        else
            source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${source}(?:/.*)?$`);
}
/**
 * Read a directory into tar entries under `destination`, in a stable order. Modes are reduced to what
 * git keeps (0755 when any execute bit is set, else 0644) so a checkout on any machine gives the same layer.
 */
function directoryEntries(dir, options) {
    const root = (0,external_node_path_.resolve)(dir);
    const destination = tar_normalizeTarPath(options.destination);
    const excludes = (options.exclude ?? [])
        .filter((p) => p.trim() && !p.trim().startsWith('#'))
        .map(ignorePatternToRegExp);
    const entries = [];
    const walk = (absolute) => {
        for (const dirent of (0,external_node_fs_.readdirSync)(absolute, { withFileTypes: true })) {
            const full = (0,external_node_path_.join)(absolute, dirent.name);
            const rel = (0,external_node_path_.relative)(root, full).split(external_node_path_.sep).join('/');
            if (options.only && !options.only.includes(rel.split('/')[0]))
                continue;
            if (excludes.some((re) => re.test(rel)))
                continue;
            const target = destination ? `${destination}/${rel}` : rel;
            const stat = (0,external_node_fs_.lstatSync)(full);
            if (stat.isSymbolicLink())
                entries.push({ path: target, type: 'symlink', linkname: (0,external_node_fs_.readlinkSync)(full) });
            else if (stat.isDirectory()) {
                entries.push({ path: target, type: 'directory' });
                walk(full);
            }
            else if (stat.isFile()) {
                entries.push({
                    path: target,
                    type: 'file',
                    mode: stat.mode & 0o111 ? 0o755 : 0o644,
                    data: (0,external_node_fs_.readFileSync)(full),
                });
            }
        }
    };
    walk(root);
    return entries;
}
/** Build a gzip'd layer from entries. Same entries → same digest, on any machine. */
function buildLayer(entries, options = {}) {
    const tar = createTar(entries, { mtime: options.mtime ?? 0 });
    // Level 1 (best speed) by default, as go-containerregistry does for layers: on typical application
    // files it costs ~20 % more bytes than level 6 and takes less than half the CPU time.
    const blob = gzipDeterministic(tar, options.gzipLevel ?? DEFAULT_LAYER_GZIP_LEVEL);
    return {
        mediaType: types.MediaType.ociLayerGzip,
        digest: (0,client/* sha256Digest */.s)(blob),
        diffId: (0,client/* sha256Digest */.s)(tar),
        size: blob.length,
        blob,
        entries: entries.length,
    };
}
/**
 * Apply one layer (gzip'd or plain tar) onto `target`, as a container runtime would: `.wh.<name>`
 * deletes a path from lower layers, `.wh..wh..opq` empties a directory. Entries that would land outside
 * `target` (absolute links climbing out, `..`) are refused. Ownership is not applied.
 */
function unpackLayer(layer, target) {
    const root = resolve(target);
    mkdirSync(root, { recursive: true });
    const inside = (path) => {
        const full = resolve(root, normalizeTarPath(path));
        if (full !== root && !full.startsWith(root + sep))
            throw new PavedError(`Refusing layer entry ${JSON.stringify(path)}: it points outside ${root}`);
        return full;
    };
    let count = 0;
    for (const entry of readTar(layer)) {
        const name = entry.path.split('/').pop() ?? '';
        if (name === '.wh..wh..opq') {
            const dir = inside(dirname(entry.path));
            if (existsSync(dir))
                for (const child of readdirSync(dir))
                    rmSync(join(dir, child), { recursive: true, force: true });
            continue;
        }
        if (name.startsWith('.wh.')) {
            rmSync(inside(join(dirname(entry.path), name.slice(4))), { recursive: true, force: true });
            continue;
        }
        const full = inside(entry.path);
        if (full === root)
            continue;
        mkdirSync(dirname(full), { recursive: true });
        if (entry.type === 'directory') {
            if (existsSync(full) && !lstatSync(full).isDirectory())
                rmSync(full, { force: true });
            mkdirSync(full, { recursive: true });
            chmodSync(full, entry.mode & 0o7777 || 0o755);
        }
        else if (entry.type === 'file') {
            rmSync(full, { force: true, recursive: true });
            writeFileSync(full, entry.data, { mode: entry.mode & 0o7777 || 0o644 });
        }
        else if (entry.type === 'symlink') {
            rmSync(full, { force: true, recursive: true });
            symlinkSync(entry.linkname, full);
        }
        else if (entry.type === 'hardlink') {
            rmSync(full, { force: true, recursive: true });
            linkSync(inside(entry.linkname), full);
        }
        else
            continue;
        count++;
    }
    return count;
}


/***/ })

};
