import { describe, expect, test } from 'vitest';
import {
  describeIssue,
  jsonPointer,
  slackErrorLine,
  validateMessage,
} from '../../../shared/slack/blockkit.js';

const section = (text: string, type = 'mrkdwn'): unknown => ({ type: 'section', text: { type, text } });
const problems = (message: Record<string, unknown>): string[] => validateMessage(message).map(describeIssue);

describe('validateMessage', () => {
  test('accepts a typical pipeline message', () => {
    expect(
      validateMessage({
        text: 'Deploy failed',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Deploy failed', emoji: true } },
          section('*Commit* <https://x|abc>'),
          { type: 'section', fields: [{ type: 'mrkdwn', text: '*A*\n1' }] },
          {
            type: 'context',
            elements: [
              { type: 'mrkdwn', text: 'run 7' },
              { type: 'image', image_url: 'https://x/i.png', alt_text: 'logo' },
            ],
          },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                text: { type: 'plain_text', text: 'View run' },
                url: 'https://x',
                style: 'danger',
              },
            ],
          },
          { type: 'divider' },
        ],
        attachments: [{ color: '#E01E5A', blocks: [section('inside')] }],
      }),
    ).toEqual([]);
  });

  test('reports the path and the counts, as the issue shows', () => {
    const blocks = [section('a'), section('b'), section('c'), section('x'.repeat(3412))];
    expect(problems({ blocks })).toEqual(['blocks[3].text.text: 3,412 characters, the limit is 3,000']);
  });

  test.each([
    [
      'header must be plain_text',
      [{ type: 'header', text: { type: 'mrkdwn', text: 'x' } }],
      'blocks[0].text.type: must be "plain_text" here, got "mrkdwn"',
    ],
    [
      'header text over 150',
      [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
      'blocks[0].text.text: 151 characters, the limit is 150',
    ],
    ['section needs text or fields', [{ type: 'section' }], 'blocks[0]: a section needs "text" or "fields"'],
    [
      'more than 10 fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }],
      'blocks[0].fields: 11 fields, the limit is 10',
    ],
    [
      'field over 2000',
      [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }],
      'blocks[0].fields[0].text: 2,001 characters, the limit is 2,000',
    ],
    ['empty text', [section('')], 'blocks[0].text.text: is empty; it needs at least 1 character'],
    [
      'unknown text type',
      [section('x', 'markdown')],
      'blocks[0].text.type: must be "plain_text" or "mrkdwn", got "markdown"',
    ],
    [
      'input blocks are not for messages',
      [{ type: 'input', label: { type: 'plain_text', text: 'x' }, element: {} }],
      'blocks[0].type: "input" is not a block type messages accept',
    ],
    [
      'button label over 75',
      [
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'b'.repeat(76) } }],
        },
      ],
      'blocks[0].elements[0].text.text: 76 characters, the limit is 75',
    ],
    [
      'element not allowed in actions',
      [{ type: 'actions', elements: [{ type: 'image', image_url: 'https://x', alt_text: 'x' }] }],
      'blocks[0].elements[0].type: "image" is not allowed in an actions block',
    ],
    [
      'button style',
      [
        {
          type: 'actions',
          elements: [{ type: 'button', text: { type: 'plain_text', text: 'b' }, style: 'green' }],
        },
      ],
      'blocks[0].elements[0].style: must be "primary" or "danger", got "green"',
    ],
    [
      'context over 10 elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }],
      'blocks[0].elements: 11 elements, the limit is 10',
    ],
    [
      'image needs alt_text',
      [{ type: 'image', image_url: 'https://x/y.png' }],
      'blocks[0].alt_text: is required',
    ],
    [
      'block_id over 255',
      [{ type: 'divider', block_id: 'i'.repeat(256) }],
      'blocks[0].block_id: 256 characters, the limit is 255',
    ],
    [
      'emoji on mrkdwn',
      [{ type: 'section', text: { type: 'mrkdwn', text: 'x', emoji: true } }],
      'blocks[0].text.emoji: is only allowed on plain_text',
    ],
  ])('%s', (_name, blocks, expected) => {
    const found = problems({ blocks });
    expect(
      found.some((p) => p.startsWith(expected)),
      `${found.join('\n')}\n  does not contain\n${expected}`,
    ).toBe(true);
  });

  test('more than 50 blocks', () => {
    expect(problems({ blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) })).toEqual([
      'blocks: 51 blocks, the limit is 50',
    ]);
  });

  test('text over 40,000 characters passes: Slack truncates it rather than refusing', () => {
    expect(validateMessage({ text: 't'.repeat(40_001) })).toEqual([]);
  });

  test('blocks inside attachments are checked with their full path', () => {
    expect(problems({ attachments: [{ color: 'good', blocks: [section('y'.repeat(3001))] }] })).toEqual([
      'attachments[0].blocks[0].text.text: 3,001 characters, the limit is 3,000',
    ]);
    expect(problems({ attachments: [{ color: 'chartreuse', text: 'x' }] })[0]).toMatch(
      /^attachments\[0\]\.color: must be a hex colour/,
    );
  });

  test('an empty message is no_text; blocks that are not an array are invalid_blocks_format', () => {
    expect(validateMessage({}).map((i) => i.code)).toEqual(['no_text']);
    expect(validateMessage({ text: '  ' }).map((i) => i.code)).toEqual(['no_text']);
    expect(validateMessage({ blocks: { type: 'divider' } }).map((i) => i.code)).toEqual([
      'invalid_blocks_format',
    ]);
  });

  test("Slack's own error line carries a JSON pointer", () => {
    const [issue] = validateMessage({ blocks: [section('z'.repeat(3001))] });
    expect(issue && slackErrorLine(issue)).toBe(
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    );
    expect(jsonPointer(['a/b', 'c~d', 0])).toBe('/a~1b/c~0d/0');
  });

  test('counts characters, not UTF-16 code units (emoji count once)', () => {
    expect(
      problems({ blocks: [{ type: 'header', text: { type: 'plain_text', text: '🚀'.repeat(150) } }] }),
    ).toEqual([]);
  });
});
