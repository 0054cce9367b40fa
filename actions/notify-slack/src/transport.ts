/**
 * Delivery through Slack's official clients: `@slack/web-api` (bot token: chat.postMessage, chat.update,
 * thread replies) and `@slack/webhook` (incoming webhooks). Both are loaded only when a message is about
 * to be sent. Their own retry loops are switched off so that every attempt goes through shared/retry.ts
 * (backoff with jitter, Retry-After honoured on 429, a total time budget), and requests go through the
 * proxy-aware dispatcher of shared/http.ts.
 */
// The runner's commands without @actions/core (and the undici it loads): see shared/workflow-commands.ts.
import * as core from '../../../shared/workflow-commands.js';
import { RemoteError } from '../../../shared/errors.js';
import { isRetryableStatus, proxyAwareFetch } from '../../../shared/http.js';
import { parseRetryAfter, retry, type RetryOptions } from '../../../shared/retry.js';
import { redact } from '../../../shared/secrets.js';
import { formatDuration } from '../../../shared/duration.js';
import type { Transport } from './inputs.js';
import type { SlackMessage } from './message.js';

export interface Posted {
  channel: string;
  ts: string;
}

export interface SlackDelivery {
  /** For logs: `bot in #deploys` or `incoming webhook` — never the token or URL. */
  readonly description: string;
  /** Post a message (in a thread when `threadTs`). Webhooks return undefined: they give no ts. */
  post(message: SlackMessage, threadTs?: string): Promise<Posted | undefined>;
  update(channel: string, ts: string, message: SlackMessage): Promise<Posted>;
}

/** What Slack's error codes mean for the person reading the log. */
const EXPLANATIONS: Record<string, string> = {
  channel_not_found:
    'the channel does not exist or the app cannot see it; use the channel ID, and for a private channel invite the app (/invite @your-app)',
  not_in_channel: 'the app is not a member of the channel; invite it with /invite @your-app',
  is_archived: 'the channel is archived',
  not_authed: 'no token reached Slack',
  invalid_auth:
    'Slack rejected the token; check that it is the bot token (xoxb-…) of an app installed in this workspace',
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
const RETRYABLE_PLATFORM_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

function explain(code: string, extra?: string): string {
  const why = EXPLANATIONS[code];
  return `${code}${why ? ` (${why})` : ''}${extra ? `: ${extra}` : ''}`;
}

interface SdkError {
  code?: string;
  message?: string;
  statusCode?: number;
  headers?: Record<string, string>;
  body?: unknown;
  retryAfter?: number;
  data?: { error?: string; errors?: string[]; response_metadata?: { messages?: string[] } };
}

/** Turn an @slack/web-api error into a RemoteError that says whether to retry and after how long. */
export function fromWebApiError(error: unknown, method: string): RemoteError {
  const e = error as SdkError;
  const service = 'Slack Web API';
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return new RemoteError(
        service,
        `${method} was rate limited (429); Slack asked to wait ${e.retryAfter ?? '?'}s`,
        {
          status: 429,
          retryable: true,
          retryAfterMs: e.retryAfter !== undefined ? e.retryAfter * 1000 : undefined,
          cause: error,
        },
      );
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'unknown_error';
      const details = e.data?.errors ?? e.data?.response_metadata?.messages;
      return new RemoteError(
        service,
        `${method} refused: ${explain(code, details?.length ? details.join('; ') : undefined)}`,
        {
          retryable: RETRYABLE_PLATFORM_ERRORS.has(code),
          cause: error,
        },
      );
    }
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      return new RemoteError(service, `${method} returned HTTP ${status}`, {
        status,
        retryable: isRetryableStatus(status),
        retryAfterMs: parseRetryAfter(e.headers?.['retry-after']),
        cause: error,
      });
    }
    default:
      return new RemoteError(service, `${method} failed: ${redact(e.message ?? String(error))}`, {
        retryable: true,
        cause: error,
      });
  }
}

/** Turn an @slack/webhook error into a RemoteError. Webhook errors are plain-text codes in the body. */
export function fromWebhookError(error: unknown, retryAfter: string | null | undefined): RemoteError {
  const e = error as SdkError;
  const service = 'Slack incoming webhook';
  if (e.code === 'slack_webhook_http_error') {
    const status = e.statusCode ?? 0;
    const body = typeof e.body === 'string' ? e.body.trim() : '';
    const code = status === 429 ? 'rate limited (429)' : explain(body || `HTTP ${status}`);
    return new RemoteError(service, `the webhook refused the message: ${redact(code)}`, {
      status,
      retryable: isRetryableStatus(status),
      retryAfterMs: status === 429 ? parseRetryAfter(retryAfter) : undefined,
      cause: error,
    });
  }
  return new RemoteError(service, `sending failed: ${redact(e.message ?? String(error))}`, {
    retryable: true,
    cause: error,
  });
}

function retryPolicy(what: string, budgetMs: number): RetryOptions {
  return {
    attempts: 5,
    maxElapsedMs: budgetMs,
    onRetry: ({ attempt, delayMs, error }) => {
      const status =
        error instanceof RemoteError && error.status === 429 ? ' as Slack asked (Retry-After)' : '';
      core.info(
        `${redact((error as Error).message)}; retrying ${what} in ${formatDuration(delayMs)}${status} (attempt ${attempt + 1} of 5)`,
      );
    },
  };
}

/** Route the SDK's own logging to debug output, redacted. */
function sdkLogger(): Record<string, unknown> {
  const log = (...messages: unknown[]): void => core.debug(redact(messages.map(String).join(' ')));
  return {
    debug: log,
    info: log,
    warn: log,
    error: log,
    setLevel: () => undefined,
    getLevel: () => 'debug',
    setName: () => undefined,
  };
}

export async function createDelivery(
  transport: Transport,
  options: { timeoutMs: number; budgetMs?: number },
): Promise<SlackDelivery> {
  const budgetMs = options.budgetMs ?? 120_000;
  const baseFetch = proxyAwareFetch();
  if (transport.kind === 'bot') {
    const { WebClient } = await import('@slack/web-api');
    const client = new WebClient(transport.token, {
      slackApiUrl: transport.apiUrl,
      timeout: options.timeoutMs,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      fetch: baseFetch,
      logger: sdkLogger() as never,
    });
    const call = async <T>(method: string, fn: () => Promise<T>): Promise<T> =>
      retry(
        async () => {
          try {
            return await fn();
          } catch (error) {
            throw fromWebApiError(error, method);
          }
        },
        retryPolicy(method, budgetMs),
      );
    return {
      description: `bot in channel ${transport.channel}`,
      async post(message, threadTs) {
        const result = await call('chat.postMessage', () =>
          client.chat.postMessage({
            ...message,
            channel: transport.channel,
            ...(threadTs ? { thread_ts: threadTs } : {}),
          } as never),
        );
        return { channel: String(result.channel), ts: String(result.ts) };
      },
      async update(channel, ts, message) {
        const result = await call('chat.update', () =>
          client.chat.update({ ...message, channel, ts } as never),
        );
        return { channel: String(result.channel), ts: String(result.ts) };
      },
    };
  }
  const { IncomingWebhook } = await import('@slack/webhook');
  // The webhook client does not expose response headers on errors; keep the last Retry-After seen.
  let lastRetryAfter: string | null = null;
  const fetchKeepingRetryAfter = (async (input: unknown, init?: unknown) => {
    const response = await baseFetch(input as string, init as RequestInit);
    lastRetryAfter = response.headers.get('retry-after');
    return response;
  }) as typeof globalThis.fetch;
  const webhook = new IncomingWebhook(transport.url, {
    timeout: options.timeoutMs,
    retryConfig: { retries: 0 },
    fetch: fetchKeepingRetryAfter,
  });
  return {
    description: 'incoming webhook',
    async post(message) {
      await retry(
        async () => {
          try {
            await webhook.send(message as never);
          } catch (error) {
            throw fromWebhookError(error, lastRetryAfter);
          }
        },
        retryPolicy('the webhook', budgetMs),
      );
      return undefined;
    },
    update() {
      // getInputs refuses `ts` with a webhook; reaching this is a bug.
      return Promise.reject(new Error('incoming webhooks cannot update messages'));
    },
  };
}
