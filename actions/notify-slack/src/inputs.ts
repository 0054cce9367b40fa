/** Every input of notify-slack, read and validated before anything is sent. */
import { InputError, quote } from '../../../shared/errors.js';
import { InputReader } from '../../../shared/inputs.js';
import { maskSecret } from '../../../shared/secrets.js';
import { PREVIOUS_STATUSES, WHEN, type PreviousStatus, type When } from './filters.js';
import { slackMention } from './mrkdwn.js';
import {
  parseProgress,
  STAGES,
  STATUSES,
  type ProgressEntry,
  type Stage,
  type Status,
  type TestCounts,
} from './pipeline.js';

export type Transport =
  { kind: 'bot'; token: string; apiUrl: string; channel: string } | { kind: 'webhook'; url: string };

export interface Inputs {
  readonly transport: Transport;
  /** Bot mode: the run's message to update. */
  readonly ts: string | undefined;
  readonly threadReplies: boolean;
  readonly stage: Stage;
  /** Undefined only with a custom payload. */
  readonly status: Status | undefined;
  readonly environment: string | undefined;
  readonly image: string | undefined;
  readonly reason: string | undefined;
  /** Where the test results were published; linked from the message. */
  readonly detailsUrl: string | undefined;
  readonly deliveryHealth: string | undefined;
  readonly tests: TestCounts;
  /** Epoch ms. */
  readonly startedAt: number | undefined;
  readonly jobName: string | undefined;
  readonly matrix: Record<string, unknown> | undefined;
  /** Slack syntax, e.g. `<@U0123ABCD>`. */
  readonly mentions: string[];
  readonly progress: ProgressEntry[];
  /** Raw text, parsed (JSON or YAML) after the inputs are read. */
  readonly payload: { text: string; input: 'payload' | 'payload-file'; file?: string } | undefined;
  readonly variables: Record<string, string>;
  readonly when: When;
  readonly previousStatus: PreviousStatus | undefined;
  readonly branches: string[];
  readonly failOnError: boolean;
  readonly timeoutMs: number;
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;
const SLACK_TS = /^\d{9,11}\.\d{6}$/;

/** `2026-11-23T10:00:00Z`, or seconds / milliseconds since the epoch. */
export function parseTimestamp(value: string): number | undefined {
  if (/^\d{9,11}(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  if (/^\d{12,14}$/.test(value)) return Number(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function getInputs(reader = new InputReader()): Inputs {
  const token = reader.secret('token', maskSecret);
  const webhookUrl = reader.secret('webhook-url', maskSecret);
  const channel = reader.string('channel');
  const ts = reader.string('ts', {
    pattern: SLACK_TS,
    accepted:
      'a Slack message timestamp like 1732356000.123456 (the ts output of an earlier notify-slack step)',
  });
  const apiUrl = reader.url('api-url', {
    default: 'https://slack.com/api/',
    example: 'https://slack.com/api/',
  });

  let transport: Transport;
  if (token && webhookUrl)
    throw InputError.conflict(
      'token',
      'webhook-url',
      'give a bot token (with channel) or an incoming webhook URL, not both',
    );
  if (token) {
    // Never quote a secret, not even in part.
    if (!/^(xoxe\.)?xox[bpae]-[A-Za-z0-9-]+$/.test(token)) {
      throw new InputError(
        'token',
        "Input 'token' must be a Slack bot token like xoxb-…  (from your Slack app's OAuth & Permissions page); the value given does not look like one",
      );
    }
    if (!channel)
      throw new InputError(
        'channel',
        "Input 'channel' is required with 'token': give a channel ID like C0123ABCD or a name like #deploys",
      );
    if (ts && !CHANNEL_ID.test(channel)) {
      throw new InputError(
        'channel',
        `Input 'channel' must be a channel ID like C0123ABCD when 'ts' is set, because chat.update does not accept names; pass the channel output of the step that posted the message (channel: \${{ steps.<id>.outputs.channel }}); got ${quote(channel)}`,
      );
    }
    transport = { kind: 'bot', token, apiUrl: apiUrl.toString(), channel: channel.replace(/^#/, '') };
  } else if (webhookUrl) {
    let url: URL | undefined;
    try {
      url = new URL(webhookUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new InputError(
        'webhook-url',
        "Input 'webhook-url' must be an incoming webhook URL like https://hooks.slack.com/services/T…/B…/…; the value given is not a URL",
      );
    }
    // The normalised form is what the client sends; mask it too when it differs from what was given.
    if (url.toString() !== webhookUrl) maskSecret(url.toString());
    if (channel)
      throw InputError.conflict(
        'channel',
        'webhook-url',
        'an incoming webhook always posts to the channel it was created for; use token and channel to choose the channel',
      );
    if (ts)
      throw InputError.conflict(
        'ts',
        'webhook-url',
        'incoming webhooks cannot update a message; use token and channel to keep one message per run',
      );
    transport = { kind: 'webhook', url: url.toString() };
  } else {
    throw new InputError(
      'token',
      "Give either input 'token' (a bot token, with 'channel') or input 'webhook-url' (an incoming webhook URL); neither was supplied",
    );
  }

  const payloadText = reader.string('payload', { trim: false });
  const payloadFile = reader.string('payload-file');
  if (payloadText?.trim() && payloadFile)
    throw InputError.conflict('payload', 'payload-file', 'give the payload inline or in a file, not both');

  const stage = reader.enum('stage', STAGES, { default: 'pipeline' });
  const status = reader.enum('status', STATUSES);
  if (!status && !payloadText?.trim() && !payloadFile) {
    throw new InputError(
      'status',
      `Input 'status' is required for the built-in messages: one of ${STATUSES.map((s) => `'${s}'`).join(', ')} (e.g. status: \${{ job.status }}), or give 'payload' / 'payload-file'`,
    );
  }

  const when = reader.enum('when', WHEN, { default: 'always' });
  if (when !== 'always' && !status) {
    throw new InputError(
      'when',
      `Input 'when: ${when}' needs input 'status' to decide; set status: \${{ job.status }}`,
    );
  }

  const startedAtText = reader.string('started-at');
  const startedAt = startedAtText === undefined ? undefined : parseTimestamp(startedAtText);
  if (startedAtText !== undefined && startedAt === undefined) {
    throw InputError.invalid(
      'started-at',
      startedAtText,
      'an ISO 8601 time like 2026-11-23T10:00:00Z or seconds since the epoch (the started-at output of the first notify-slack step)',
    );
  }

  const matrix = reader.object('matrix');
  if (Array.isArray(matrix))
    throw InputError.invalid('matrix', JSON.stringify(matrix), 'a JSON object: ${{ toJSON(matrix) }}');

  // Mentions never contain commas, so commas separate them on any line.
  const mentionItems = reader.list('mention').flatMap((line) =>
    line
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );
  const mentions = mentionItems.map((item) => {
    const mention = slackMention(item);
    if (!mention) {
      throw new InputError(
        'mention',
        `Input 'mention' must list user IDs (U0123ABCD), user-group IDs (S0123ABCD), @here or @channel; got ${quote(item)}. Slack does not resolve @names in messages.`,
      );
    }
    return mention;
  });

  const detailsUrl = reader.string('details-url');
  if (detailsUrl !== undefined && !isHttpUrl(detailsUrl))
    throw InputError.invalid(
      'details-url',
      detailsUrl,
      "an http(s) URL, e.g. the test action's feedback-url output",
    );

  const progressText = reader.string('progress');
  const progress = progressText === undefined ? [] : parseProgress(progressText);
  if (progress === undefined) {
    throw InputError.invalid(
      'progress',
      progressText as string,
      `stage=status pairs like build=success,deploy=failure (the progress output of the previous notify-slack step); stages: ${STAGES.join(', ')}`,
    );
  }

  return {
    transport,
    ts,
    threadReplies: reader.boolean('thread-replies', { default: true }),
    stage,
    status,
    environment: reader.string('environment'),
    image: reader.string('image'),
    reason: reader.string('reason', { trim: false })?.trim(),
    detailsUrl,
    deliveryHealth: reader.string('delivery-health'),
    tests: {
      total: reader.integer('tests-total', { min: 0 }),
      passed: reader.integer('tests-passed', { min: 0 }),
      failed: reader.integer('tests-failed', { min: 0 }),
      skipped: reader.integer('tests-skipped', { min: 0 }),
    },
    startedAt,
    jobName: reader.string('job-name'),
    matrix: matrix as Record<string, unknown> | undefined,
    mentions,
    progress,
    payload: payloadText?.trim()
      ? { text: payloadText, input: 'payload' }
      : payloadFile
        ? { text: '', input: 'payload-file', file: payloadFile }
        : undefined,
    variables: reader.map('variables'),
    when,
    previousStatus: reader.enum('previous-status', PREVIOUS_STATUSES),
    branches: reader.list('branches'),
    failOnError: reader.boolean('fail-on-error', { default: false }),
    timeoutMs: reader.duration('timeout', { default: '30s', minMs: 1000, maxMs: 600_000 }),
  };
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
