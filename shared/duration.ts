/** Durations as people write them in workflow files: `30s`, `5m`, `1h30m`, `250ms`, `0`. */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Milliseconds in `text`, or undefined when it is not a duration. A bare `0` is zero. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (value === '0') return 0;
  if (!DURATION.test(value)) return undefined;
  let total = 0;
  for (const match of value.matchAll(PART))
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  return Math.round(total);
}

/** `1h2m3.4s` style, for logs: the largest units first, no zero parts; under a second as `340ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return `${ms}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  const parts: string[] = [];
  if (hours) parts.push(`${hours}h`);
  if (minutes) parts.push(`${minutes}m`);
  if (seconds || parts.length === 0)
    parts.push(`${hours || minutes ? Math.round(seconds) : Number(seconds.toFixed(1))}s`);
  return parts.join('');
}
