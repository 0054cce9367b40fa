/**
 * Deployment environments ("Using environments for deployment"): a job's `environment:` (a name, or
 * `name` and `url`, both expressions) selects the environment's `vars` and `secrets` — over the
 * repository's, as on GitHub — and, for a protected environment, waits for an approval first.
 *
 * The environments themselves come from the local settings file (`.github/paved.yml`, read by the CLI);
 * a name that is not configured behaves like one GitHub creates on first use: unprotected, no vars or
 * secrets of its own.
 */
import { asString, evaluateToken, interpolate, type ExpressionScope, type Value } from './expressions.js';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';

/** One environment as configured for local runs. */
export interface EnvironmentSettings {
  /** Jobs that use it wait for an approval (`--approve <name>` or a prompt). */
  protected?: boolean;
  /** Who may approve (shown in the prompt); a non-empty list also makes the environment protected. */
  reviewers?: string[];
  /** The environment URL when the job gives none. */
  url?: string;
  vars?: Record<string, string>;
  /** Already resolved values; masked in every log line. */
  secrets?: Record<string, string>;
}

/** A job's environment once its name is known. */
export interface JobEnvironment {
  name: string;
  settings: EnvironmentSettings;
  /** The `url:` of the job (evaluated when the job ends, so it can use step outputs), or undefined. */
  url: TemplateToken | undefined;
}

export function isProtected(settings: EnvironmentSettings): boolean {
  return settings.protected === true || (settings.reviewers?.length ?? 0) > 0;
}

/** Resolve `jobs.<id>.environment` with the job's scope; undefined when the job has none. */
export function jobEnvironment(
  token: TemplateToken | undefined,
  scope: ExpressionScope,
  configured: Record<string, EnvironmentSettings> | undefined,
): JobEnvironment | undefined {
  if (!token) return undefined;
  let nameValue: Value;
  let url: TemplateToken | undefined;
  if (token instanceof MappingToken) {
    nameValue = evaluateToken(token.find('name'), scope);
    url = token.find('url');
  } else nameValue = evaluateToken(token, scope);
  const name = asString(nameValue).trim();
  // An expression that yields an empty name means "no environment", as on GitHub.
  if (!name) return undefined;
  // GitHub's environment names are case-insensitive.
  const key = Object.keys(configured ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
  return { name, settings: (key && configured?.[key]) || {}, url };
}

/** The environment URL at the end of the job: the job's `url:` (with step outputs), else the configured one. */
export function environmentUrl(environment: JobEnvironment, scope: ExpressionScope): string | undefined {
  const value = environment.url ? asString(evaluateToken(environment.url, scope)) : '';
  if (value) return value;
  return environment.settings.url
    ? asString(interpolate(environment.settings.url, scope)) || undefined
    : undefined;
}

/** How to get past a protected environment, for the message of a job that was not approved. */
export function approvalHint(name: string): string {
  return `pass --approve ${/^[\w.-]+$/.test(name) ? name : JSON.stringify(name)} to approve it (or run paved run on a terminal to be asked)`;
}
