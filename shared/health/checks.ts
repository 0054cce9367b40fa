/**
 * What a health check is: an HTTP(S) probe or a Prometheus query with a condition, each with its own
 * limits. Both actions build these from their inputs (the `checks:` list, or the one-line shortcuts), and
 * everything is validated here, before any request is made.
 */
import { InputError, quote } from '../errors.js';
import { parseDuration } from '../duration.js';
import { maskSecret } from '../secrets.js';
import type { CheckPolicy } from './analysis.js';
import { CONDITION_FORMS, parseCondition, type Condition } from './condition.js';
import { parseJsonPath, type JsonPath } from './json-path.js';

/** Which statuses count as up: exact codes and inclusive ranges. */
export interface StatusMatcher {
  ranges: readonly (readonly [number, number])[];
  text: string;
}

export interface HttpCheck {
  kind: 'http';
  name: string;
  url: string;
  method: string;
  /** Header values are registered as secrets when parsed: they are often tokens. */
  headers: Readonly<Record<string, string>>;
  expectedStatus: StatusMatcher;
  bodyContains?: string;
  jsonPath?: JsonPath;
  /** The value the JSON path must equal, compared as text (`ok`, `true`, `3`). */
  jsonEquals?: string;
  maxLatencyMs?: number;
  timeoutMs: number;
  insecure: boolean;
  policy: CheckPolicy;
}

export interface PrometheusCheck {
  kind: 'prometheus';
  name: string;
  query: string;
  condition: Condition;
  policy: CheckPolicy;
}

export type HealthCheck = HttpCheck | PrometheusCheck;

/** The one-line description of what a check looks at, for summaries. */
export function describeCheck(check: HealthCheck): string {
  if (check.kind === 'prometheus') return `${check.query} ${check.condition.text}`;
  const parts = [`${check.method} ${check.url}`, `status ${check.expectedStatus.text}`];
  if (check.bodyContains !== undefined) parts.push(`body contains ${JSON.stringify(check.bodyContains)}`);
  if (check.jsonPath) parts.push(`${check.jsonPath.text} == ${JSON.stringify(check.jsonEquals)}`);
  if (check.maxLatencyMs !== undefined) parts.push(`latency ≤ ${check.maxLatencyMs}ms`);
  return parts.join(', ');
}

export const STATUS_FORMS = "status codes and ranges like '200', '200,204', '200-299' or '2xx'";

/** Parse `200`, `200,204`, `200-299`, `2xx`, or a mix. */
export function parseStatusMatcher(text: string): StatusMatcher | undefined {
  const ranges: [number, number][] = [];
  const items = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) return undefined;
  for (const item of items) {
    let match: RegExpExecArray | null;
    if ((match = /^([1-5])xx$/i.exec(item))) {
      const base = Number(match[1]) * 100;
      ranges.push([base, base + 99]);
    } else if ((match = /^(\d{3})-(\d{3})$/.exec(item))) {
      const low = Number(match[1]);
      const high = Number(match[2]);
      if (low > high || low < 100 || high > 599) return undefined;
      ranges.push([low, high]);
    } else if (/^\d{3}$/.test(item) && Number(item) >= 100 && Number(item) <= 599) {
      ranges.push([Number(item), Number(item)]);
    } else {
      return undefined;
    }
  }
  return { ranges, text: items.join(',') };
}

export function statusMatches(matcher: StatusMatcher, status: number): boolean {
  return matcher.ranges.some(([low, high]) => status >= low && status <= high);
}

/** Defaults applied to every check that does not set its own (the action's top-level inputs). */
export interface CheckDefaults {
  policy: CheckPolicy;
  timeoutMs: number;
  method: string;
  expectedStatus: StatusMatcher;
  headers: Readonly<Record<string, string>>;
  insecure: boolean;
}

const HTTP_KEYS = new Set([
  'name',
  'url',
  'method',
  'headers',
  'expected-status',
  'body-contains',
  'json-path',
  'json-equals',
  'max-latency',
  'timeout',
  'insecure',
]);
const PROMETHEUS_KEYS = new Set(['name', 'query', 'condition']);
const POLICY_KEYS = new Set([
  'failure-limit',
  'inconclusive-limit',
  'consecutive-error-limit',
  'consecutive-successes',
]);

/**
 * Parse the `checks:` input (already parsed from YAML/JSON into a value) into checks. `input` names the
 * action input in errors, and each error says which item and which key is wrong.
 */
export function parseCheckList(value: unknown, defaults: CheckDefaults, input = 'checks'): HealthCheck[] {
  if (!Array.isArray(value)) {
    throw new InputError(
      input,
      `Input '${input}' must be a YAML list of checks, each with 'url' or 'query'; got ${quote(JSON.stringify(value))}`,
    );
  }
  const checks = value.map((item, index) => parseCheckItem(item, index, defaults, input));
  assertUniqueNames(checks, input);
  return checks;
}

function parseCheckItem(item: unknown, index: number, defaults: CheckDefaults, input: string): HealthCheck {
  const where = `Input '${input}' item ${index + 1}`;
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new InputError(
      input,
      `${where} must be a mapping with 'url' (HTTP probe) or 'query' (Prometheus); got ${quote(JSON.stringify(item))}`,
    );
  }
  const fields = item as Record<string, unknown>;
  const isHttp = 'url' in fields;
  const isPrometheus = 'query' in fields;
  if (isHttp === isPrometheus) {
    throw new InputError(
      input,
      `${where} must have exactly one of 'url' (HTTP probe) or 'query' (Prometheus); got keys ${quote(Object.keys(fields).join(', '))}`,
    );
  }
  const allowed = isHttp ? HTTP_KEYS : PROMETHEUS_KEYS;
  for (const key of Object.keys(fields)) {
    if (!allowed.has(key) && !POLICY_KEYS.has(key)) {
      const accepted = [...allowed, ...POLICY_KEYS].join(', ');
      throw new InputError(
        input,
        `${where} has unknown key ${quote(key)}; a ${isHttp ? 'probe' : 'query'} accepts ${accepted}`,
      );
    }
  }
  const text = (key: string): string | undefined => {
    const v = fields[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'object')
      throw new InputError(
        input,
        `${where}: '${key}' must be a single value; got ${quote(JSON.stringify(v))}`,
      );
    return String(v);
  };
  const integer = (key: string, fallback: number, min: number): number => {
    const v = text(key);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v.trim()) || Number(v) < min) {
      throw new InputError(
        input,
        `${where}: '${key}' must be a whole number of at least ${min}; got ${quote(v)}`,
      );
    }
    return Number(v);
  };
  const policy: CheckPolicy = {
    failureLimit: integer('failure-limit', defaults.policy.failureLimit, 0),
    inconclusiveLimit: integer('inconclusive-limit', defaults.policy.inconclusiveLimit, 0),
    consecutiveErrorLimit: integer('consecutive-error-limit', defaults.policy.consecutiveErrorLimit, 0),
    consecutiveSuccesses: integer('consecutive-successes', defaults.policy.consecutiveSuccesses, 0),
  };
  const name = text('name');
  if (isPrometheus) {
    const query = text('query')?.trim();
    if (!query) throw new InputError(input, `${where}: 'query' is empty; give a PromQL expression`);
    const conditionText = text('condition');
    if (conditionText === undefined) {
      throw new InputError(input, `${where}: a query needs a 'condition', ${CONDITION_FORMS}`);
    }
    const condition = parseConditionInput(conditionText, `${where}: 'condition'`, input);
    return { kind: 'prometheus', name: name ?? `query ${index + 1}`, query, condition, policy };
  }
  const url = parseProbeUrl(text('url') ?? '', `${where}: 'url'`, input);
  const headersValue = fields['headers'];
  let headers: Record<string, string> = { ...defaults.headers };
  if (headersValue !== undefined && headersValue !== null) {
    if (typeof headersValue !== 'object' || Array.isArray(headersValue)) {
      throw new InputError(input, `${where}: 'headers' must be a mapping of header name to value`);
    }
    headers = {
      ...headers,
      ...headerMap(headersValue as Record<string, unknown>, `${where}: 'headers'`, input),
    };
  }
  const statusText = text('expected-status');
  const expectedStatus = statusText === undefined ? defaults.expectedStatus : parseStatusMatcher(statusText);
  if (!expectedStatus)
    throw new InputError(
      input,
      `${where}: 'expected-status' must be ${STATUS_FORMS}; got ${quote(statusText ?? '')}`,
    );
  const jsonPathText = text('json-path');
  const jsonEquals = text('json-equals');
  if ((jsonPathText === undefined) !== (jsonEquals === undefined)) {
    throw new InputError(
      input,
      `${where}: 'json-path' and 'json-equals' go together, e.g. json-path: $.status and json-equals: ok`,
    );
  }
  const jsonPath =
    jsonPathText === undefined ? undefined : parseJsonPathInput(jsonPathText, `${where}: 'json-path'`, input);
  const latency = text('max-latency');
  const timeout = text('timeout');
  const insecure = text('insecure');
  if (insecure !== undefined && !/^(true|false)$/.test(insecure)) {
    throw new InputError(input, `${where}: 'insecure' must be true or false; got ${quote(insecure)}`);
  }
  return {
    kind: 'http',
    name: name ?? url,
    url,
    method: parseMethod(text('method') ?? defaults.method, `${where}: 'method'`, input),
    headers,
    expectedStatus,
    bodyContains: text('body-contains'),
    jsonPath,
    jsonEquals,
    maxLatencyMs:
      latency === undefined ? undefined : parseDurationInput(latency, `${where}: 'max-latency'`, input),
    timeoutMs:
      timeout === undefined ? defaults.timeoutMs : parseDurationInput(timeout, `${where}: 'timeout'`, input),
    insecure: insecure === undefined ? defaults.insecure : insecure === 'true',
    policy,
  };
}

/** Check names must be unique: the report, timeline and limits are keyed by them. */
export function assertUniqueNames(checks: readonly HealthCheck[], input: string): void {
  const seen = new Set<string>();
  for (const check of checks) {
    if (seen.has(check.name)) {
      throw new InputError(
        input,
        `Input '${input}' has two checks named ${quote(check.name)}; give each a distinct 'name'`,
      );
    }
    seen.add(check.name);
  }
}

/** A condition from an input, or an InputError quoting it and showing the accepted forms. */
export function parseConditionInput(text: string, what: string, input: string): Condition {
  const parsed = parseCondition(text);
  if ('error' in parsed) {
    throw new InputError(input, `${what} must be ${CONDITION_FORMS}; got ${quote(text)} (${parsed.error})`);
  }
  return parsed;
}

export function parseJsonPathInput(text: string, what: string, input: string): JsonPath {
  const parsed = parseJsonPath(text);
  if ('error' in parsed) {
    throw new InputError(
      input,
      `${what} must be a JSON path like $.status or $.checks[0].state; got ${quote(text)} (${parsed.error})`,
    );
  }
  return parsed;
}

export function parseProbeUrl(text: string, what: string, input: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new InputError(
      input,
      `${what} must be an absolute http or https URL like https://app.example.com/healthz; got ${quote(text)}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(
      input,
      `${what} must be an absolute http or https URL like https://app.example.com/healthz; got ${quote(text)}`,
    );
  }
  if (url.password) maskSecret(url.password);
  return url.toString();
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function parseMethod(text: string, what: string, input: string): string {
  const method = text.trim().toUpperCase();
  if (!METHODS.includes(method))
    throw new InputError(input, `${what} must be one of ${METHODS.join(', ')}; got ${quote(text)}`);
  return method;
}

function parseDurationInput(text: string, what: string, input: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new InputError(input, `${what} must be a duration like 500ms, 2s or 1m; got ${quote(text)}`);
  return ms;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Header values are masked: probes often carry a token, and the timeline must never show it. */
export function headerMap(
  value: Record<string, unknown>,
  what: string,
  input: string,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value)) {
    if (!HEADER_NAME.test(key))
      throw new InputError(input, `${what} has an invalid header name ${quote(key)}`);
    const text = raw === null || raw === undefined ? '' : String(raw);
    maskSecret(text);
    headers[key.toLowerCase()] = text;
  }
  return headers;
}
