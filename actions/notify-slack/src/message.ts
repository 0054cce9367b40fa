/**
 * The built-in messages: one per run (updated as stages finish) and one thread reply per stage.
 * Everything that varies in length is cut to fit Block Kit's limits, so a long commit message or error
 * can never make the notification fail; the result is still validated before sending.
 */
import { SLACK_LIMITS } from '../../../shared/slack/blockkit.js';
import { escapeMrkdwn, link, truncate } from './mrkdwn.js';
import {
  describeDuration,
  describeTests,
  headline,
  outcomeOf,
  stageName,
  statusColor,
  statusEmoji,
  type PipelineFacts,
} from './pipeline.js';

/** What chat.postMessage / chat.update / a webhook receive. */
export interface SlackMessage {
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  [key: string]: unknown;
}

const mrkdwn = (text: string): { type: 'mrkdwn'; text: string } => ({ type: 'mrkdwn', text });

function field(label: string, value: string): { type: 'mrkdwn'; text: string } {
  return mrkdwn(truncate(`*${label}*\n${value}`, SLACK_LIMITS.sectionFieldText));
}

/** The title line: `❌ *Deploy to production failed* · <repo|acme/api> · main`. */
function titleLine(facts: PipelineFacts): string {
  const where = [
    link(facts.repoUrl, facts.repository),
    facts.branch
      ? facts.branchUrl
        ? link(facts.branchUrl, facts.branch)
        : escapeMrkdwn(facts.branch)
      : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  return `${statusEmoji(facts.stage, facts.status)} *${escapeMrkdwn(headline(facts))}* · ${where}`;
}

/** The plain notification text (shown in push notifications and by clients without blocks). */
export function notificationText(facts: PipelineFacts): string {
  const parts = [
    `${statusEmoji(facts.stage, facts.status)} ${headline(facts)}`,
    facts.repository,
    facts.branch,
    facts.shortSha,
  ].filter(Boolean);
  const mentions =
    outcomeOf(facts.stage, facts.status) === 'failure' && facts.mentions.length > 0
      ? ` ${facts.mentions.join(' ')}`
      : '';
  return truncate(`${parts.join(' · ')}${mentions}`, 3000);
}

function factFields(facts: PipelineFacts): { type: 'mrkdwn'; text: string }[] {
  const fields: { type: 'mrkdwn'; text: string }[] = [];
  const commit = `${link(facts.commitUrl, facts.shortSha || 'commit')}${facts.commitTitle ? ` ${escapeMrkdwn(truncate(facts.commitTitle, 200))}` : ''}`;
  fields.push(field('Commit', commit));
  if (facts.author) fields.push(field('Author', escapeMrkdwn(facts.author)));
  if (facts.prNumber !== undefined && facts.prUrl) {
    fields.push(
      field(
        'Pull request',
        `${link(facts.prUrl, `#${facts.prNumber}`)}${facts.prTitle ? ` ${escapeMrkdwn(truncate(facts.prTitle, 200))}` : ''}`,
      ),
    );
  }
  if (facts.environment) fields.push(field('Environment', escapeMrkdwn(facts.environment)));
  if (facts.image) fields.push(field('Image', `\`${escapeMrkdwn(truncate(facts.image, 500))}\``));
  const tests = describeTests(facts.tests);
  if (tests) fields.push(field('Tests', tests));
  // A run that just started has no duration worth showing.
  const duration = facts.status === 'started' ? undefined : describeDuration(facts.durationMs);
  if (duration) fields.push(field('Run time', duration));
  if (facts.jobName)
    fields.push(field('Job', facts.runUrl ? link(facts.runUrl, facts.jobName) : escapeMrkdwn(facts.jobName)));
  return fields.slice(0, SLACK_LIMITS.sectionFields);
}

function reasonBlock(facts: PipelineFacts): unknown | undefined {
  if (!facts.reason) return undefined;
  const label = facts.stage === 'rollback' ? 'Why it was rolled back' : 'Reason';
  // Code fences keep multi-line errors readable; the fence itself costs 8 characters.
  const body = truncate(escapeMrkdwn(facts.reason), SLACK_LIMITS.sectionText - label.length - 16);
  return { type: 'section', text: mrkdwn(`*${label}*\n\`\`\`${body}\`\`\``) };
}

/** Delivery health in one line, linking to the run whose summary carries the full section and chart. */
function deliveryHealthBlock(facts: PipelineFacts): unknown | undefined {
  if (!facts.deliveryHealth) return undefined;
  const where = facts.runUrl ? ` · ${link(facts.runUrl, 'delivery health in the run summary')}` : '';
  return {
    type: 'context',
    elements: [
      mrkdwn(
        truncate(
          `:bar_chart: ${escapeMrkdwn(truncate(facts.deliveryHealth, 1000))}${where}`,
          SLACK_LIMITS.sectionText,
        ),
      ),
    ],
  };
}

function progressLine(facts: PipelineFacts): string | undefined {
  // "Pipeline started" is the message itself; the line lists the stages.
  const stages = facts.progress.filter((p) => p.stage !== 'pipeline');
  if (stages.length === 0) return undefined;
  return stages.map((p) => `${statusEmoji(p.stage, p.status)} ${stageName(p.stage)}`).join('  →  ');
}

function contextBlock(facts: PipelineFacts): unknown {
  const parts = [
    facts.workflow
      ? `${escapeMrkdwn(facts.workflow)}${facts.runNumber ? ` #${facts.runNumber}` : ''}`
      : undefined,
    facts.runAttempt && facts.runAttempt !== '1' ? `attempt ${facts.runAttempt}` : undefined,
    facts.event
      ? `triggered by ${escapeMrkdwn(facts.event)}${facts.actor ? ` from ${escapeMrkdwn(facts.actor)}` : ''}`
      : undefined,
  ].filter(Boolean);
  return {
    type: 'context',
    elements: [mrkdwn(truncate(parts.join(' · ') || 'Paved', SLACK_LIMITS.sectionText))],
  };
}

function mentionBlock(facts: PipelineFacts): unknown | undefined {
  if (outcomeOf(facts.stage, facts.status) !== 'failure' || facts.mentions.length === 0) return undefined;
  return {
    type: 'section',
    text: mrkdwn(
      truncate(`:rotating_light: ${facts.mentions.join(' ')} please take a look`, SLACK_LIMITS.sectionText),
    ),
  };
}

function runButton(facts: PipelineFacts): unknown | undefined {
  if (!facts.runUrl) return undefined;
  const elements: unknown[] = [
    {
      type: 'button',
      text: { type: 'plain_text', text: 'View run', emoji: true },
      url: facts.runUrl,
      action_id: 'paved-view-run',
      ...(outcomeOf(facts.stage, facts.status) === 'failure' ? { style: 'danger' } : {}),
    },
  ];
  if (facts.prUrl)
    elements.push({
      type: 'button',
      text: { type: 'plain_text', text: `PR #${facts.prNumber}`, emoji: true },
      url: facts.prUrl,
      action_id: 'paved-view-pr',
    });
  if (facts.detailsUrl)
    elements.push({
      type: 'button',
      text: { type: 'plain_text', text: 'Test results', emoji: true },
      url: facts.detailsUrl,
      action_id: 'paved-view-tests',
    });
  elements.push({
    type: 'button',
    text: { type: 'plain_text', text: 'Commit', emoji: true },
    url: facts.commitUrl,
    action_id: 'paved-view-commit',
  });
  return { type: 'actions', elements };
}

/**
 * The run's message. The colour bar needs a (legacy) attachment; its blocks carry the content, and the
 * top-level text is the notification line.
 */
export function runMessage(facts: PipelineFacts): SlackMessage {
  const blocks = [
    { type: 'section', text: mrkdwn(truncate(titleLine(facts), SLACK_LIMITS.sectionText)) },
    progressLine(facts)
      ? {
          type: 'context',
          elements: [mrkdwn(truncate(progressLine(facts) as string, SLACK_LIMITS.sectionText))],
        }
      : undefined,
    { type: 'section', fields: factFields(facts) },
    reasonBlock(facts),
    deliveryHealthBlock(facts),
    mentionBlock(facts),
    runButton(facts),
    contextBlock(facts),
  ].filter((b) => b !== undefined);
  return {
    text: notificationText(facts),
    attachments: [
      { color: statusColor(facts.stage, facts.status), fallback: notificationText(facts), blocks },
    ],
  };
}

/** The thread reply for one stage: the headline, its numbers and the reason, compact. */
export function stageReply(facts: PipelineFacts): SlackMessage {
  const details = [
    // Time since the run started (started-at), not the stage's own duration, which no input carries.
    describeDuration(facts.durationMs) ? `${describeDuration(facts.durationMs)} into the run` : undefined,
    describeTests(facts.tests),
    facts.image ? `\`${escapeMrkdwn(truncate(facts.image, 500))}\`` : undefined,
    facts.jobName ? `job ${escapeMrkdwn(facts.jobName)}` : undefined,
  ].filter(Boolean);
  const lines = [
    `${statusEmoji(facts.stage, facts.status)} *${escapeMrkdwn(headline(facts))}*${details.length ? ` · ${details.join(' · ')}` : ''}`,
  ];
  if (facts.reason) lines.push(`> ${escapeMrkdwn(truncate(facts.reason, 2000)).replace(/\n/g, '\n> ')}`);
  const mention =
    outcomeOf(facts.stage, facts.status) === 'failure' && facts.mentions.length > 0
      ? facts.mentions.join(' ')
      : '';
  if (mention) lines.push(mention);
  const text = truncate(lines.join('\n'), SLACK_LIMITS.sectionText);
  return {
    text: truncate(
      `${statusEmoji(facts.stage, facts.status)} ${headline(facts)}${mention ? ` ${mention}` : ''}`,
      3000,
    ),
    blocks: [{ type: 'section', text: mrkdwn(text) }],
  };
}
