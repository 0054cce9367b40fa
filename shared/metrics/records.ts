/**
 * How Paved records delivery events in the GitOps repository, so `paved metrics` can compute the DORA
 * measures from that repository alone: git trailers on the commits Paved writes (a deploy, a git-revert
 * rollback) and lines of a git note under `refs/notes/paved` for what writes no commit (a health verdict,
 * an Argo CD rollback). Both use the `Key: value` form of `git interpret-trailers`.
 */

/** The notes ref the health verdicts and Argo CD rollbacks are written to. */
export const NOTES_REF = 'refs/notes/paved';

/** Trailer and note keys, as written. Readers compare them case-insensitively, as git does. */
export const KEYS = {
  service: 'Paved-Service',
  environment: 'Paved-Environment',
  image: 'Paved-Image',
  sourceCommit: 'Paved-Source-Commit',
  sourceTime: 'Paved-Source-Time',
  run: 'Paved-Run',
  rollbackOf: 'Paved-Rollback-Of',
  reason: 'Paved-Reason',
  rollback: 'Paved-Rollback',
  restoredAt: 'Paved-Restored-At',
  health: 'Paved-Health',
  healthTime: 'Paved-Health-Time',
} as const;

/** What a deploy commit says about itself. */
export interface DeployTrailers {
  service: string;
  environment?: string;
  /** `name@sha256:…` when the digest is known, else the reference as deployed. */
  image: string;
  sourceCommit?: string;
  /** ISO 8601 with offset, e.g. 2026-03-01T10:00:00+01:00. */
  sourceTime?: string;
  runUrl?: string;
}

/** A trailer value is one line; longer text is cut so a commit message stays readable. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function block(entries: [string, string | undefined][]): string {
  return entries
    .filter((entry): entry is [string, string] => entry[1] !== undefined && oneLine(entry[1]) !== '')
    .map(([key, value]) => `${key}: ${oneLine(value, 500)}`)
    .join('\n');
}

/** The trailer block of a deploy commit (no trailing newline). */
export function deployTrailerBlock(trailers: DeployTrailers): string {
  return block([
    [KEYS.service, trailers.service],
    [KEYS.environment, trailers.environment],
    [KEYS.image, trailers.image],
    [KEYS.sourceCommit, trailers.sourceCommit],
    [KEYS.sourceTime, trailers.sourceTime],
    [KEYS.run, trailers.runUrl],
  ]);
}

/** The trailer block of a git-revert rollback commit. */
export function rollbackTrailerBlock(rolledBack: string, reason: string): string {
  return block([
    [KEYS.rollbackOf, rolledBack],
    [KEYS.reason, reason],
  ]);
}

/** Note lines for an Argo CD rollback of the deploy commit the note is attached to. */
export function argocdRollbackNote(reason: string, restoredAt: Date): string {
  return block([
    [KEYS.rollback, 'argocd'],
    [KEYS.reason, reason],
    [KEYS.restoredAt, isoWithOffset(restoredAt)],
  ]);
}

/** Note lines for a health verdict on the deploy commit the note is attached to. */
export function healthNote(verdict: 'healthy' | 'unhealthy', at: Date): string {
  return block([
    [KEYS.health, verdict],
    [KEYS.healthTime, isoWithOffset(at)],
  ]);
}

/**
 * Append a trailer block to a commit message, after a blank line, so it is the message's last paragraph
 * (where `git interpret-trailers` and `%(trailers)` look for trailers).
 */
export function withTrailers(message: string, trailers: string): string {
  if (!trailers) return message;
  return `${message.replace(/\s+$/, '')}\n\n${trailers}\n`;
}

/** `2026-03-01T10:00:00Z` (UTC; git and Date.parse read it back exactly). */
export function isoWithOffset(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** ISO 8601 with a time zone (Z or ±hh:mm), as `git log --format=%cI` prints and the trailers carry. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Seconds since the epoch of an ISO 8601 time with a zone; undefined for anything else. */
export function parseIsoTime(text: string | undefined): number | undefined {
  if (!text || !ISO_WITH_ZONE.test(text.trim())) return undefined;
  const ms = Date.parse(text.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

const TRAILER_KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/** Key/value lines (trailers or note lines) keyed by lower-cased key; blank and other lines are ignored. */
export function parseKeyValues(text: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    // indexOf and one small key test instead of a regex per line: 10,000 commits have 60,000 such lines.
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const rawKey = line.slice(0, colon);
    if (!TRAILER_KEY.test(rawKey)) continue;
    const key = rawKey.toLowerCase();
    const value = line.slice(colon + 1).trim();
    const values = result.get(key);
    if (values) values.push(value);
    else result.set(key, [value]);
  }
  return result;
}
