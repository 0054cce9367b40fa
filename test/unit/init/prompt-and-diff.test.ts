import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { unifiedDiff } from '../../../cli/init/diff.js';
import { bodyOf, headerState, withHeader } from '../../../cli/init/header.js';
import { terminalAsker } from '../../../cli/init/prompt.js';
import { checkServiceName } from '../../../cli/init/values.js';

function streams(answers: string): { input: PassThrough; output: PassThrough; written: () => string } {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  input.end(answers);
  return { input, output, written: () => text };
}

describe('terminal prompts', () => {
  test('an empty answer takes the suggestion', async () => {
    const s = streams('\n');
    const asker = terminalAsker(s.input, s.output);
    expect(await asker.ask('Service name', 'orders', checkServiceName)).toBe('orders');
    asker.close();
    expect(s.written()).toBe('Service name [orders]: ');
  });

  test('an invalid answer is explained and asked again', async () => {
    const s = streams('Orders!\nbilling-api\n');
    const asker = terminalAsker(s.input, s.output);
    expect(await asker.ask('Service name', undefined, checkServiceName)).toBe('billing-api');
    asker.close();
    expect(s.written()).toContain('invalid service name "Orders!": use a DNS-1123 label');
  });

  test('three invalid answers give up with the last problem', async () => {
    const s = streams('A\nB\nC\n');
    const asker = terminalAsker(s.input, s.output);
    await expect(asker.ask('Service name', undefined, checkServiceName)).rejects.toThrow(
      'invalid service name "C"',
    );
    asker.close();
  });

  test('input that ends before an answer is an error, not a hang', async () => {
    const s = streams('');
    const asker = terminalAsker(s.input, s.output);
    await expect(asker.ask('Registry', undefined, () => undefined)).rejects.toThrow(
      'no answer for "Registry" (input ended)',
    );
    asker.close();
  });
});

describe('generated-file header', () => {
  test('untouched, edited and foreign files are told apart', () => {
    const text = withHeader('a: 1\n', 'yaml', 'paved init (test)');
    expect(headerState(text)).toBe('untouched');
    expect(bodyOf(text)).toBe('a: 1\n');
    expect(headerState(`${text}b: 2\n`)).toBe('edited');
    expect(headerState(text.replace('a: 1', 'a: 2'))).toBe('edited');
    expect(headerState('a: 1\n')).toBe('foreign');
    const markdown = withHeader('# Title\n', 'markdown', 'paved init (test)');
    expect(markdown).toMatch(
      /^<!-- Written by paved init \(test\)\. .* paved-init-sha256: [0-9a-f]{64} -->\n# Title\n$/,
    );
    expect(headerState(markdown)).toBe('untouched');
  });
});

describe('unified diff', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paved-diff-'));
  const lines = (n: number, f: (i: number) => string): string =>
    Array.from({ length: n }, (_, i) => `${f(i)}\n`).join('');
  const cases: Array<[string, string, string]> = [
    [
      'one change in the middle',
      lines(20, (i) => `line ${i}`),
      lines(20, (i) => (i === 10 ? 'changed' : `line ${i}`)),
    ],
    [
      'two distant changes make two hunks',
      lines(30, (i) => `l${i}`),
      lines(30, (i) => (i === 2 || i === 25 ? `x${i}` : `l${i}`)),
    ],
    ['insertions and deletions', 'a\nb\nc\nd\n', 'a\nc\nd\ne\nf\n'],
    ['appended at the end', 'a\nb\n', 'a\nb\nc\n'],
    ['emptied', 'a\nb\n', ''],
  ];
  test.each(cases)('%s: the same hunks as diff -u', (_, before, after) => {
    writeFileSync(join(dir, 'a'), before);
    writeFileSync(join(dir, 'b'), after);
    const expected = spawnSync('diff', ['-u', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' }).stdout;
    const hunks = (text: string): string => text.split('\n').slice(2).join('\n');
    expect(hunks(unifiedDiff('f', before, after))).toBe(hunks(expected));
  });
  test('a new file diffs against /dev/null; equal texts give nothing', () => {
    expect(unifiedDiff('x.yml', undefined, 'a\nb\n')).toBe(
      '--- /dev/null\n+++ b/x.yml\n@@ -0,0 +1,2 @@\n+a\n+b\n',
    );
    expect(unifiedDiff('x.yml', 'same\n', 'same\n')).toBe('');
  });
  test('cleanup', () => rmSync(dir, { recursive: true, force: true }));
});
