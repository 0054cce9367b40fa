/**
 * The header `paved init` puts on each file it owns. It records the SHA-256 of everything below it, so
 * a re-run can tell a file nobody touched (safe to regenerate) from one someone edited (kept unless
 * --force). Comparing against a hash of the file's own body needs no state outside the repository.
 */
import { createHash } from 'node:crypto';

const MARKER = /paved-init-sha256: ([0-9a-f]{64})/;

export type CommentStyle = 'yaml' | 'markdown';

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `body` with a header naming who wrote it and the hash of `body`. */
export function withHeader(body: string, style: CommentStyle, writtenBy: string): string {
  const hash = `paved-init-sha256: ${sha256(body)}`;
  if (style === 'markdown') {
    return `<!-- Written by ${writtenBy}. paved init keeps your edits: it overwrites this file only with --force. ${hash} -->\n${body}`;
  }
  return `# Written by ${writtenBy}.\n# paved init keeps your edits: it overwrites this file only with --force. ${hash}\n${body}`;
}

export type HeaderState = 'untouched' | 'edited' | 'foreign';

/**
 * `untouched`: written by paved init and unchanged since; `edited`: written by paved init, changed since;
 * `foreign`: no paved init header (someone else's file).
 */
export function headerState(text: string): HeaderState {
  const match = MARKER.exec(text);
  if (!match) return 'foreign';
  const lineEnd = text.indexOf('\n', match.index);
  if (lineEnd < 0) return 'edited';
  return sha256(text.slice(lineEnd + 1)) === match[1] ? 'untouched' : 'edited';
}

/** The text below the header (the whole text when there is none). */
export function bodyOf(text: string): string {
  const match = MARKER.exec(text);
  if (!match) return text;
  const lineEnd = text.indexOf('\n', match.index);
  return lineEnd < 0 ? '' : text.slice(lineEnd + 1);
}
