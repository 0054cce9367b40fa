import { afterEach, describe, expect, test } from 'vitest';
import { getInputs, parseTimestamp } from '../../../actions/notify-slack/src/inputs.js';
import { InputError } from '../../../shared/errors.js';
import { InputReader } from '../../../shared/inputs.js';
import { clearSecretsForTest } from '../../../shared/secrets.js';

const TOKEN = 'xoxb-1111-2222-secretpart';
const HOOK = 'https://hooks.slack.com/services/T000/B000/verysecretpath';

function read(values: Record<string, string>): ReturnType<typeof getInputs> {
  return getInputs(new InputReader({ get: (name) => values[name] }));
}
function failure(values: Record<string, string>): InputError {
  try {
    read(values);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

afterEach(() => clearSecretsForTest());

describe('getInputs', () => {
  test('details-url must be an http(s) URL', () => {
    const base = { token: TOKEN, channel: '#deploys', status: 'success' };
    expect(read({ ...base, 'details-url': 'https://github.com/acme/api/pull/3#c1' }).detailsUrl).toBe(
      'https://github.com/acme/api/pull/3#c1',
    );
    expect(read(base).detailsUrl).toBeUndefined();
    const error = failure({ ...base, 'details-url': 'javascript:alert(1)' });
    expect(error.message).toContain("'details-url'");
    expect(error.message).toContain('"javascript:alert(1)"');
  });

  test('bot mode with defaults', () => {
    const inputs = read({ token: TOKEN, channel: '#deploys', status: 'started' });
    expect(inputs.transport).toEqual({
      kind: 'bot',
      token: TOKEN,
      apiUrl: 'https://slack.com/api/',
      channel: 'deploys',
    });
    expect(inputs).toMatchObject({
      stage: 'pipeline',
      status: 'started',
      when: 'always',
      threadReplies: true,
      failOnError: false,
      timeoutMs: 30_000,
    });
  });

  test('rotating tokens (xoxe.xoxb-…) are bot tokens too', () => {
    expect(read({ token: 'xoxe.xoxb-1-abcDEF', channel: 'C1', status: 'success' }).transport.kind).toBe(
      'bot',
    );
  });

  test('webhook mode', () => {
    expect(read({ 'webhook-url': HOOK, status: 'success' }).transport).toEqual({
      kind: 'webhook',
      url: HOOK,
    });
  });

  test.each([
    [{ status: 'success' }, 'token', /Give either input 'token'.*or input 'webhook-url'/],
    [
      { token: TOKEN, 'webhook-url': HOOK, channel: 'C1', status: 'success' },
      'token',
      /cannot be used together/,
    ],
    [{ token: TOKEN, status: 'success' }, 'channel', /Input 'channel' is required with 'token'/],
    [
      { token: TOKEN, channel: 'deploys', ts: '1732356000.123456', status: 'success' },
      'channel',
      /must be a channel ID like C0123ABCD when 'ts' is set/,
    ],
    [
      { token: TOKEN, channel: 'C0PAVED002', ts: 'yesterday', status: 'success' },
      'ts',
      /Slack message timestamp like 1732356000\.123456.*got "yesterday"/,
    ],
    [
      { 'webhook-url': HOOK, ts: '1732356000.123456', status: 'success' },
      'ts',
      /incoming webhooks cannot update/,
    ],
    [
      { 'webhook-url': HOOK, channel: 'x', status: 'success' },
      'channel',
      /always posts to the channel it was created for/,
    ],
    [{ token: TOKEN, channel: 'C1' }, 'status', /Input 'status' is required/],
    [{ token: TOKEN, channel: 'C1', status: 'done' }, 'status', /one of 'started', 'success'.*got "done"/],
    [{ token: TOKEN, channel: 'C1', status: 'success', stage: 'ship' }, 'stage', /got "ship"/],
    [
      { token: TOKEN, channel: 'C1', status: 'success', mention: '@alice' },
      'mention',
      /user IDs \(U0123ABCD\).*got "@alice"/,
    ],
    [
      { token: TOKEN, channel: 'C1', status: 'success', 'tests-failed': '-1' },
      'tests-failed',
      /whole number of at least 0/,
    ],
    [{ token: TOKEN, channel: 'C1', status: 'success', 'started-at': 'noon' }, 'started-at', /ISO 8601/],
    [
      { token: TOKEN, channel: 'C1', status: 'success', progress: 'build=ok' },
      'progress',
      /stage=status pairs/,
    ],
    [
      { token: TOKEN, channel: 'C1', status: 'success', payload: '{}', 'payload-file': 'x.json' },
      'payload',
      /inline or in a file/,
    ],
    [{ token: TOKEN, channel: 'C1', payload: '{}', when: 'failure' }, 'when', /needs input 'status'/],
    [{ token: TOKEN, channel: 'C1', status: 'success', matrix: '[1]' }, 'matrix', /JSON object/],
    [{ token: TOKEN, channel: 'C1', status: 'success', timeout: 'soon' }, 'timeout', /duration/],
    [
      { token: TOKEN, channel: 'C1', status: 'success', 'fail-on-error': 'maybe' },
      'fail-on-error',
      /true or false/,
    ],
  ])('%j → error on %s', (values, input, message) => {
    const error = failure(values);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
  });

  test('never quotes a secret, even a malformed one', () => {
    const badToken = 'ghp_notaslacktoken1234';
    expect(failure({ token: badToken, channel: 'C1', status: 'success' }).message).not.toContain('notaslack');
    const badHook = 'hooks.slack.com/services/T/B/secretsecret';
    expect(failure({ 'webhook-url': badHook, status: 'success' }).message).not.toContain('secretsecret');
  });

  test('mentions become Slack syntax', () => {
    expect(
      read({
        token: TOKEN,
        channel: 'C1',
        status: 'failure',
        mention: 'U0123ABCD, <@W0123ABCD>\nS0123ABCD\n@here',
      }).mentions,
    ).toEqual(['<@U0123ABCD>', '<@W0123ABCD>', '<!subteam^S0123ABCD>', '<!here>']);
  });

  test.each([
    ['2026-11-23T10:00:00Z', Date.UTC(2026, 10, 23, 10)],
    ['1795392000', 1_795_392_000_000],
    ['1795392000.5', 1_795_392_000_500],
    ['1795392000123', 1_795_392_000_123],
    ['tomorrow', undefined],
  ])('started-at %s', (text, ms) => {
    expect(parseTimestamp(text)).toBe(ms);
  });
});
