import { describe, expect, test } from 'vitest';
import { InputError } from '../../../shared/errors.js';
import { conditionHolds, parseCondition } from '../../../shared/health/condition.js';
import { parseJsonPath, selectJsonPath, jsonValueText } from '../../../shared/health/json-path.js';
import {
  parseCheckList,
  parseStatusMatcher,
  statusMatches,
  type CheckDefaults,
} from '../../../shared/health/checks.js';
import { clearSecretsForTest, redact } from '../../../shared/secrets.js';

describe('conditions', () => {
  test.each([
    ['< 0.01', 0.005, true],
    ['< 0.01', 0.01, false],
    ['<=0.01', 0.01, true],
    ['> 5', 6, true],
    ['>= 0.95', 0.9, false],
    ['== 0', 0, true],
    ['= 0', 0, true],
    ['!= 1', 1, false],
    ['< 1e-3', 0.0001, true],
    ['between 0.9 and 1', 0.95, true],
    ['between 0.9 and 1', 1.1, false],
    ['< 1', Number.NaN, false],
  ])('%s with %d → %s', (text, value, holds) => {
    const parsed = parseCondition(text);
    if ('error' in parsed) throw new Error(parsed.error);
    expect(conditionHolds(parsed, value)).toBe(holds);
  });

  test.each([
    ['0.01', 'it does not start with a comparison operator'],
    ['< abc', 'the threshold after the operator is not a number'],
    ['=< 1', 'the threshold after the operator is not a number'],
    ['<< 1', 'the threshold after the operator is not a number'],
    ['between 2 and 1', 'the range is empty: 2 is greater than 1'],
    ['', 'it does not start with a comparison operator'],
  ])('%j is refused: %s', (text, error) => {
    expect(parseCondition(text)).toEqual({ error });
  });
});

describe('JSON paths', () => {
  const doc = { status: 'ok', checks: [{ state: 'up' }, { state: 'down' }], 'db-ok': true, n: 3 };
  test.each([
    ['$.status', 'ok'],
    ['$.checks[1].state', 'down'],
    ["$['db-ok']", 'true'],
    ['$.n', '3'],
  ])('%s → %s', (path, expected) => {
    const parsed = parseJsonPath(path);
    if ('error' in parsed) throw new Error(parsed.error);
    const selected = selectJsonPath(doc, parsed);
    expect('value' in selected && jsonValueText(selected.value)).toBe(expected);
  });

  test('a missing step is named', () => {
    const parsed = parseJsonPath('$.checks[5].state');
    if ('error' in parsed) throw new Error(parsed.error);
    expect(selectJsonPath(doc, parsed)).toEqual({ missing: '$.checks[5]' });
  });

  test.each(['status', '$', '$..status', '$.checks[*]'])('%j is refused', (path) => {
    expect(parseJsonPath(path)).toHaveProperty('error');
  });
});

describe('status matchers', () => {
  test.each([
    ['200', 200, true],
    ['200', 204, false],
    ['200,204', 204, true],
    ['2xx', 299, true],
    ['2xx,304', 304, true],
    ['200-399', 302, true],
    ['200-399', 404, false],
  ])('%s matches %d: %s', (text, status, matches) => {
    const matcher = parseStatusMatcher(text);
    expect(matcher && statusMatches(matcher, status)).toBe(matches);
  });
  test.each(['ok', '6xx', '299-200', '99', '2000'])('%j is refused', (text) => {
    expect(parseStatusMatcher(text)).toBeUndefined();
  });
});

describe('the checks list', () => {
  const defaults: CheckDefaults = {
    policy: { failureLimit: 1, inconclusiveLimit: 0, consecutiveErrorLimit: 4, consecutiveSuccesses: 0 },
    timeoutMs: 10_000,
    method: 'GET',
    expectedStatus: parseStatusMatcher('2xx') as NonNullable<ReturnType<typeof parseStatusMatcher>>,
    headers: {},
    insecure: false,
  };

  test('mixes probes and queries, with per-check limits and masked header values', () => {
    clearSecretsForTest();
    const checks = parseCheckList(
      [
        {
          name: 'ready',
          url: 'http://127.0.0.1:1/healthz',
          'json-path': '$.status',
          'json-equals': 'ok',
          headers: { Authorization: 'Bearer s3cret-token' },
          'failure-limit': 3,
        },
        { query: 'sum(rate(errors[1m]))', condition: '< 0.01', 'consecutive-successes': 2 },
      ],
      defaults,
    );
    expect(checks.map((c) => [c.kind, c.name, c.policy.failureLimit, c.policy.consecutiveSuccesses])).toEqual(
      [
        ['http', 'ready', 3, 0],
        ['prometheus', 'query 2', 1, 2],
      ],
    );
    expect(redact('header Bearer s3cret-token')).toBe('header ***');
  });

  test.each([
    [
      { url: 'x', query: 'y' },
      "Input 'checks' item 1 must have exactly one of 'url' (HTTP probe) or 'query' (Prometheus)",
    ],
    [{ query: 'up' }, "Input 'checks' item 1: a query needs a 'condition'"],
    [
      { query: 'up', condition: 'less than 1' },
      `Input 'checks' item 1: 'condition' must be a comparison like '< 0.01'`,
    ],
    [{ url: 'ftp://x' }, "Input 'checks' item 1: 'url' must be an absolute http or https URL"],
    [{ url: 'http://x', 'json-path': '$.a' }, "'json-path' and 'json-equals' go together"],
    [
      { url: 'http://x', 'failure-limit': -1 },
      '\'failure-limit\' must be a whole number of at least 0; got "-1"',
    ],
    [{ url: 'http://x', 'expected-status': 'ok' }, "'expected-status' must be status codes"],
    [{ url: 'http://x', retries: 3 }, 'has unknown key "retries"'],
  ])('%j is refused', (item, message) => {
    expect(() => parseCheckList([item], defaults)).toThrow(InputError);
    expect(() => parseCheckList([item], defaults)).toThrow(message);
  });

  test('duplicate names are refused', () => {
    expect(() => parseCheckList([{ url: 'http://a/' }, { url: 'http://a/' }], defaults)).toThrow(
      'two checks named "http://a/"',
    );
  });
});
