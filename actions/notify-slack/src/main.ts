/**
 * notify-slack: post one Block Kit message per run and keep it up to date as stages finish (bot token),
 * with a thread reply per stage; or send a message per call through an incoming webhook.
 *
 * What fails and what warns: malformed inputs (including a payload that does not parse or uses an
 * unknown placeholder) fail the step, because they are mistakes in the workflow. Everything about
 * delivering the notification (a payload Slack would refuse, Slack down, a revoked token) only warns
 * and sets `ok: false`, unless `fail-on-error: true`: a notification must not fail a deployment.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
// The runner's commands without @actions/core (and the undici it loads): see shared/workflow-commands.ts.
import * as core from '../../../shared/workflow-commands.js';
import { runAction } from '../../../shared/action.js';
import { InputError, messageOf, PavedError } from '../../../shared/errors.js';
import { getGitHubContext } from '../../../shared/github-context.js';
import { setOutput } from '../../../shared/outputs.js';
import { redact } from '../../../shared/secrets.js';
import { describeIssue, validateMessage } from '../../../shared/slack/blockkit.js';
import { SummaryBuilder, markdownTable } from '../../../shared/summary.js';
import { decideByBranch, decideByStatus } from './filters.js';
import { getInputs, type Inputs } from './inputs.js';
import { runMessage, stageReply, type SlackMessage } from './message.js';
import { advanceProgress, formatProgress, headline, pipelineFacts, type PipelineFacts } from './pipeline.js';
import { fillPayload, templateValues } from './template.js';

/** A message Slack would refuse, caught before sending. */
export class InvalidMessageError extends PavedError {
  override name = 'InvalidMessageError';
}

interface Planned {
  /** The run's message (posted, or updated when `ts` is set). */
  main: SlackMessage;
  /** The thread reply for this stage, when updating with thread replies on. */
  reply: SlackMessage | undefined;
}

async function parsePayload(inputs: Inputs, workspace: string): Promise<unknown> {
  const spec = inputs.payload as NonNullable<Inputs['payload']>;
  let text = spec.text;
  let where = 'payload';
  if (spec.input === 'payload-file') {
    const path = isAbsolute(spec.file as string)
      ? (spec.file as string)
      : resolve(workspace, spec.file as string);
    where = `payload-file ${spec.file as string}`;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new InputError(
        'payload-file',
        `Input 'payload-file' names ${path}, which cannot be read: ${(error as NodeJS.ErrnoException).code ?? messageOf(error)}`,
      );
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const { parse } = await import('yaml');
    try {
      parsed = parse(text);
    } catch (error) {
      throw new InputError(
        spec.input,
        `Input '${spec.input}' (${where}) is neither JSON nor YAML: ${messageOf(error).split('\n')[0]}`,
      );
    }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError(
      spec.input,
      `Input '${spec.input}' (${where}) must be a message object like {"text": "…", "blocks": […]}`,
    );
  }
  return parsed;
}

async function plan(inputs: Inputs, facts: PipelineFacts, workspace: string): Promise<Planned> {
  if (inputs.payload) {
    const values = templateValues(facts, inputs.variables);
    // Without a status input there is nothing true to say about it: those names fall back to empty.
    if (inputs.status === undefined) {
      for (const name of ['status', 'outcome', 'status.emoji', 'status.color', 'headline'])
        values[name] = undefined;
    }
    const filled = fillPayload(
      await parsePayload(inputs, workspace),
      values,
      inputs.payload.input,
    ) as SlackMessage;
    // The action decides where the message goes; a channel in the payload would disagree with the outputs.
    delete filled['channel'];
    return { main: filled, reply: undefined };
  }
  const updating = inputs.ts !== undefined;
  return { main: runMessage(facts), reply: updating && inputs.threadReplies ? stageReply(facts) : undefined };
}

/** Every string in a message with registered secrets replaced: a token pasted into a reason must not reach Slack. */
function redactMessage<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactMessage(item)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactMessage(v)]),
    ) as T;
  }
  return value;
}

function validate(planned: Planned): void {
  const problems: string[] = [];
  for (const [label, message] of [
    ['message', planned.main],
    ['thread reply', planned.reply],
  ] as const) {
    if (!message) continue;
    for (const issue of validateMessage(message))
      problems.push(`${label === 'message' ? '' : `${label} `}${describeIssue(issue)}`);
  }
  if (problems.length > 0) {
    throw new InvalidMessageError(
      `Slack would refuse this message, so nothing was sent (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.join('; ')}`,
    );
  }
}

export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = getInputs();
    const context = getGitHubContext();
    const now = Date.now();
    // The first call of a run starts the clock; later calls get it back through `started-at`.
    const startedAt = inputs.startedAt ?? (inputs.status === 'started' ? now : undefined);
    const status = inputs.status ?? 'success';
    const progress = inputs.payload
      ? inputs.progress
      : advanceProgress(inputs.progress, inputs.stage, status);
    const facts = pipelineFacts(context, { ...inputs, status, startedAt, progress }, now);
    const channelIn = inputs.transport.kind === 'bot' ? inputs.transport.channel : '';
    const passThrough = (): void => {
      if (inputs.ts) setOutput('ts', inputs.ts);
      if (channelIn) setOutput('channel', channelIn);
      if (startedAt !== undefined) setOutput('started-at', new Date(startedAt).toISOString());
      setOutput('progress', formatProgress(inputs.payload ? inputs.progress : progress));
    };

    // Parse and fill a custom payload even when the filters skip this call, so a broken payload shows on
    // the first run instead of on the day something fails.
    const unredacted = await plan(inputs, facts, context.workspace);
    const planned: Planned = {
      main: redactMessage(unredacted.main),
      reply: unredacted.reply && redactMessage(unredacted.reply),
    };
    const byBranch = decideByBranch(inputs.branches, context.branch ?? context.tag);
    const byStatus = inputs.status
      ? decideByStatus(inputs.when, inputs.stage, inputs.status, inputs.previousStatus)
      : { send: true, reason: 'always' };
    if (!byBranch.send || !byStatus.send) {
      core.info(`Not notifying: ${!byBranch.send ? byBranch.reason : byStatus.reason}`);
      passThrough();
      setOutput('sent', false);
      setOutput('ok', true);
      return;
    }

    // Everything up to here is the workflow's configuration; from here on, problems are delivery problems.
    try {
      validate(planned);
      const { createDelivery } = await import('./transport.js');
      const delivery = await createDelivery(inputs.transport, { timeoutMs: inputs.timeoutMs });
      let posted: { channel: string; ts: string } | undefined;
      let threadTs: string | undefined;
      let action: string;
      if (inputs.ts && inputs.transport.kind === 'bot') {
        try {
          posted = await delivery.update(inputs.transport.channel, inputs.ts, planned.main);
          action = `Updated the run's message ${posted.ts} in ${posted.channel}`;
        } catch (error) {
          // The message was deleted (or the ts belongs elsewhere): start a new one rather than stay silent.
          if (!/message_not_found/.test(messageOf(error))) throw error;
          core.warning(
            `The run's message ${inputs.ts} was not found in ${inputs.transport.channel}; posting a new one`,
          );
          posted = await delivery.post(planned.main);
          action = `Posted a new run message ${posted?.ts ?? ''}`;
        }
        if (planned.reply && posted) {
          const reply = await delivery.post(planned.reply, posted.ts);
          threadTs = reply?.ts;
          action += ' and replied in its thread';
        }
      } else {
        posted = await delivery.post(planned.main);
        action = posted
          ? `Posted message ${posted.ts} in ${posted.channel}`
          : 'Sent the message through the incoming webhook';
      }
      core.info(
        `${action} (${inputs.payload ? 'custom payload' : headline(facts)}, via ${delivery.description})`,
      );
      if (posted) {
        setOutput('ts', posted.ts);
        setOutput('channel', posted.channel);
      }
      if (threadTs) setOutput('thread-ts', threadTs);
      if (startedAt !== undefined) setOutput('started-at', new Date(startedAt).toISOString());
      setOutput('progress', formatProgress(progress));
      setOutput('sent', true);
      setOutput('ok', true);
      await writeSummary(facts, inputs, action, posted?.channel);
    } catch (error) {
      if (inputs.failOnError || error instanceof InputError) throw error;
      core.warning(
        `Slack notification not sent: ${redact(messageOf(error))} (the step still succeeds; set fail-on-error: true to fail it)`,
      );
      if (core.isDebug()) core.debug(redact(String((error as Error).stack ?? error)));
      passThrough();
      setOutput('sent', false);
      setOutput('ok', false);
    }
  });
}

async function writeSummary(
  facts: PipelineFacts,
  inputs: Inputs,
  action: string,
  channel: string | undefined,
): Promise<void> {
  const summary = new SummaryBuilder();
  summary.heading('Slack notification', 3);
  const rows: string[][] = [
    ['Event', inputs.payload ? 'custom payload' : headline(facts)],
    ['Result', action],
  ];
  if (channel) rows.push(['Channel', channel]);
  summary.add(markdownTable(['', ''], rows));
  await summary.write();
}
