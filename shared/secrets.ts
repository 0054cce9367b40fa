/**
 * Secret masking. Every secret is registered here before anything is logged: the runner is told with
 * `::add-mask::` (so it replaces the value with *** in the log), and Paved keeps its own list so that it
 * can redact text it writes to places the runner does not mask (summaries, reports, error messages) and
 * refuse to put a secret into an output.
 */
import { setSecret } from './workflow-commands.js';

const registered = new Set<string>();

/**
 * Mask a secret and the forms it is commonly leaked in: each line of a multi-line value, its
 * URL-encoding and its base64. Values shorter than 4 characters are masked but not redacted from our
 * own text (masking "a" would garble every message).
 */
export function maskSecret(value: string | undefined | null): void {
  if (!value) return;
  const variants = new Set<string>([value]);
  for (const line of value.split(/\r?\n/)) if (line.trim()) variants.add(line.trim());
  variants.add(encodeURIComponent(value));
  variants.add(Buffer.from(value, 'utf8').toString('base64'));
  for (const variant of variants) {
    setSecret(variant);
    if (variant.length >= 4) registered.add(variant);
  }
}

/** Replace every registered secret in `text` with `***`, longest first. */
export function redact(text: string): string {
  let result = text;
  for (const secret of [...registered].sort((a, b) => b.length - a.length)) {
    if (result.includes(secret)) result = result.split(secret).join('***');
  }
  return result;
}

/** Whether `text` contains any registered secret. */
export function containsSecret(text: string): boolean {
  for (const secret of registered) if (text.includes(secret)) return true;
  return false;
}

/** Forget every registered secret (tests only). */
export function clearSecretsForTest(): void {
  registered.clear();
}

const SENSITIVE_QUERY =
  /^(access_token|token|auth|key|sig|signature|password|secret|x-amz-signature|x-amz-credential|x-amz-security-token|sv|se)$/i;

/** A URL safe to log: userinfo and credential-like query parameters replaced by `***`. */
export function redactUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    return redact(String(input));
  }
  if (url.username) url.username = '***';
  if (url.password) url.password = '***';
  for (const key of [...url.searchParams.keys()])
    if (SENSITIVE_QUERY.test(key)) url.searchParams.set(key, '***');
  // Slack webhook URLs carry their secret in the path.
  if (url.hostname === 'hooks.slack.com')
    url.pathname = url.pathname.replace(/^(\/services\/[^/]+)\/.*$/, '$1/***');
  return redact(url.toString());
}
