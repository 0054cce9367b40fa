/**
 * The Slack stand-in: `auth.test`, `chat.postMessage`, `chat.update` and incoming webhooks, speaking
 * Slack's published contract so that the official clients (`@slack/web-api` with `slackApiUrl`,
 * `@slack/webhook` with a webhook URL on this server) work against it unchanged.
 *
 * Contract points it keeps (https://docs.slack.dev/reference/methods/chat.postMessage,
 * https://docs.slack.dev/reference/methods/chat.update, https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks):
 * - Web API methods answer HTTP 200 with `{ok:false, error}` for refusals; `not_authed` without a token,
 *   `invalid_auth` with a wrong one; `channel_not_found`, `no_text`, `invalid_blocks` (with `errors` and
 *   `response_metadata.messages` carrying `[json-pointer:/blocks/…]`), `message_not_found`,
 *   `cant_update_message`.
 * - Rate limits are HTTP 429 with `Retry-After` (seconds) and `{ok:false, error:"ratelimited"}`.
 * - Bodies are accepted as `application/x-www-form-urlencoded` (what the SDK sends; `blocks` and
 *   `attachments` JSON-encoded) or `application/json` with a Bearer token.
 * - Incoming webhooks answer `ok` (text/html) or a plain-text error: 400 `invalid_payload`, `no_text`,
 *   `invalid_blocks`, `too_many_attachments`; 404 `no_service` for an unknown URL.
 * - Block Kit limits are enforced with the same validator the action uses (shared/slack/blockkit.ts);
 *   top-level text over 40,000 characters is truncated, as Slack does, not refused.
 *
 * Faults (429, 5xx) can be injected through `/_paved/faults` so pipelines can be dry-run against a
 * flaky Slack; the conversation is readable at `/_paved/conversation`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { parse as parseQuery } from 'node:querystring';
import {
  SLACK_LIMITS,
  slackErrorLine,
  validateMessage,
  type BlockKitIssue,
} from '../../shared/slack/blockkit.js';
import type { Conversation, MessageContentSnapshot, RecordedMessage } from './conversation.js';

export interface SlackStandInOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** The bot token clients must present. Default: a random `xoxb-` token. */
  token?: string;
  /** Channel names to create (IDs are generated). Default: general, deploys. */
  channels?: string[];
  /** Write the conversation here (JSON) after every change. */
  recordPath?: string;
  /**
   * Enforce Slack's posting limit per channel (chat.postMessage) and per webhook: about one message a
   * second with short bursts allowed. Off by default so tests and demos are deterministic; faults
   * (`injectFault`) give exact 429s.
   */
  rateLimit?: { burst: number; perSecond: number };
}

export interface FaultSpec {
  /** `chat.postMessage`, `chat.update`, `auth.test`, `webhook`, or `*`. */
  endpoint: string;
  /** 429, or a 5xx status. */
  status: number;
  /** Seconds, sent as Retry-After (429 only; default 1). */
  retryAfter?: number;
  /** How many requests it applies to (default 1). */
  times?: number;
}

export interface SlackStandIn {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** The Web API base for `new WebClient(token, { slackApiUrl })`: `http://127.0.0.1:PORT/api/`. */
  apiUrl: string;
  token: string;
  /** The incoming-webhook URL that posts into `channel` (name or ID). */
  webhookUrl(channel?: string): string;
  /** Channel ID for a name (with or without `#`). */
  channelId(name: string): string;
  conversation(): Conversation;
  /** Make the next matching requests fail. */
  injectFault(fault: FaultSpec): void;
  reset(): void;
  stop(): Promise<void>;
}

const TEAM = { id: 'T0PAVED001', name: 'Paved Sandbox', domain: 'paved-sandbox' };
const BOT = { userId: 'U0PAVEDBOT', botId: 'B0PAVEDBOT', appId: 'A0PAVEDAPP', name: 'paved' };
const MAX_BODY_BYTES = 4 * 1024 * 1024;

interface Webhook {
  id: string;
  secret: string;
  channel: string;
}

/** Too many messages: answered with HTTP 429 and Retry-After, as Slack does. */
class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('ratelimited');
  }
}

class ApiRefusal extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

/** Start the stand-in. Resolves once it listens. */
export async function startSlackStandIn(options: SlackStandInOptions = {}): Promise<SlackStandIn> {
  const token = options.token ?? `xoxb-${Date.now()}-${randomBytes(12).toString('hex')}`;
  const channelNames = options.channels ?? ['general', 'deploys'];
  let conversation: Conversation;
  let webhooks: Webhook[];
  let faults: Required<FaultSpec>[] = [];
  let lastTs = 0;

  const init = (): void => {
    conversation = {
      team: { id: TEAM.id, name: TEAM.name },
      channels: channelNames.map((name, i) => ({
        id: `C0PAVED${String(i + 1).padStart(3, '0')}`,
        name: name.replace(/^#/, ''),
      })),
      messages: [],
      requests: [],
    };
    webhooks = conversation.channels.map((channel, i) => ({
      id: `B0HOOK${String(i + 1).padStart(4, '0')}`,
      secret: randomBytes(12).toString('hex'),
      channel: channel.id,
    }));
    faults = [];
    persist();
  };

  const persist = (): void => {
    if (!options.recordPath) return;
    mkdirSync(dirname(options.recordPath), { recursive: true });
    const temporary = `${options.recordPath}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(conversation, null, 2)}\n`);
    renameSync(temporary, options.recordPath);
  };

  /** Slack timestamps: seconds with six digits of sequence, unique and increasing per workspace. */
  const nextTs = (): string => {
    const micros = Math.max(Date.now() * 1000, lastTs + 1);
    lastTs = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  };

  const resolveChannel = (value: unknown, allowName: boolean): string => {
    if (typeof value !== 'string' || value === '') throw new ApiRefusal('channel_not_found');
    const byId = conversation.channels.find((c) => c.id === value);
    if (byId) return byId.id;
    if (allowName) {
      const byName = conversation.channels.find((c) => c.name === value.replace(/^#/, ''));
      if (byName) return byName.id;
    }
    throw new ApiRefusal('channel_not_found');
  };

  const buckets = new Map<string, { tokens: number; at: number }>();
  /** A token bucket per channel or webhook; throws RateLimited when it is empty. */
  const spendPostingToken = (key: string): void => {
    const limit = options.rateLimit;
    if (!limit) return;
    const now = Date.now();
    const bucket = buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    buckets.set(key, bucket);
    if (bucket.tokens < 1)
      throw new RateLimited(Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond)));
    bucket.tokens -= 1;
  };

  const takeFault = (endpoint: string): Required<FaultSpec> | undefined => {
    const fault = faults.find((f) => f.endpoint === endpoint || f.endpoint === '*');
    if (!fault) return undefined;
    fault.times--;
    if (fault.times <= 0) faults = faults.filter((f) => f !== fault);
    return fault;
  };

  const record = (endpoint: string, status: number, error?: string): void => {
    conversation.requests.push({
      at: new Date().toISOString(),
      endpoint,
      status,
      ...(error ? { error } : {}),
    });
    persist();
  };

  /** `blocks`/`attachments` arrive JSON-encoded in form bodies; Slack refuses ones that do not parse. */
  const decodeStructured = (value: unknown, code: string): unknown => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      throw new ApiRefusal(code);
    }
  };

  const contentOf = (
    args: Record<string, unknown>,
  ): { text: unknown; blocks: unknown; attachments: unknown } => ({
    text: args['text'],
    blocks: decodeStructured(args['blocks'], 'invalid_blocks_format'),
    attachments: decodeStructured(args['attachments'], 'invalid_attachments'),
  });

  const refuseInvalid = (issues: BlockKitIssue[]): void => {
    if (issues.length === 0) return;
    const code = (issues[0] as BlockKitIssue).code;
    if (code === 'invalid_blocks' || code === 'invalid_attachments') {
      const relevant = issues.filter((i) => i.code === code).map(slackErrorLine);
      throw new ApiRefusal(code, {
        errors: relevant,
        response_metadata: { messages: relevant.map((line) => `[ERROR] ${line}`) },
      });
    }
    throw new ApiRefusal(code);
  };

  const messageView = (message: RecordedMessage): Record<string, unknown> => ({
    type: 'message',
    text: message.text,
    user: BOT.userId,
    bot_id: BOT.botId,
    app_id: BOT.appId,
    team: TEAM.id,
    ts: message.ts,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.attachments ? { attachments: message.attachments } : {}),
    bot_profile: { id: BOT.botId, app_id: BOT.appId, name: BOT.name, team_id: TEAM.id, deleted: false },
  });

  const snapshot = (content: {
    text: unknown;
    blocks: unknown;
    attachments: unknown;
  }): MessageContentSnapshot => ({
    // Slack keeps the first 40,000 characters of a longer text.
    text:
      typeof content.text === 'string' ? [...content.text].slice(0, SLACK_LIMITS.messageText).join('') : '',
    ...(Array.isArray(content.blocks) ? { blocks: content.blocks } : {}),
    ...(Array.isArray(content.attachments) ? { attachments: content.attachments } : {}),
  });

  const methods: Record<string, (args: Record<string, unknown>, baseUrl: string) => Record<string, unknown>> =
    {
      'auth.test': (_args, baseUrl) => ({
        url: `${baseUrl}/`,
        team: TEAM.name,
        user: BOT.name,
        team_id: TEAM.id,
        user_id: BOT.userId,
        bot_id: BOT.botId,
        is_enterprise_install: false,
      }),
      'chat.postMessage': (args) => {
        const channel = resolveChannel(args['channel'], true);
        const content = contentOf(args);
        refuseInvalid(validateMessage(content));
        spendPostingToken(channel);
        let threadTs: string | undefined;
        if (args['thread_ts'] !== undefined && args['thread_ts'] !== '') {
          const parent = conversation.messages.find(
            (m) => m.channel === channel && m.ts === args['thread_ts'],
          );
          if (!parent) throw new ApiRefusal('thread_not_found');
          // Replying to a reply lands in the parent's thread, as in Slack.
          threadTs = parent.threadTs ?? parent.ts;
        }
        const message: RecordedMessage = {
          channel,
          ts: nextTs(),
          ...(threadTs ? { threadTs } : {}),
          via: 'bot',
          postedBy: BOT.userId,
          ...snapshot(content),
          edits: [],
          postedAt: new Date().toISOString(),
        };
        conversation.messages.push(message);
        return { channel, ts: message.ts, message: messageView(message) };
      },
      'chat.update': (args) => {
        const channel = resolveChannel(args['channel'], false);
        const message = conversation.messages.find((m) => m.channel === channel && m.ts === args['ts']);
        if (!message) throw new ApiRefusal('message_not_found');
        if (message.via !== 'bot') throw new ApiRefusal('cant_update_message');
        const content = contentOf(args);
        // Fields left out keep their previous value (blocks and attachments), as chat.update documents.
        const merged = {
          text:
            content.text ??
            (content.blocks !== undefined || content.attachments !== undefined ? '' : undefined),
          blocks: content.blocks ?? message.blocks,
          attachments: content.attachments ?? message.attachments,
        };
        if (content.text === undefined && content.blocks === undefined && content.attachments === undefined)
          throw new ApiRefusal('no_text');
        refuseInvalid(validateMessage(merged));
        const { channel: _c, ts: _t, edits, ...rest } = message;
        const previous: MessageContentSnapshot = {
          text: rest.text,
          ...(rest.blocks ? { blocks: rest.blocks } : {}),
          ...(rest.attachments ? { attachments: rest.attachments } : {}),
        };
        edits.push({ ...previous, editedAt: new Date().toISOString() });
        const next = snapshot(merged);
        message.text = next.text;
        if (next.blocks) message.blocks = next.blocks;
        else delete message.blocks;
        if (next.attachments) message.attachments = next.attachments;
        else delete message.attachments;
        return { channel, ts: message.ts, text: message.text, message: messageView(message) };
      },
    };

  const send = (
    response: ServerResponse,
    status: number,
    body: string,
    type: string,
    headers: Record<string, string> = {},
  ): void => {
    response.writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      ...headers,
    });
    response.end(body);
  };
  const sendJson = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => send(response, status, JSON.stringify(body), 'application/json; charset=utf-8', headers);

  const readBody = (request: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          reject(new ApiRefusal('request_too_large'));
          request.destroy();
          return;
        }
        chunks.push(chunk);
      });
      request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      request.on('error', reject);
    });

  const handleApi = async (
    request: IncomingMessage,
    response: ServerResponse,
    method: string,
    url: URL,
  ): Promise<void> => {
    const handler = methods[method];
    if (!handler) {
      record(method, 404, 'unknown_method');
      return sendJson(response, 404, { ok: false, error: 'unknown_method', req_method: method });
    }
    const fault = takeFault(method);
    if (fault) return sendFault(response, fault, method, true);
    let args: Record<string, unknown> = Object.fromEntries(url.searchParams);
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    const body = await readBody(request);
    let jsonBody = false;
    if (body) {
      if (type === 'application/json') {
        jsonBody = true;
        try {
          const parsed: unknown = JSON.parse(body);
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
            throw new Error('not an object');
          args = { ...args, ...(parsed as Record<string, unknown>) };
        } catch {
          record(method, 200, 'invalid_json');
          return sendJson(response, 200, { ok: false, error: 'invalid_json' });
        }
      } else if (type === 'application/x-www-form-urlencoded' || type === '') {
        args = { ...args, ...(parseQuery(body) as Record<string, unknown>) };
      } else {
        record(method, 200, 'invalid_form_data');
        return sendJson(response, 200, { ok: false, error: 'invalid_form_data' });
      }
    }
    const header = request.headers.authorization;
    // A JSON body cannot carry the token (Slack reads it only from the Authorization header).
    const presented = header?.startsWith('Bearer ')
      ? header.slice('Bearer '.length).trim()
      : jsonBody
        ? undefined
        : (args['token'] as string | undefined);
    delete args['token'];
    try {
      if (!presented) throw new ApiRefusal('not_authed');
      if (presented !== token) throw new ApiRefusal('invalid_auth');
      const host = request.headers.host ?? '127.0.0.1';
      const result = handler(args, `http://${host}`);
      record(method, 200);
      sendJson(response, 200, { ok: true, ...result });
    } catch (error) {
      if (error instanceof RateLimited) {
        record(method, 429, 'ratelimited');
        return sendJson(
          response,
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(error.retryAfterSeconds) },
        );
      }
      if (!(error instanceof ApiRefusal)) throw error;
      record(method, 200, error.code);
      sendJson(response, 200, { ok: false, error: error.code, ...error.extra });
    }
  };

  const sendFault = (
    response: ServerResponse,
    fault: Required<FaultSpec>,
    endpoint: string,
    api: boolean,
  ): void => {
    if (fault.status === 429) {
      record(endpoint, 429, 'ratelimited');
      const headers = { 'retry-after': String(fault.retryAfter) };
      if (api) return sendJson(response, 429, { ok: false, error: 'ratelimited' }, headers);
      return send(response, 429, 'rate_limited', 'text/plain; charset=utf-8', headers);
    }
    record(endpoint, fault.status, 'service_unavailable');
    if (api) return sendJson(response, fault.status, { ok: false, error: 'service_unavailable' });
    return send(response, fault.status, 'service_unavailable', 'text/plain; charset=utf-8');
  };

  const handleWebhook = async (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ): Promise<void> => {
    const hook = webhooks.find((w) => path === `/services/${TEAM.id}/${w.id}/${w.secret}`);
    const text = (status: number, body: string): void => {
      record('webhook', status, status === 200 ? undefined : body);
      send(response, status, body, status === 200 ? 'text/html' : 'text/plain; charset=utf-8');
    };
    if (!hook || request.method !== 'POST') return text(404, 'no_service');
    const fault = takeFault('webhook');
    if (fault) return sendFault(response, fault, 'webhook', false);
    const body = await readBody(request);
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    let payload: unknown;
    try {
      // Webhooks take a JSON body, or a form with the JSON in `payload`.
      payload = JSON.parse(
        type === 'application/x-www-form-urlencoded' ? String(parseQuery(body)['payload'] ?? '') : body,
      );
    } catch {
      return text(400, 'invalid_payload');
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload))
      return text(400, 'invalid_payload');
    const content = payload as Record<string, unknown>;
    const issues = validateMessage({
      text: content['text'],
      blocks: content['blocks'],
      attachments: content['attachments'],
    });
    if (issues.length > 0) {
      const code = (issues[0] as BlockKitIssue).code;
      return text(400, code === 'invalid_blocks_format' ? 'invalid_blocks' : code);
    }
    try {
      spendPostingToken(hook.id);
    } catch (error) {
      if (!(error instanceof RateLimited)) throw error;
      record('webhook', 429, 'rate_limited');
      return send(response, 429, 'rate_limited', 'text/plain; charset=utf-8', {
        'retry-after': String(error.retryAfterSeconds),
      });
    }
    const message: RecordedMessage = {
      channel: hook.channel,
      ts: nextTs(),
      via: 'webhook',
      postedBy: hook.id,
      ...snapshot({ text: content['text'], blocks: content['blocks'], attachments: content['attachments'] }),
      edits: [],
      postedAt: new Date().toISOString(),
    };
    conversation.messages.push(message);
    text(200, 'ok');
  };

  const handleControl = async (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ): Promise<void> => {
    if (path === '/_paved/conversation' && request.method === 'GET')
      return sendJson(response, 200, conversation);
    if (path === '/_paved/reset' && request.method === 'POST') {
      init();
      return sendJson(response, 200, { ok: true });
    }
    if (path === '/_paved/faults' && request.method === 'POST') {
      try {
        api.injectFault(JSON.parse(await readBody(request)) as FaultSpec);
        return sendJson(response, 200, { ok: true });
      } catch (error) {
        return sendJson(response, 400, { ok: false, error: (error as Error).message });
      }
    }
    return sendJson(response, 404, { ok: false, error: 'not_found' });
  };

  init();
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const path = url.pathname;
    let work: Promise<void>;
    if (path.startsWith('/api/')) work = handleApi(request, response, path.slice('/api/'.length), url);
    else if (path.startsWith('/services/')) work = handleWebhook(request, response, path);
    else if (path.startsWith('/_paved/')) work = handleControl(request, response, path);
    else work = Promise.resolve(sendJson(response, 404, { ok: false, error: 'not_found' }));
    work.catch((error: unknown) => {
      if (!response.headersSent)
        sendJson(response, 500, {
          ok: false,
          error: 'internal_error',
          detail: String((error as Error).message),
        });
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://${host}:${port}`;

  const api: SlackStandIn = {
    url: `${base}/`,
    apiUrl: `${base}/api/`,
    token,
    webhookUrl(channel = channelNames[0] ?? 'general') {
      const id = api.channelId(channel);
      const hook = webhooks.find((w) => w.channel === id) as Webhook;
      return `${base}/services/${TEAM.id}/${hook.id}/${hook.secret}`;
    },
    channelId(name) {
      const found = conversation.channels.find((c) => c.id === name || c.name === name.replace(/^#/, ''));
      if (!found)
        throw new Error(
          `the Slack stand-in has no channel ${JSON.stringify(name)}; it has ${conversation.channels.map((c) => `#${c.name}`).join(', ')}`,
        );
      return found.id;
    },
    conversation: () => structuredClone(conversation),
    injectFault(fault) {
      const status = Number(fault.status);
      if (!(status === 429 || (status >= 500 && status <= 599)))
        throw new Error(`fault status must be 429 or 5xx, got ${fault.status}`);
      if (typeof fault.endpoint !== 'string' || !fault.endpoint)
        throw new Error(
          'fault endpoint is required (chat.postMessage, chat.update, auth.test, webhook or *)',
        );
      faults.push({
        endpoint: fault.endpoint,
        status,
        retryAfter: fault.retryAfter ?? 1,
        times: fault.times ?? 1,
      });
    },
    reset: init,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}
