/**
 * `paved sandbox slack` as the demo runs it: a foreground process that writes the API URL, token and
 * webhook URLs to an env file, serves the official clients, records to disk and stops on SIGTERM.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebClient } from '@slack/web-api';
import { IncomingWebhook } from '@slack/webhook';
import { afterAll, expect, test } from 'vitest';
import { freePort, spawnService, waitFor } from '../../../sandbox/process.js';

const root = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'slack-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('runs in the foreground, writes an env file, records, and stops on SIGTERM', async () => {
  const port = await freePort();
  const envFile = join(dir, 'slack.env');
  const service = spawnService(
    'slack stand-in',
    process.execPath,
    [
      '--import',
      pathToFileURL(join(root, 'node_modules/tsx/dist/esm/index.mjs')).href,
      join(root, 'cli/index.ts'),
      'sandbox',
      'slack',
      '--port',
      String(port),
      '--write-env',
      envFile,
      '--channels',
      'deploys,alerts',
    ],
    { cwd: dir, env: { PATH: process.env['PATH'] ?? '', PAVED_SANDBOX_DIR: join(dir, 'state') } },
  );
  await waitFor(
    'the Slack stand-in',
    () => existsSync(envFile) && service.output().includes('Press Ctrl-C'),
    {
      process: service.child,
      output: service.output,
    },
  );
  const env = Object.fromEntries(
    readFileSync(envFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  expect(Object.keys(env).sort()).toEqual([
    'SLACK_API_URL',
    'SLACK_BOT_TOKEN',
    'SLACK_WEBHOOK_URL_ALERTS',
    'SLACK_WEBHOOK_URL_DEPLOYS',
  ]);
  expect(env['SLACK_API_URL']).toBe(`http://127.0.0.1:${port}/api/`);
  // The token is a secret of the sandbox: it goes to the env file (mode 600), not to the terminal.
  expect(service.output()).not.toContain(env['SLACK_BOT_TOKEN']);

  const client = new WebClient(env['SLACK_BOT_TOKEN'], {
    slackApiUrl: env['SLACK_API_URL'],
    retryConfig: { retries: 0 },
  });
  const posted = await client.chat.postMessage({ channel: '#alerts', text: 'from the CLI test' });
  expect(posted.ok).toBe(true);
  await new IncomingWebhook(env['SLACK_WEBHOOK_URL_DEPLOYS'] as string).send({ text: 'via webhook' });

  const recorded = JSON.parse(readFileSync(join(dir, 'state', 'slack.json'), 'utf8')) as {
    messages: { text: string }[];
  };
  expect(recorded.messages.map((m) => m.text)).toEqual(['from the CLI test', 'via webhook']);

  await service.stop();
  expect(service.child.exitCode).toBe(0);
});

test('as a sandbox stack service it hands pipelines the API URL, token and webhook URLs, and stops', async () => {
  const { startStack, stopStack } = await import('../../../sandbox/stack.js');
  const { slackService } = await import('../../../sandbox/slack/service.js');
  const stackDir = join(dir, 'stack');
  const running = await startStack([slackService({ channels: ['deploys'] })], {
    dir: stackDir,
    started: new Map(),
    log: () => undefined,
  });
  const [service] = running;
  const env = service?.env ?? {};
  expect(Object.keys(env).sort()).toEqual(['SLACK_API_URL', 'SLACK_BOT_TOKEN', 'SLACK_WEBHOOK_URL_DEPLOYS']);
  const client = new WebClient(env['SLACK_BOT_TOKEN'], {
    slackApiUrl: env['SLACK_API_URL'],
    retryConfig: { retries: 0 },
  });
  expect((await client.auth.test()).ok).toBe(true);
  await client.chat.postMessage({ channel: 'deploys', text: 'stack' });
  expect(readFileSync(join(stackDir, 'slack.json'), 'utf8')).toContain('"text": "stack"');
  await stopStack(running);
  await expect(client.auth.test()).rejects.toThrow();
});
