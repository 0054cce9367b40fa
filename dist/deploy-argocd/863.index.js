export const id = 863;
export const ids = [863];
export const modules = {

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
