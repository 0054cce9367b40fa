/**
 * The Slack stand-in against Slack's documented contract, driven by the official clients unchanged:
 * @slack/web-api pointed at it with `slackApiUrl`, @slack/webhook with a webhook URL on it.
 * Contract: https://docs.slack.dev/reference/methods/chat.postMessage, …/chat.update, …/auth.test,
 * https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks (plain-text errors).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, WebClient, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { IncomingWebhook, type IncomingWebhookHTTPError } from '@slack/webhook';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startSlackStandIn, type SlackStandIn } from '../../../sandbox/slack/server.js';
import { freePort } from '../../../sandbox/process.js';
import { runCli } from '../../../cli/main.js';
import type { CliIo } from '../../../cli/command.js';

let slack: SlackStandIn;
let dir: string;
let client: WebClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'slack-standin-'));
  slack = await startSlackStandIn({ port: await freePort(), recordPath: join(dir, 'slack.json') });
  client = new WebClient(slack.token, {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
});
afterAll(async () => {
  await slack.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => slack.reset());

async function platformError(call: Promise<unknown>): Promise<WebAPIPlatformError['data']> {
  try {
    await call;
  } catch (error) {
    expect((error as { code?: string }).code).toBe(ErrorCode.PlatformError);
    return (error as WebAPIPlatformError).data;
  }
  throw new Error('expected the call to be refused');
}

describe('Web API through @slack/web-api', () => {
  test('auth.test names the bot and the workspace', async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({
      ok: true,
      team_id: 'T0PAVED001',
      user_id: 'U0PAVEDBOT',
      bot_id: 'B0PAVEDBOT',
    });
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  test('not_authed without a token, invalid_auth with a wrong one', async () => {
    const anonymous = new WebClient(undefined, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    expect(await platformError(anonymous.chat.postMessage({ channel: 'general', text: 'hi' }))).toMatchObject(
      { ok: false, error: 'not_authed' },
    );
    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    expect(await platformError(wrong.auth.test())).toMatchObject({ ok: false, error: 'invalid_auth' });
    expect(slack.conversation().messages).toHaveLength(0);
  });

  test('chat.postMessage by name or ID answers with the channel ID and ts', async () => {
    const byName = await client.chat.postMessage({ channel: '#deploys', text: 'hello' });
    expect(byName).toMatchObject({
      ok: true,
      channel: slack.channelId('deploys'),
      message: { text: 'hello', bot_id: 'B0PAVEDBOT' },
    });
    expect(byName.ts).toMatch(/^\d{10}\.\d{6}$/);
    const byId = await client.chat.postMessage({ channel: slack.channelId('deploys'), text: 'again' });
    expect(Number(byId.ts)).toBeGreaterThan(Number(byName.ts));
    expect(slack.conversation().messages.map((m) => m.text)).toEqual(['hello', 'again']);
  });

  test('channel_not_found and no_text', async () => {
    expect(await platformError(client.chat.postMessage({ channel: 'nope', text: 'x' }))).toMatchObject({
      error: 'channel_not_found',
    });
    expect(await platformError(client.chat.postMessage({ channel: 'general' } as never))).toMatchObject({
      error: 'no_text',
    });
  });

  test('invalid_blocks carries errors with JSON pointers, as Slack does, and nothing is posted', async () => {
    const data = await platformError(
      client.chat.postMessage({
        channel: 'general',
        text: 'x',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } }],
      }),
    );
    expect(data).toMatchObject({
      ok: false,
      error: 'invalid_blocks',
      errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
      response_metadata: {
        messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
      },
    });
    expect(
      await platformError(
        client.chat.postMessage({
          channel: 'general',
          text: 'x',
          blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }],
        } as never),
      ),
    ).toMatchObject({
      error: 'invalid_blocks',
    });
    expect(
      await platformError(
        client.chat.postMessage({
          channel: 'general',
          text: 'x',
          attachments: [{ blocks: [{ type: 'bogus' }] }],
        } as never),
      ),
    ).toMatchObject({
      error: 'invalid_attachments',
    });
    expect(slack.conversation().messages).toHaveLength(0);
  });

  test('text over 40,000 characters is kept to its first 40,000, as Slack truncates it', async () => {
    const posted = await client.chat.postMessage({ channel: 'general', text: `${'t'.repeat(40_000)}cut` });
    expect(posted.ok).toBe(true);
    expect(slack.conversation().messages[0]?.text).toBe('t'.repeat(40_000));
  });

  test('blocks that are not JSON are invalid_blocks_format', async () => {
    const response = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${slack.token}`,
      },
      body: new URLSearchParams({ channel: 'general', text: 'x', blocks: '[{not json' }).toString(),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: false, error: 'invalid_blocks_format' });
  });

  test('a JSON body needs the token in the Authorization header', async () => {
    const post = (headers: Record<string, string>, body: unknown): Promise<Response> =>
      fetch(`${slack.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body: JSON.stringify(body),
      });
    expect(await (await post({}, { token: slack.token, channel: 'general', text: 'x' })).json()).toEqual({
      ok: false,
      error: 'not_authed',
    });
    const ok = (await (
      await post(
        { authorization: `Bearer ${slack.token}` },
        { channel: 'general', text: 'x', blocks: [{ type: 'divider' }] },
      )
    ).json()) as { ok: boolean };
    expect(ok.ok).toBe(true);
  });

  test('chat.update edits in place; omitted blocks are kept; the history is recorded', async () => {
    const first = await client.chat.postMessage({
      channel: 'deploys',
      text: 'v1',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'one' } }],
    });
    const updated = await client.chat.update({
      channel: first.channel as string,
      ts: first.ts as string,
      text: 'v2',
    });
    expect(updated).toMatchObject({ ok: true, channel: first.channel, ts: first.ts, text: 'v2' });
    const [message] = slack.conversation().messages;
    expect(message).toMatchObject({ text: 'v2', blocks: [{ type: 'section' }] });
    expect(message?.edits.map((e) => e.text)).toEqual(['v1']);
  });

  test('chat.update refusals: message_not_found, channel names, webhook messages, invalid blocks', async () => {
    const first = await client.chat.postMessage({ channel: 'deploys', text: 'v1' });
    expect(
      await platformError(
        client.chat.update({ channel: first.channel as string, ts: '1.000001', text: 'x' }),
      ),
    ).toMatchObject({ error: 'message_not_found' });
    expect(
      await platformError(client.chat.update({ channel: 'deploys', ts: first.ts as string, text: 'x' })),
    ).toMatchObject({ error: 'channel_not_found' });
    expect(
      await platformError(
        client.chat.update({ channel: first.channel as string, ts: first.ts as string } as never),
      ),
    ).toMatchObject({ error: 'no_text' });
    expect(
      await platformError(
        client.chat.update({
          channel: first.channel as string,
          ts: first.ts as string,
          text: 'x',
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '' } }],
        }),
      ),
    ).toMatchObject({
      error: 'invalid_blocks',
      errors: ['must be more than 0 characters [json-pointer:/blocks/0/text/text]'],
    });
    await new IncomingWebhook(slack.webhookUrl('deploys')).send({ text: 'from a webhook' });
    const webhookMessage = slack.conversation().messages.find((m) => m.via === 'webhook');
    expect(
      await platformError(
        client.chat.update({ channel: first.channel as string, ts: webhookMessage?.ts as string, text: 'x' }),
      ),
    ).toMatchObject({
      error: 'cant_update_message',
    });
    expect(slack.conversation().messages.find((m) => m.ts === first.ts)?.text).toBe('v1');
  });

  test('thread replies attach to the parent; a reply to a reply lands in the same thread', async () => {
    const parent = await client.chat.postMessage({ channel: 'deploys', text: 'parent' });
    const reply = await client.chat.postMessage({
      channel: 'deploys',
      text: 'r1',
      thread_ts: parent.ts as string,
    });
    expect(reply.message).toMatchObject({ thread_ts: parent.ts });
    await client.chat.postMessage({ channel: 'deploys', text: 'r2', thread_ts: reply.ts as string });
    const replies = slack.conversation().messages.filter((m) => m.threadTs === parent.ts);
    expect(replies.map((m) => m.text)).toEqual(['r1', 'r2']);
    expect(
      await platformError(client.chat.postMessage({ channel: 'deploys', text: 'x', thread_ts: '1.000002' })),
    ).toMatchObject({ error: 'thread_not_found' });
  });

  test('ratelimited: HTTP 429 with Retry-After, which the official client reports', async () => {
    slack.injectFault({ endpoint: 'chat.postMessage', status: 429, retryAfter: 7 });
    let caught: unknown;
    try {
      await client.chat.postMessage({ channel: 'general', text: 'x' });
    } catch (error) {
      caught = error;
    }
    expect((caught as WebAPIRateLimitedError).code).toBe(ErrorCode.RateLimitedError);
    expect((caught as WebAPIRateLimitedError).retryAfter).toBe(7);
    const raw = await fetch(`${slack.apiUrl}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slack.token}` },
    });
    expect(raw.status).toBe(200);
    slack.injectFault({ endpoint: 'auth.test', status: 429, retryAfter: 3 });
    const limited = await fetch(`${slack.apiUrl}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slack.token}` },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(await limited.json()).toEqual({ ok: false, error: 'ratelimited' });
  });

  test('with rateLimit on, a burst past the limit gets 429 + Retry-After per channel, and webhooks too', async () => {
    const limited = await startSlackStandIn({ rateLimit: { burst: 2, perSecond: 0.5 } });
    try {
      const strict = new WebClient(limited.token, {
        slackApiUrl: limited.apiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      });
      await strict.chat.postMessage({ channel: 'general', text: '1' });
      await strict.chat.postMessage({ channel: 'general', text: '2' });
      let caught: unknown;
      try {
        await strict.chat.postMessage({ channel: 'general', text: '3' });
      } catch (error) {
        caught = error;
      }
      expect((caught as WebAPIRateLimitedError).code).toBe(ErrorCode.RateLimitedError);
      expect((caught as WebAPIRateLimitedError).retryAfter).toBeGreaterThanOrEqual(1);
      // Another channel has its own allowance.
      expect((await strict.chat.postMessage({ channel: 'deploys', text: 'x' })).ok).toBe(true);
      const hook = limited.webhookUrl('general');
      const post = (): Promise<Response> =>
        fetch(hook, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"text":"h"}',
        });
      expect((await post()).status).toBe(200);
      expect((await post()).status).toBe(200);
      const third = await post();
      expect([third.status, await third.text()]).toEqual([429, 'rate_limited']);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited.conversation().messages).toHaveLength(5);
    } finally {
      await limited.stop();
    }
  });

  test('unknown methods are unknown_method', async () => {
    const response = await fetch(`${slack.apiUrl}chat.scheduleMessage`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      ok: false,
      error: 'unknown_method',
      req_method: 'chat.scheduleMessage',
    });
  });
});

describe('incoming webhooks through @slack/webhook', () => {
  async function webhookError(send: Promise<unknown>): Promise<{ status: number; body: string }> {
    try {
      await send;
    } catch (error) {
      const e = error as IncomingWebhookHTTPError;
      return { status: e.statusCode, body: String(e.body) };
    }
    throw new Error('expected the webhook to refuse');
  }

  test('posts to the webhook channel and answers "ok"', async () => {
    const result = await new IncomingWebhook(slack.webhookUrl('deploys')).send({
      text: 'deployed',
      blocks: [{ type: 'divider' }],
    });
    expect(result.text).toBe('ok');
    expect(slack.conversation().messages).toMatchObject([
      { channel: slack.channelId('deploys'), via: 'webhook', text: 'deployed' },
    ]);
  });

  test('plain-text errors: no_text, invalid_blocks, invalid_payload, no_service', async () => {
    const hook = new IncomingWebhook(slack.webhookUrl('general'));
    expect(await webhookError(hook.send({}))).toEqual({ status: 400, body: 'no_text' });
    expect(await webhookError(hook.send({ text: 'x', blocks: [{ type: 'section' }] } as never))).toEqual({
      status: 400,
      body: 'invalid_blocks',
    });
    const raw = await fetch(slack.webhookUrl('general'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect([raw.status, await raw.text()]).toEqual([400, 'invalid_payload']);
    const wrong = slack.webhookUrl('general').replace(/[0-9a-f]{24}$/, '0'.repeat(24));
    expect(await webhookError(new IncomingWebhook(wrong).send({ text: 'x' }))).toEqual({
      status: 404,
      body: 'no_service',
    });
    expect(slack.conversation().messages).toHaveLength(0);
  });

  test('the form-encoded payload= variant is accepted', async () => {
    const response = await fetch(slack.webhookUrl('general'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payload: JSON.stringify({ text: 'legacy form' }) }).toString(),
    });
    expect([response.status, await response.text()]).toEqual([200, 'ok']);
  });

  test('429 with Retry-After, 5xx as service errors', async () => {
    slack.injectFault({ endpoint: 'webhook', status: 429, retryAfter: 2 });
    const limited = await fetch(slack.webhookUrl('general'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"x"}',
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    await limited.text();
    slack.injectFault({ endpoint: 'webhook', status: 503 });
    expect(
      (await webhookError(new IncomingWebhook(slack.webhookUrl('general')).send({ text: 'x' }))).status,
    ).toBe(503);
    expect(slack.conversation().requests.map((r) => r.status)).toEqual([429, 503]);
  });
});

describe('paved sandbox slack --show', () => {
  function capture(): { io: CliIo; out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      cwd: dir,
      env: {},
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      usageError: (message) => {
        err.push(message);
        return 2;
      },
      interactive: false,
    };
    return { io, out, err };
  }

  test('prints channels, messages, edits and thread replies as text', async () => {
    const parent = await client.chat.postMessage({
      channel: 'deploys',
      text: 'Deploy started',
      attachments: [
        {
          color: '#E01E5A',
          blocks: [
            {
              type: 'section',
              text: { type: 'mrkdwn', text: '*Deploy* of <https://gh/acme|acme/api> failed <@U0123ABCD>' },
            },
          ],
        },
      ],
    });
    await client.chat.update({
      channel: parent.channel as string,
      ts: parent.ts as string,
      text: 'Deploy failed',
    });
    await client.chat.postMessage({
      channel: 'deploys',
      text: 'rollback done',
      thread_ts: parent.ts as string,
    });
    for (const args of [
      ['sandbox', 'slack', '--show', '--record', join(dir, 'slack.json')],
      ['sandbox', 'slack', '--show', '--url', slack.url],
    ]) {
      const { io, out } = capture();
      expect(await runCli(args, io)).toBe(0);
      const text = out.join('\n');
      expect(text).toContain('#deploys (C0PAVED002) — 1 message');
      expect(text).toContain('(edited 1×)');
      expect(text).toContain('┃ *Deploy* of acme/api (https://gh/acme) failed @U0123ABCD');
      expect(text).toContain('└ 1 thread reply:');
      expect(text).toMatch(/↳ .*\n {6}rollback done/);
    }
  });

  test('says how to start the stand-in when nothing was recorded', async () => {
    const { io, err } = capture();
    expect(await runCli(['sandbox', 'slack', '--show', '--record', join(dir, 'missing.json')], io)).toBe(1);
    expect(err.join('\n')).toMatch(
      /nothing recorded at .*missing\.json; start the stand-in with 'paved sandbox slack'/,
    );
  });

  test('refuses unknown options', async () => {
    const { io, err } = capture();
    expect(await runCli(['sandbox', 'slack', '--shw'], io)).toBe(2);
    expect(err.join('\n')).toContain('unknown option "--shw"');
  });
});
