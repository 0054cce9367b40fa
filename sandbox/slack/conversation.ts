/**
 * What the Slack stand-in records: channels, messages (with their edits) and thread replies, plus every
 * request it answered. Written to a JSON file after each change so `paved sandbox slack --show` can print
 * it from another process.
 */

export interface RecordedChannel {
  id: string;
  name: string;
}

export interface MessageContentSnapshot {
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

export interface RecordedMessage extends MessageContentSnapshot {
  channel: string;
  ts: string;
  /** Set on thread replies: the ts of the parent message. */
  threadTs?: string;
  /** `bot` for chat.postMessage, `webhook` for incoming webhooks. */
  via: 'bot' | 'webhook';
  /** Who posted it: the bot user, or the webhook's id. */
  postedBy: string;
  /** Earlier versions, oldest first; the message itself holds the current one. */
  edits: (MessageContentSnapshot & { editedAt: string })[];
  postedAt: string;
}

export interface RecordedRequest {
  at: string;
  /** `chat.postMessage`, `webhook`, … */
  endpoint: string;
  status: number;
  /** Slack's error code when the request was refused. */
  error?: string;
}

export interface Conversation {
  team: { id: string; name: string };
  channels: RecordedChannel[];
  messages: RecordedMessage[];
  requests: RecordedRequest[];
}

/** The top-level messages of a channel (not thread replies), oldest first. */
export function topLevelMessages(conversation: Conversation, channel: string): RecordedMessage[] {
  return conversation.messages.filter((m) => m.channel === channel && m.threadTs === undefined);
}

/** Replies in the thread under `ts`, oldest first. */
export function threadReplies(conversation: Conversation, channel: string, ts: string): RecordedMessage[] {
  return conversation.messages.filter((m) => m.channel === channel && m.threadTs === ts);
}
