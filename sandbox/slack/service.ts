/**
 * The Slack stand-in as a sandbox stack service (sandbox/stack.ts): started in-process, recording to
 * `<sandbox dir>/slack.json` (what `paved sandbox slack --show` reads), and handing pipelines what they
 * pass to notify-slack: `api-url`, `token`, and one webhook URL per channel.
 */
import { join } from 'node:path';
import type { ServiceDefinition } from '../stack.js';
import { startSlackStandIn, type SlackStandInOptions } from './server.js';

/** Where the stand-in records the conversation inside a sandbox directory. */
export function slackRecordPath(sandboxDir: string): string {
  return join(sandboxDir, 'slack.json');
}

/** `SLACK_WEBHOOK_URL_DEPLOYS` for `#deploys`. */
export function webhookEnvName(channel: string): string {
  return `SLACK_WEBHOOK_URL_${channel.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function slackService(options: Omit<SlackStandInOptions, 'recordPath'> = {}): ServiceDefinition {
  return {
    name: 'slack',
    description: 'Slack stand-in (auth.test, chat.postMessage, chat.update, incoming webhooks)',
    async start(context) {
      const standIn = await startSlackStandIn({ ...options, recordPath: slackRecordPath(context.dir) });
      const channels = standIn.conversation().channels;
      const webhooks = Object.fromEntries(
        channels.map((c) => [webhookEnvName(c.name), standIn.webhookUrl(c.id)]),
      );
      return {
        name: 'slack',
        url: standIn.url,
        details: {
          'api-url': standIn.apiUrl,
          token: standIn.token,
          channels: channels.map((c) => `#${c.name} (${c.id})`).join(', '),
          record: slackRecordPath(context.dir),
        },
        env: { SLACK_API_URL: standIn.apiUrl, SLACK_BOT_TOKEN: standIn.token, ...webhooks },
        stop: () => standIn.stop(),
      };
    },
  };
}
