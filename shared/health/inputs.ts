/**
 * Checks from action inputs, shared by `health-check` and `rollback`: each action reads its inputs (by
 * literal name, for the contract test) and hands the raw values here, where they are validated together
 * and turned into {@link HealthCheck}s. No network: Prometheus is asked only later, in the preflight.
 */
import { InputError, quote } from '../errors.js';
import type { CheckPolicy } from './analysis.js';
import {
  STATUS_FORMS,
  assertUniqueNames,
  headerMap,
  parseCheckList,
  parseConditionInput,
  parseJsonPathInput,
  parseMethod,
  parseProbeUrl,
  parseStatusMatcher,
  type CheckDefaults,
  type HealthCheck,
} from './checks.js';

export interface CheckInputValues {
  /** The `checks` list, already parsed from YAML/JSON. */
  checks?: unknown;
  urls: readonly string[];
  method: string;
  headers: Readonly<Record<string, string>>;
  expectedStatus: string;
  bodyContains?: string;
  jsonPath?: string;
  jsonEquals?: string;
  maxLatencyMs?: number;
  requestTimeoutMs: number;
  insecure: boolean;
  prometheusUrl?: URL;
  prometheusQuery?: string;
  prometheusCondition?: string;
  policy: CheckPolicy;
}

/** Build and validate every check; at least one is required. */
export function checksFromInputs(values: CheckInputValues, options: { required: boolean }): HealthCheck[] {
  const expectedStatus = parseStatusMatcher(values.expectedStatus);
  if (!expectedStatus) throw InputError.invalid('expected-status', values.expectedStatus, STATUS_FORMS);
  const defaults: CheckDefaults = {
    policy: values.policy,
    timeoutMs: values.requestTimeoutMs,
    method: parseMethod(values.method, "Input 'method'", 'method'),
    expectedStatus,
    headers: headerMap(values.headers, "Input 'headers'", 'headers'),
    insecure: values.insecure,
  };
  if ((values.jsonPath === undefined) !== (values.jsonEquals === undefined)) {
    throw InputError.conflict(
      values.jsonPath === undefined ? 'json-equals' : 'json-path',
      values.jsonPath === undefined ? 'json-path' : 'json-equals',
      'they go together: json-path selects a value (like $.status) and json-equals is what it must be (like ok)',
    );
  }
  const jsonPath =
    values.jsonPath === undefined
      ? undefined
      : parseJsonPathInput(values.jsonPath, "Input 'json-path'", 'json-path');
  const checks: HealthCheck[] = values.urls.map((raw) => {
    const url = parseProbeUrl(raw, "Input 'urls'", 'urls');
    return {
      kind: 'http',
      name: url,
      url,
      method: defaults.method,
      headers: defaults.headers,
      expectedStatus,
      bodyContains: values.bodyContains,
      jsonPath,
      jsonEquals: values.jsonEquals,
      maxLatencyMs: values.maxLatencyMs,
      timeoutMs: defaults.timeoutMs,
      insecure: defaults.insecure,
      policy: values.policy,
    };
  });
  if ((values.prometheusQuery === undefined) !== (values.prometheusCondition === undefined)) {
    throw InputError.conflict(
      values.prometheusQuery === undefined ? 'prometheus-condition' : 'prometheus-query',
      values.prometheusQuery === undefined ? 'prometheus-query' : 'prometheus-condition',
      'they go together, e.g. prometheus-query: sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m])) and prometheus-condition: \'< 0.01\'',
    );
  }
  if (values.prometheusQuery !== undefined && values.prometheusCondition !== undefined) {
    checks.push({
      kind: 'prometheus',
      name: 'prometheus-query',
      query: values.prometheusQuery,
      condition: parseConditionInput(
        values.prometheusCondition,
        "Input 'prometheus-condition'",
        'prometheus-condition',
      ),
      policy: values.policy,
    });
  }
  if (values.checks !== undefined) checks.push(...parseCheckList(values.checks, defaults, 'checks'));
  assertUniqueNames(checks, 'checks');
  if (options.required && checks.length === 0) {
    throw new InputError(
      'urls',
      "No checks to run: set 'urls' (HTTP probes), 'prometheus-query' with 'prometheus-condition', or a 'checks' list",
    );
  }
  const needsPrometheus = checks.find((c) => c.kind === 'prometheus');
  if (needsPrometheus && !values.prometheusUrl) {
    throw new InputError(
      'prometheus-url',
      `Input 'prometheus-url' is required by the Prometheus check ${quote(needsPrometheus.name)}; set it to your Prometheus, like http://prometheus.monitoring:9090`,
    );
  }
  return checks;
}
