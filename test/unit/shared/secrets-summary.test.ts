import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  clearSecretsForTest,
  containsSecret,
  maskSecret,
  redact,
  redactUrl,
} from '../../../shared/secrets.js';
import { SummaryBuilder, codeBlock, details, markdownTable, tableCell } from '../../../shared/summary.js';
import { formatOutput, setOutput } from '../../../shared/outputs.js';
import { escapeCommandData } from '../../../shared/action.js';
import { formatDuration, parseDuration } from '../../../shared/duration.js';

afterEach(() => {
  clearSecretsForTest();
  vi.restoreAllMocks();
});

describe('maskSecret', () => {
  test('tells the runner with ::add-mask:: for the value, its lines, URL-encoding and base64', () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    maskSecret('p@ss word\nline2');
    const masks = out
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('::add-mask::'));
    expect(masks).toContain('::add-mask::p@ss word');
    expect(masks).toContain('::add-mask::line2');
    expect(masks).toContain(`::add-mask::${escapeCommandData(encodeURIComponent('p@ss word\nline2'))}`);
    expect(masks).toContain(`::add-mask::${Buffer.from('p@ss word\nline2').toString('base64')}`);
  });
  test('redact and containsSecret', () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    maskSecret('xoxb-123-abc');
    expect(redact('token xoxb-123-abc used')).toBe('token *** used');
    expect(containsSecret('a xoxb-123-abc b')).toBe(true);
    expect(containsSecret('nothing')).toBe(false);
  });
});

describe('redactUrl', () => {
  test.each([
    ['https://user:tok@git.example.com/org/repo.git', 'https://***:***@git.example.com/org/repo.git'],
    [
      'https://x.blob.core.windows.net/c/b?sig=abc&se=2026&comp=block',
      'https://x.blob.core.windows.net/c/b?sig=***&se=***&comp=block',
    ],
    ['https://hooks.slack.com/services/T000/B000/XXXXSECRET', 'https://hooks.slack.com/services/T000/***'],
    ['not a url', 'not a url'],
  ])('%s', (input, expected) => expect(redactUrl(input)).toBe(expected));
});

describe('outputs', () => {
  test('formatting', () => {
    expect(formatOutput(['a', 'b'])).toBe('a\nb');
    expect(formatOutput({ a: 1 })).toBe('{"a":1}');
    expect(formatOutput(3)).toBe('3');
    expect(formatOutput(false)).toBe('false');
  });
  test('written to GITHUB_OUTPUT; a secret is refused', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'paved-out-')), 'out');
    writeFileSync(file, '');
    process.env['GITHUB_OUTPUT'] = file;
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      setOutput('digest', 'sha256:abc');
      expect(readFileSync(file, 'utf8')).toMatch(
        /^digest<<ghadelimiter_[\w-]+\nsha256:abc\nghadelimiter_[\w-]+\n$/,
      );
      maskSecret('supersecret');
      expect(() => setOutput('leak', 'x supersecret')).toThrow(
        "Refusing to set output 'leak': its value contains a secret",
      );
    } finally {
      delete process.env['GITHUB_OUTPUT'];
    }
  });
});

describe('summary', () => {
  test('table cells escape pipes, HTML and newlines', () => {
    expect(tableCell('a|b <x>\nc')).toBe('a\\|b &lt;x&gt;<br>c');
    expect(markdownTable(['h1', 'h2'], [['1', '2']])).toBe('| h1 | h2 |\n| --- | --- |\n| 1 | 2 |');
  });
  test('code blocks use a fence longer than any backtick run inside', () => {
    expect(codeBlock('a ```` b')).toBe('`````\na ```` b\n`````');
  });
  test('details', () =>
    expect(details('<x>', 'body')).toBe('<details><summary>&lt;x&gt;</summary>\n\nbody\n\n</details>'));
  test('stays under the byte limit and says what was left out', () => {
    const builder = new SummaryBuilder(4096);
    let added = 0;
    for (let i = 0; i < 100; i++) if (builder.add(`section ${i} ${'x'.repeat(200)}`)) added++;
    const text = builder.toString();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
    expect(added).toBeGreaterThan(5);
    expect(builder.omittedSections).toBe(100 - added);
    expect(text).toContain(`${100 - added} more section(s) were left out`);
  });
  test('redacts registered secrets', () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    maskSecret('hunter22');
    const builder = new SummaryBuilder();
    builder.add('password is hunter22');
    expect(builder.toString()).toBe('password is ***\n\n');
  });
});

describe('durations', () => {
  test.each([
    [0, '0ms'],
    [340, '340ms'],
    [1500, '1.5s'],
    [72_000, '1m12s'],
    [3_600_000, '1h'],
    [5_430_000, '1h30m30s'],
  ])('formatDuration(%d) = %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
  test('round trip', () => expect(parseDuration(formatDuration(5_430_000))).toBe(5_430_000));
});
