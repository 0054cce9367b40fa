/**
 * `paved sandbox slack`: run the Slack stand-in in the foreground, or `--show` what it recorded.
 *
 *   paved sandbox slack [--port N] [--token T] [--channels general,deploys] [--record FILE] [--write-env FILE]
 *                       [--rate-limit]
 *   paved sandbox slack --show [--record FILE | --url http://127.0.0.1:PORT/]
 *
 * The conversation is recorded to `slack.json` in the sandbox directory ($PAVED_SANDBOX_DIR, else
 * paved-sandbox-<user> under the temp dir, as for the whole sandbox stack) so that
 * `--show` can print it from another shell while the stand-in runs, or after it stopped.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { CliIo } from '../../command.js';
import type { SandboxSubcommand } from '../sandbox.js';
import type { Conversation } from '../../../sandbox/slack/conversation.js';
import { slackRecordPath, webhookEnvName } from '../../../sandbox/slack/service.js';
import { defaultSandboxDir } from '../../../sandbox/stack.js';

interface Flags {
  show: boolean;
  rateLimit: boolean;
  port?: number;
  token?: string;
  channels?: string[];
  record?: string;
  envFile?: string;
  url?: string;
}

function parseFlags(args: string[]): Flags | string {
  const flags: Flags = { show: false, rateLimit: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    switch (name) {
      case '--show':
        flags.show = true;
        break;
      case '--rate-limit':
        flags.rateLimit = true;
        break;
      case '--port': {
        const v = value();
        if (!v || !/^\d+$/.test(v) || Number(v) > 65535)
          return `--port must be a port number from 0 to 65535; got ${JSON.stringify(v ?? '')}`;
        flags.port = Number(v);
        break;
      }
      case '--token':
      case '--record':
      case '--write-env':
      case '--url':
      case '--channels': {
        const v = value();
        if (!v) return `${name} needs a value`;
        if (name === '--token') flags.token = v;
        else if (name === '--record') flags.record = v;
        else if (name === '--write-env') flags.envFile = v;
        else if (name === '--url') flags.url = v;
        else
          flags.channels = v
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean);
        break;
      }
      default:
        return `unknown option ${JSON.stringify(arg)}`;
    }
  }
  return flags;
}

function recordPath(flags: Flags, io: CliIo): string {
  if (flags.record) return isAbsolute(flags.record) ? flags.record : join(io.cwd, flags.record);
  return slackRecordPath(defaultSandboxDir(io.env));
}

async function show(flags: Flags, io: CliIo): Promise<number> {
  const { renderConversation } = await import('../../../sandbox/slack/render.js');
  let conversation: Conversation;
  if (flags.url) {
    const response = await fetch(
      new URL('_paved/conversation', flags.url.endsWith('/') ? flags.url : `${flags.url}/`),
      { signal: AbortSignal.timeout(10_000) },
    );
    if (!response.ok) {
      io.err(`paved sandbox slack: ${flags.url} answered ${response.status}; is it the Slack stand-in?`);
      return 1;
    }
    conversation = (await response.json()) as Conversation;
  } else {
    const path = recordPath(flags, io);
    try {
      conversation = JSON.parse(readFileSync(path, 'utf8')) as Conversation;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        io.err(
          `paved sandbox slack: nothing recorded at ${path}; start the stand-in with 'paved sandbox slack' first, or pass --record FILE or --url URL`,
        );
        return 1;
      }
      throw error;
    }
  }
  io.out(renderConversation(conversation));
  return 0;
}

async function serve(flags: Flags, io: CliIo): Promise<number> {
  const { startSlackStandIn } = await import('../../../sandbox/slack/server.js');
  const record = recordPath(flags, io);
  const standIn = await startSlackStandIn({
    ...(flags.port !== undefined ? { port: flags.port } : {}),
    ...(flags.token ? { token: flags.token } : {}),
    ...(flags.channels ? { channels: flags.channels } : {}),
    // Slack allows about one message a second per channel, with short bursts.
    ...(flags.rateLimit ? { rateLimit: { burst: 5, perSecond: 1 } } : {}),
    recordPath: record,
  });
  const conversation = standIn.conversation();
  // Shell-sourceable lines: the demo passes these to the action as `api-url`, `token`, `webhook-url`.
  const env = [
    `SLACK_API_URL=${standIn.apiUrl}`,
    `SLACK_BOT_TOKEN=${standIn.token}`,
    ...conversation.channels.map((c) => `${webhookEnvName(c.name)}=${standIn.webhookUrl(c.id)}`),
  ];
  if (flags.envFile)
    writeFileSync(
      isAbsolute(flags.envFile) ? flags.envFile : join(io.cwd, flags.envFile),
      `${env.join('\n')}\n`,
      { mode: 0o600 },
    );
  io.out(`Slack stand-in listening on ${standIn.url}`);
  io.out(`channels: ${conversation.channels.map((c) => `#${c.name} (${c.id})`).join(', ')}`);
  io.out(`recording to ${record}; 'paved sandbox slack --show' prints it`);
  if (flags.envFile) io.out(`API URL, token and webhook URLs written to ${flags.envFile}`);
  else for (const line of env) io.out(line);
  io.out('Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await standIn.stop();
  return 0;
}

export const subcommand: SandboxSubcommand = {
  name: 'slack',
  summary: 'run the Slack stand-in (chat.postMessage, chat.update, webhooks); --show prints what it recorded',
  usage: 'paved sandbox slack [--port N] [--write-env F] | --show',
  async run(args, io) {
    const flags = parseFlags(args);
    if (typeof flags === 'string') return io.usageError(`sandbox slack: ${flags}`);
    return flags.show ? show(flags, io) : serve(flags, io);
  },
};
