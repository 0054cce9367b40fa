/**
 * The recorded Slack conversation as text a person can read: channels, each message with its blocks
 * flattened to lines (links as `label (url)`, mentions as `@name`), edits counted, thread replies indented.
 */
import type { Conversation, RecordedMessage } from './conversation.js';
import { threadReplies, topLevelMessages } from './conversation.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Slack mrkdwn to plain text: `<url|label>` → `label (url)`, `<@U1>` → `@U1`, entities decoded. */
export function mrkdwnToText(text: string): string {
  return text
    .replace(/<([^<>|]+)\|([^<>]+)>/g, (_all, target: string, label: string) =>
      target.startsWith('!') || target.startsWith('@') ? label : `${label} (${target})`,
    )
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<!subteam\^([A-Z0-9]+)>/g, '@$1')
    .replace(/<!(here|channel|everyone)>/g, '@$1')
    .replace(/<(https?:[^<>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function textOf(value: unknown): string {
  return isObject(value) && typeof value['text'] === 'string' ? mrkdwnToText(value['text']) : '';
}

/** One block as lines. */
export function renderBlock(block: unknown): string[] {
  if (!isObject(block)) return [];
  const elements = Array.isArray(block['elements']) ? block['elements'] : [];
  switch (block['type']) {
    case 'header':
      return [`== ${textOf(block['text'])} ==`];
    case 'section': {
      const lines = block['text'] ? textOf(block['text']).split('\n') : [];
      if (Array.isArray(block['fields']))
        for (const field of block['fields'])
          lines.push(
            ...textOf(field)
              .split('\n')
              .map((l, i) => (i === 0 ? `• ${l}` : `  ${l}`)),
          );
      if (isObject(block['accessory']) && block['accessory']['type'] === 'button')
        lines.push(renderButton(block['accessory']));
      return lines;
    }
    case 'context':
      return [
        elements
          .map((e) =>
            isObject(e) && e['type'] === 'image' ? `[image: ${String(e['alt_text'] ?? '')}]` : textOf(e),
          )
          .join('  ·  '),
      ];
    case 'actions':
      return [
        elements
          .map((e) =>
            isObject(e) && e['type'] === 'button'
              ? renderButton(e)
              : `[${String(isObject(e) ? e['type'] : '?')}]`,
          )
          .join('  '),
      ];
    case 'divider':
      return ['────────'];
    case 'image':
      return [`[image: ${String(block['alt_text'] ?? '')}]`];
    case 'markdown':
      return typeof block['text'] === 'string' ? block['text'].split('\n') : [];
    case 'rich_text':
      return [richText(block)];
    default:
      return [`[${String(block['type'])} block]`];
  }
}

function renderButton(button: Json): string {
  const url = typeof button['url'] === 'string' ? ` → ${button['url']}` : '';
  return `[ ${textOf(button['text'])} ]${url}`;
}

function richText(node: unknown): string {
  if (!isObject(node)) return '';
  if (typeof node['text'] === 'string') return node['text'];
  if (node['type'] === 'link' && typeof node['url'] === 'string') return node['url'];
  if (node['type'] === 'user') return `@${String(node['user_id'])}`;
  return Array.isArray(node['elements']) ? node['elements'].map(richText).join('') : '';
}

const COLOR_NAMES: Record<string, string> = { good: 'green', warning: 'amber', danger: 'red' };

/** A message body: its blocks (or text when it has none), then each attachment behind a colour bar. */
export function renderMessageBody(message: {
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
}): string[] {
  const lines: string[] = [];
  if (message.blocks && message.blocks.length > 0)
    for (const block of message.blocks) lines.push(...renderBlock(block));
  else if (message.text) lines.push(...mrkdwnToText(message.text).split('\n'));
  for (const attachment of message.attachments ?? []) {
    if (!isObject(attachment)) continue;
    const color = typeof attachment['color'] === 'string' ? attachment['color'] : '';
    lines.push(`┃ (${COLOR_NAMES[color] ?? (color || 'no colour')})`);
    const inner: string[] = [];
    if (Array.isArray(attachment['blocks']))
      for (const block of attachment['blocks']) inner.push(...renderBlock(block));
    else if (typeof attachment['text'] === 'string')
      inner.push(...mrkdwnToText(attachment['text']).split('\n'));
    lines.push(...inner.map((line) => `┃ ${line}`));
  }
  return lines;
}

function time(ts: string): string {
  const date = new Date(Number(ts) * 1000);
  return Number.isNaN(date.getTime()) ? ts : date.toISOString().slice(11, 19);
}

function header(message: RecordedMessage): string {
  const who = message.via === 'webhook' ? `webhook ${message.postedBy}` : `bot ${message.postedBy}`;
  const edited = message.edits.length > 0 ? `  (edited ${message.edits.length}×)` : '';
  return `[${time(message.ts)}] ${who}  ts=${message.ts}${edited}`;
}

/** The whole conversation, channel by channel. */
export function renderConversation(conversation: Conversation): string {
  const out: string[] = [`Slack stand-in — workspace ${conversation.team.name} (${conversation.team.id})`];
  let any = false;
  for (const channel of conversation.channels) {
    const messages = topLevelMessages(conversation, channel.id);
    if (messages.length === 0) continue;
    any = true;
    out.push(
      '',
      `#${channel.name} (${channel.id}) — ${messages.length} message${messages.length === 1 ? '' : 's'}`,
    );
    for (const message of messages) {
      out.push('', header(message), ...renderMessageBody(message).map((line) => `  ${line}`));
      const replies = threadReplies(conversation, channel.id, message.ts);
      if (replies.length > 0)
        out.push(`  └ ${replies.length} thread repl${replies.length === 1 ? 'y' : 'ies'}:`);
      for (const reply of replies) {
        out.push(`    ↳ ${header(reply)}`, ...renderMessageBody(reply).map((line) => `      ${line}`));
      }
    }
  }
  if (!any) out.push('', '(no messages yet)');
  const refused = conversation.requests.filter((r) => r.error);
  if (refused.length > 0) {
    out.push('', `${refused.length} refused request${refused.length === 1 ? '' : 's'}:`);
    for (const r of refused) out.push(`  ${r.at.slice(11, 19)} ${r.endpoint} → ${r.status} ${r.error}`);
  }
  return out.join('\n');
}
