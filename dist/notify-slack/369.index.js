export const id = 369;
export const ids = [369];
export const modules = {

/***/ 3369:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createDelivery: () => (/* binding */ createDelivery)
});

// UNUSED EXPORTS: fromWebApiError, fromWebhookError

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 20 modules
var core = __webpack_require__(3218);
// EXTERNAL MODULE: ./.cache/tsc/shared/errors.js
var errors = __webpack_require__(1500);
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
function retry_parseRetryAfter(value, now = Date.now()) {
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
async function retry_retry(fn, options = {}) {
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
/**
 * A `fetch` that uses the same proxy-aware (HTTPS_PROXY/NO_PROXY) pooled dispatcher as {@link request},
 * for SDKs that take a `fetch` option (the Slack clients). Retries and timeouts stay with the caller.
 */
async function proxyAwareFetch(options = {}) {
    const dispatcher = await dispatcherFor(options.insecureTls ?? false);
    const { fetch } = await Promise.resolve(/* import() */).then(__webpack_require__.t.bind(__webpack_require__, 6752, 19));
    return ((input, init) => fetch(input, { ...init, dispatcher }));
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
                throw new RemoteError(service, `${method} ${redactUrl(target)} failed: ${reason}`, {
                    retryable: true,
                    cause: error,
                });
            }
            debug(`${method} ${redactUrl(target)} -> ${response.status} (${Date.now() - started}ms)`);
            const ok = options.okStatuses ? options.okStatuses.includes(response.status) : response.ok;
            if (!ok || !options.stream) {
                let text;
                try {
                    text = await response.text();
                }
                catch (error) {
                    throw new RemoteError(service, `${method} ${redactUrl(target)}: reading the response failed: ${describeTransport(error)}`, {
                        retryable: true,
                        cause: error,
                    });
                }
                if (!ok) {
                    const detail = redact(errorMessageFromBody(text));
                    throw new RemoteError(service, `${method} ${redactUrl(target)} returned ${response.status}${detail ? `: ${detail}` : ''}`, {
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
        onRetry: ({ attempt, delayMs, error }) => debug(`retrying ${method} ${redactUrl(target)} in ${delayMs}ms after attempt ${attempt}: ${error.message}`),
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
    return redact(parts.join(': ') || 'fetch failed');
}

// EXTERNAL MODULE: ./.cache/tsc/shared/duration.js
var duration = __webpack_require__(3892);
;// CONCATENATED MODULE: ./.cache/tsc/actions/notify-slack/src/transport.js
/**
 * Delivery through Slack's official clients: `@slack/web-api` (bot token: chat.postMessage, chat.update,
 * thread replies) and `@slack/webhook` (incoming webhooks). Both are loaded only when a message is about
 * to be sent. Their own retry loops are switched off so that every attempt goes through shared/retry.ts
 * (backoff with jitter, Retry-After honoured on 429, a total time budget), and requests go through the
 * proxy-aware dispatcher of shared/http.ts.
 */






/** What Slack's error codes mean for the person reading the log. */
const EXPLANATIONS = {
    channel_not_found: 'the channel does not exist or the app cannot see it; use the channel ID, and for a private channel invite the app (/invite @your-app)',
    not_in_channel: 'the app is not a member of the channel; invite it with /invite @your-app',
    is_archived: 'the channel is archived',
    not_authed: 'no token reached Slack',
    invalid_auth: 'Slack rejected the token; check that it is the bot token (xoxb-…) of an app installed in this workspace',
    token_revoked: 'the token was revoked; reinstall the app and update the secret',
    account_inactive: 'the token belongs to a deactivated user or workspace',
    missing_scope: 'the app lacks the chat:write scope; add it under OAuth & Permissions and reinstall',
    message_not_found: 'no message with that ts in that channel',
    cant_update_message: 'that message was not posted by this app, so it cannot be updated',
    edit_window_closed: 'the message is too old to be edited',
    msg_too_long: 'the message text is too long',
    no_text: 'the message has no text, blocks or attachments',
    too_many_attachments: 'the message has more than 100 attachments',
    invalid_payload: 'Slack could not parse the payload',
    no_service: 'the webhook URL is not (or no longer) valid; create a new incoming webhook',
    no_active_hooks: 'the webhook was disabled; re-enable or recreate it',
    action_prohibited: 'a workspace admin restricted posting to this channel',
    posting_to_general_channel_denied: 'only admins may post to this channel',
    channel_is_archived: 'the channel is archived',
};
const RETRYABLE_PLATFORM_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);
function explain(code, extra) {
    const why = EXPLANATIONS[code];
    return `${code}${why ? ` (${why})` : ''}${extra ? `: ${extra}` : ''}`;
}
/** Turn an @slack/web-api error into a RemoteError that says whether to retry and after how long. */
function fromWebApiError(error, method) {
    const e = error;
    const service = 'Slack Web API';
    switch (e.code) {
        case 'slack_webapi_rate_limited_error':
            return new errors/* RemoteError */.Hi(service, `${method} was rate limited (429); Slack asked to wait ${e.retryAfter ?? '?'}s`, {
                status: 429,
                retryable: true,
                retryAfterMs: e.retryAfter !== undefined ? e.retryAfter * 1000 : undefined,
                cause: error,
            });
        case 'slack_webapi_platform_error': {
            const code = e.data?.error ?? 'unknown_error';
            const details = e.data?.errors ?? e.data?.response_metadata?.messages;
            return new errors/* RemoteError */.Hi(service, `${method} refused: ${explain(code, details?.length ? details.join('; ') : undefined)}`, {
                retryable: RETRYABLE_PLATFORM_ERRORS.has(code),
                cause: error,
            });
        }
        case 'slack_webapi_http_error': {
            const status = e.statusCode ?? 0;
            return new errors/* RemoteError */.Hi(service, `${method} returned HTTP ${status}`, {
                status,
                retryable: isRetryableStatus(status),
                retryAfterMs: retry_parseRetryAfter(e.headers?.['retry-after']),
                cause: error,
            });
        }
        default:
            return new errors/* RemoteError */.Hi(service, `${method} failed: ${(0,secrets/* redact */.E$)(e.message ?? String(error))}`, { retryable: true, cause: error });
    }
}
/** Turn an @slack/webhook error into a RemoteError. Webhook errors are plain-text codes in the body. */
function fromWebhookError(error, retryAfter) {
    const e = error;
    const service = 'Slack incoming webhook';
    if (e.code === 'slack_webhook_http_error') {
        const status = e.statusCode ?? 0;
        const body = typeof e.body === 'string' ? e.body.trim() : '';
        const code = status === 429 ? 'rate limited (429)' : explain(body || `HTTP ${status}`);
        return new errors/* RemoteError */.Hi(service, `the webhook refused the message: ${(0,secrets/* redact */.E$)(code)}`, {
            status,
            retryable: isRetryableStatus(status),
            retryAfterMs: status === 429 ? retry_parseRetryAfter(retryAfter) : undefined,
            cause: error,
        });
    }
    return new errors/* RemoteError */.Hi(service, `sending failed: ${(0,secrets/* redact */.E$)(e.message ?? String(error))}`, { retryable: true, cause: error });
}
function retryPolicy(what, budgetMs) {
    return {
        attempts: 5,
        maxElapsedMs: budgetMs,
        onRetry: ({ attempt, delayMs, error }) => {
            const status = error instanceof errors/* RemoteError */.Hi && error.status === 429 ? ' as Slack asked (Retry-After)' : '';
            core/* info */.pq(`${(0,secrets/* redact */.E$)(error.message)}; retrying ${what} in ${(0,duration/* formatDuration */.a)(delayMs)}${status} (attempt ${attempt + 1} of 5)`);
        },
    };
}
/** Route the SDK's own logging to debug output, redacted. */
function sdkLogger() {
    const log = (...messages) => core/* debug */.Yz((0,secrets/* redact */.E$)(messages.map(String).join(' ')));
    return { debug: log, info: log, warn: log, error: log, setLevel: () => undefined, getLevel: () => 'debug', setName: () => undefined };
}
async function createDelivery(transport, options) {
    const budgetMs = options.budgetMs ?? 120_000;
    const baseFetch = await proxyAwareFetch();
    if (transport.kind === 'bot') {
        const { WebClient } = await __webpack_require__.e(/* import() */ 105).then(__webpack_require__.t.bind(__webpack_require__, 5105, 19));
        const client = new WebClient(transport.token, {
            slackApiUrl: transport.apiUrl,
            timeout: options.timeoutMs,
            retryConfig: { retries: 0 },
            rejectRateLimitedCalls: true,
            fetch: baseFetch,
            logger: sdkLogger(),
        });
        const call = async (method, fn) => retry_retry(async () => {
            try {
                return await fn();
            }
            catch (error) {
                throw fromWebApiError(error, method);
            }
        }, retryPolicy(method, budgetMs));
        return {
            description: `bot in channel ${transport.channel}`,
            async post(message, threadTs) {
                const result = await call('chat.postMessage', () => client.chat.postMessage({ ...message, channel: transport.channel, ...(threadTs ? { thread_ts: threadTs } : {}) }));
                return { channel: String(result.channel), ts: String(result.ts) };
            },
            async update(channel, ts, message) {
                const result = await call('chat.update', () => client.chat.update({ ...message, channel, ts }));
                return { channel: String(result.channel), ts: String(result.ts) };
            },
        };
    }
    const { IncomingWebhook } = await __webpack_require__.e(/* import() */ 443).then(__webpack_require__.t.bind(__webpack_require__, 4443, 19));
    // The webhook client does not expose response headers on errors; keep the last Retry-After seen.
    let lastRetryAfter = null;
    const fetchKeepingRetryAfter = (async (input, init) => {
        const response = await baseFetch(input, init);
        lastRetryAfter = response.headers.get('retry-after');
        return response;
    });
    const webhook = new IncomingWebhook(transport.url, { timeout: options.timeoutMs, retryConfig: { retries: 0 }, fetch: fetchKeepingRetryAfter });
    return {
        description: 'incoming webhook',
        async post(message) {
            await retry_retry(async () => {
                try {
                    await webhook.send(message);
                }
                catch (error) {
                    throw fromWebhookError(error, lastRetryAfter);
                }
            }, retryPolicy('the webhook', budgetMs));
            return undefined;
        },
        update() {
            // getInputs refuses `ts` with a webhook; reaching this is a bug.
            return Promise.reject(new Error('incoming webhooks cannot update messages'));
        },
    };
}


/***/ })

};
