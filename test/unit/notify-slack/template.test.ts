import { describe, expect, test } from 'vitest';
import { fillPayload, fillString } from '../../../actions/notify-slack/src/template.js';
import { InputError } from '../../../shared/errors.js';

const values = {
  repo: 'acme/api',
  'pr.number': undefined,
  'run.url': 'https://gh/run?a=1&b=2',
  reason: 'x < y & <!channel>',
};

describe('placeholders', () => {
  test.each([
    ['{{ repo }}', 'acme/api'],
    ['{{repo}} and {{  repo  }}', 'acme/api and acme/api'],
    ['PR {{ pr.number | "none" }}', 'PR none'],
    ['PR {{ pr.number }}!', 'PR !'],
    ['literal \\{{ repo }}', 'literal {{ repo }}'],
    ['${ repo } stays', '${ repo } stays'],
    ['fallback with \\"quotes\\": {{ pr.number | "say \\"hi\\"" }}', 'fallback with \\"quotes\\": say "hi"'],
  ])('%s → %s', (template, expected) => {
    expect(fillString(template, values, true, 'payload', 'text')).toBe(expected);
  });

  test('values are escaped for mrkdwn, so a commit cannot ping a channel', () => {
    expect(fillString('{{ reason }}', values, true, 'payload', 'text')).toBe(
      'x &lt; y &amp; &lt;!channel&gt;',
    );
  });

  test('URL fields keep & and friends', () => {
    const filled = fillPayload(
      {
        blocks: [{ type: 'actions', elements: [{ url: '{{ run.url }}', text: { text: '{{ run.url }}' } }] }],
      },
      values,
      'payload',
    ) as {
      blocks: { elements: { url: string; text: { text: string } }[] }[];
    };
    expect(filled.blocks[0]?.elements[0]?.url).toBe('https://gh/run?a=1&b=2');
    expect(filled.blocks[0]?.elements[0]?.text.text).toBe('https://gh/run?a=1&amp;b=2');
  });

  test('a value cannot change the payload structure', () => {
    const filled = fillPayload({ text: '{{ reason }}"}, "x": {"' }, { reason: '"]}' }, 'payload');
    expect(filled).toEqual({ text: '"]}"}, "x": {"' });
  });

  test('an unknown name is an InputError naming the input, the path and the known names', () => {
    let caught: unknown;
    try {
      fillPayload({ blocks: [{ text: { text: 'hi {{ repository }}' } }] }, values, 'payload-file');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as Error).message).toMatch(
      /^Input 'payload-file' uses an unknown placeholder \{\{ repository \}\} at blocks\[0\]\.text\.text; known names: .*repo/,
    );
  });
});
