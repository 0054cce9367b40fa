/**
 * Slack mrkdwn helpers. Slack reads `<…>` as links and mentions, so text from a commit message or an
 * error must have `&`, `<` and `>` escaped, or `<!channel>` in a commit would ping a whole channel.
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 */

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `<url|label>`; the label is escaped and may not contain `|`. */
export function link(url: string, label: string): string {
  return `<${url}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

/** Shorten to `max` characters (code points), ending in `…` when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * A mention in Slack's syntax from what a user writes: `U0123ABCD` or `<@U0123ABCD>` (a user),
 * `S0123ABCD` or `<!subteam^S0123ABCD>` (a user group), `@here`, `@channel`. Undefined when it is none of
 * these: Slack does not resolve `@name`, so sending it would silently mention nobody.
 */
export function slackMention(value: string): string | undefined {
  const v = value.trim();
  let m: RegExpMatchArray | null;
  if ((m = /^<?@?([UW][A-Z0-9]{6,})>?$/.exec(v))) return `<@${m[1]}>`;
  if ((m = /^(?:<!subteam\^)?(S[A-Z0-9]{6,})>?$/.exec(v))) return `<!subteam^${m[1]}>`;
  if ((m = /^<?[@!]?(here|channel|everyone)>?$/.exec(v))) return `<!${m[1]}>`;
  return undefined;
}
