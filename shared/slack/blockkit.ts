/**
 * Block Kit validation for messages, with Slack's documented limits. The notify-slack action runs it
 * before sending (so a bad payload is refused locally with the path of the bad field, and nothing is
 * sent) and the Slack stand-in runs it on every message it receives (so it refuses what Slack refuses,
 * answering with Slack's own `invalid_blocks` shape).
 *
 * Limits: https://docs.slack.dev/reference/block-kit/blocks (per block type),
 * https://docs.slack.dev/reference/block-kit/composition-objects/text-object,
 * https://docs.slack.dev/reference/block-kit/block-elements and chat.postMessage
 * (https://docs.slack.dev/reference/methods/chat.postMessage: 50 blocks, 100 attachments; text over
 * 40,000 characters is truncated by Slack, not refused).
 */

/** Slack's documented message limits, named so messages and tests can quote them. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  attachmentsPerMessage: 100,
  /** Slack truncates longer top-level text rather than refusing it (changelog 2018-04, "truncating really long messages"). */
  messageText: 40_000,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  blockId: 255,
  actionId: 255,
  contextElements: 10,
  actionsElements: 25,
  imageUrl: 3000,
  altText: 2000,
  imageTitle: 2000,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  markdownText: 12_000,
  optionText: 75,
  optionValue: 150,
  overflowOptions: 5,
  selectOptions: 100,
} as const;

/** One reason a message would be refused. `path` addresses the field, e.g. `['blocks', 3, 'text', 'text']`. */
export interface BlockKitIssue {
  path: (string | number)[];
  /** What is wrong, without the path: `3,412 characters, the limit is 3,000`. */
  problem: string;
  /** Slack's own wording for the same problem, as it appears in `invalid_blocks` errors. */
  slackProblem: string;
  /** Which Slack error code the whole request fails with. */
  code:
    'invalid_blocks' | 'invalid_attachments' | 'too_many_attachments' | 'no_text' | 'invalid_blocks_format';
}

/** `blocks[3].text.text` */
export function formatPath(path: readonly (string | number)[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text ? `.${part}` : part;
  return text || '(message)';
}

/** `/blocks/3/text/text`, as Slack writes it in `[json-pointer:…]`. */
export function jsonPointer(path: readonly (string | number)[]): string {
  return `/${path.map((part) => String(part).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

/** `blocks[3].text.text: 3,412 characters, the limit is 3,000` */
export function describeIssue(issue: BlockKitIssue): string {
  return `${formatPath(issue.path)}: ${issue.problem}`;
}

/** Slack's error line: `must be less than 3001 characters [json-pointer:/blocks/3/text/text]` */
export function slackErrorLine(issue: BlockKitIssue): string {
  return `${issue.slackProblem} [json-pointer:${jsonPointer(issue.path)}]`;
}

const MESSAGE_BLOCK_TYPES = [
  'actions',
  'context',
  'divider',
  'file',
  'header',
  'image',
  'markdown',
  'rich_text',
  'section',
  'video',
] as const;
const ACTIONS_ELEMENTS = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'overflow',
  'radio_buttons',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'timepicker',
  'workflow_button',
]);
const SECTION_ACCESSORIES = new Set([...ACTIONS_ELEMENTS, 'image']);
const ATTACHMENT_COLORS = new Set(['good', 'warning', 'danger']);

const count = (n: number): string => n.toLocaleString('en-US');

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Walks one message, collecting issues. Each check adds at most one issue per field. */
class Checker {
  readonly issues: BlockKitIssue[] = [];
  constructor(private readonly code: BlockKitIssue['code']) {}

  add(
    path: (string | number)[],
    problem: string,
    slackProblem: string,
    code: BlockKitIssue['code'] = this.code,
  ): void {
    this.issues.push({ path, problem, slackProblem, code });
  }

  /** True when the field is absent; reported when it is required (the default). */
  absent(value: unknown, path: (string | number)[], required = true): value is undefined {
    if (value !== undefined) return false;
    if (required) this.add(path, 'is required', 'missing required field');
    return true;
  }

  /** A string of at most `max` characters; `min` 1 unless told. */
  string(
    value: unknown,
    path: (string | number)[],
    max: number,
    options: { required?: boolean; min?: number } = {},
  ): value is string {
    if (this.absent(value, path, options.required)) return false;
    if (typeof value !== 'string') {
      this.add(path, `must be a string, got ${typeof value}`, 'expected string');
      return false;
    }
    const length = [...value].length;
    const min = options.min ?? 1;
    if (length < min) {
      this.add(
        path,
        `is empty; it needs at least ${min} character${min === 1 ? '' : 's'}`,
        `must be more than ${min - 1} characters`,
      );
      return false;
    }
    if (length > max) {
      this.add(
        path,
        `${count(length)} characters, the limit is ${count(max)}`,
        `must be less than ${max + 1} characters`,
      );
      return false;
    }
    return true;
  }

  array(
    value: unknown,
    path: (string | number)[],
    max: number,
    what: string,
    options: { required?: boolean; min?: number } = {},
  ): value is unknown[] {
    if (this.absent(value, path, options.required)) return false;
    if (!Array.isArray(value)) {
      this.add(path, `must be an array, got ${typeof value}`, 'expected array');
      return false;
    }
    const min = options.min ?? 1;
    if (value.length < min) {
      this.add(
        path,
        `has ${value.length} ${what}; at least ${min} required`,
        `must provide at least ${min} items`,
      );
      return false;
    }
    if (value.length > max) {
      this.add(
        path,
        `${count(value.length)} ${what}, the limit is ${count(max)}`,
        `must provide no more than ${max} items`,
      );
      return false;
    }
    return true;
  }

  /** A text composition object. `plainOnly` for places Slack requires plain_text (header, button labels). */
  text(
    value: unknown,
    path: (string | number)[],
    max: number,
    options: { plainOnly?: boolean; required?: boolean } = {},
  ): void {
    if (this.absent(value, path, options.required)) return;
    if (!isObject(value)) {
      this.add(
        path,
        `must be a text object like {"type": "mrkdwn", "text": "…"}, got ${JSON.stringify(value)?.slice(0, 60)}`,
        'expected object',
      );
      return;
    }
    const type = value['type'];
    if (options.plainOnly && type !== 'plain_text') {
      this.add(
        [...path, 'type'],
        `must be "plain_text" here, got ${JSON.stringify(type)}`,
        'must be plain_text',
      );
    } else if (type !== 'plain_text' && type !== 'mrkdwn') {
      this.add(
        [...path, 'type'],
        `must be "plain_text" or "mrkdwn", got ${JSON.stringify(type)}`,
        'failed to match all allowed schemas',
      );
    }
    this.string(value['text'], [...path, 'text'], max);
    if (value['emoji'] !== undefined && type === 'mrkdwn') {
      this.add(
        [...path, 'emoji'],
        'is only allowed on plain_text',
        'emoji is not a valid key for mrkdwn text',
      );
    }
    if (value['verbatim'] !== undefined && type === 'plain_text') {
      this.add(
        [...path, 'verbatim'],
        'is only allowed on mrkdwn',
        'verbatim is not a valid key for plain_text text',
      );
    }
  }

  optionalId(value: unknown, path: (string | number)[], max: number): void {
    if (value !== undefined) this.string(value, path, max);
  }

  image(value: Json, path: (string | number)[]): void {
    if (value['slack_file'] === undefined)
      this.string(value['image_url'], [...path, 'image_url'], SLACK_LIMITS.imageUrl);
    else if (value['image_url'] !== undefined)
      this.add(
        [...path, 'image_url'],
        'cannot be used together with slack_file',
        'must provide exactly one of image_url or slack_file',
      );
    this.string(value['alt_text'], [...path, 'alt_text'], SLACK_LIMITS.altText);
  }

  element(value: unknown, path: (string | number)[], allowed: ReadonlySet<string>, where: string): void {
    if (!isObject(value)) {
      this.add(path, 'must be an element object', 'expected object');
      return;
    }
    const type = value['type'];
    if (typeof type !== 'string' || !allowed.has(type)) {
      this.add(
        [...path, 'type'],
        `${JSON.stringify(type)} is not allowed in ${where}; use one of ${[...allowed].sort().join(', ')}`,
        'failed to match all allowed schemas',
      );
      return;
    }
    this.optionalId(value['action_id'], [...path, 'action_id'], SLACK_LIMITS.actionId);
    switch (type) {
      case 'button':
        this.text(value['text'], [...path, 'text'], SLACK_LIMITS.buttonText, { plainOnly: true });
        if (value['url'] !== undefined) this.string(value['url'], [...path, 'url'], SLACK_LIMITS.buttonUrl);
        if (value['value'] !== undefined)
          this.string(value['value'], [...path, 'value'], SLACK_LIMITS.buttonValue);
        if (value['style'] !== undefined && value['style'] !== 'primary' && value['style'] !== 'danger') {
          this.add(
            [...path, 'style'],
            `must be "primary" or "danger", got ${JSON.stringify(value['style'])}`,
            'must be one of primary, danger',
          );
        }
        break;
      case 'image':
        this.image(value, path);
        break;
      case 'overflow':
        this.options(value['options'], [...path, 'options'], SLACK_LIMITS.overflowOptions, 2);
        break;
      case 'static_select':
      case 'multi_static_select':
        if (value['option_groups'] === undefined)
          this.options(value['options'], [...path, 'options'], SLACK_LIMITS.selectOptions, 1);
        break;
      case 'checkboxes':
      case 'radio_buttons':
        this.options(value['options'], [...path, 'options'], 10, 1);
        break;
      case 'workflow_button':
        this.text(value['text'], [...path, 'text'], SLACK_LIMITS.buttonText, { plainOnly: true });
        if (!isObject(value['workflow']))
          this.add([...path, 'workflow'], 'is required', 'missing required field');
        break;
      default:
        break;
    }
  }

  options(value: unknown, path: (string | number)[], max: number, min: number): void {
    if (!this.array(value, path, max, 'options', { min })) return;
    value.forEach((option, i) => {
      const at = [...path, i];
      if (!isObject(option)) return this.add(at, 'must be an option object', 'expected object');
      this.text(option['text'], [...at, 'text'], SLACK_LIMITS.optionText);
      this.string(option['value'], [...at, 'value'], SLACK_LIMITS.optionValue);
    });
  }

  block(value: unknown, path: (string | number)[]): void {
    if (!isObject(value)) {
      this.add(path, 'must be a block object like {"type": "section", …}', 'expected object');
      return;
    }
    const type = value['type'];
    if (typeof type !== 'string' || !(MESSAGE_BLOCK_TYPES as readonly string[]).includes(type)) {
      this.add(
        [...path, 'type'],
        `${JSON.stringify(type)} is not a block type messages accept; use one of ${MESSAGE_BLOCK_TYPES.join(', ')}`,
        'failed to match all allowed schemas',
      );
      return;
    }
    this.optionalId(value['block_id'], [...path, 'block_id'], SLACK_LIMITS.blockId);
    switch (type) {
      case 'section': {
        if (value['text'] === undefined && value['fields'] === undefined) {
          this.add(path, 'a section needs "text" or "fields"', 'must define either `text` or `fields`');
        }
        if (value['text'] !== undefined)
          this.text(value['text'], [...path, 'text'], SLACK_LIMITS.sectionText);
        if (
          value['fields'] !== undefined &&
          this.array(value['fields'], [...path, 'fields'], SLACK_LIMITS.sectionFields, 'fields')
        ) {
          value['fields'].forEach((field, i) =>
            this.text(field, [...path, 'fields', i], SLACK_LIMITS.sectionFieldText),
          );
        }
        if (value['accessory'] !== undefined)
          this.element(
            value['accessory'],
            [...path, 'accessory'],
            SECTION_ACCESSORIES,
            'a section accessory',
          );
        break;
      }
      case 'header':
        this.text(value['text'], [...path, 'text'], SLACK_LIMITS.headerText, { plainOnly: true });
        break;
      case 'context':
        if (this.array(value['elements'], [...path, 'elements'], SLACK_LIMITS.contextElements, 'elements')) {
          value['elements'].forEach((element, i) => {
            const at = [...path, 'elements', i];
            if (isObject(element) && element['type'] === 'image') this.image(element, at);
            else this.text(element, at, SLACK_LIMITS.sectionText);
          });
        }
        break;
      case 'actions':
        if (this.array(value['elements'], [...path, 'elements'], SLACK_LIMITS.actionsElements, 'elements')) {
          value['elements'].forEach((element, i) =>
            this.element(element, [...path, 'elements', i], ACTIONS_ELEMENTS, 'an actions block'),
          );
        }
        break;
      case 'image':
        this.image(value, path);
        if (value['title'] !== undefined)
          this.text(value['title'], [...path, 'title'], SLACK_LIMITS.imageTitle, { plainOnly: true });
        break;
      case 'markdown':
        this.string(value['text'], [...path, 'text'], SLACK_LIMITS.markdownText);
        break;
      case 'rich_text':
        this.array(value['elements'], [...path, 'elements'], Number.MAX_SAFE_INTEGER, 'elements');
        break;
      case 'video':
        for (const key of ['video_url', 'thumbnail_url', 'alt_text'] as const)
          this.string(value[key], [...path, key], 3000);
        this.text(value['title'], [...path, 'title'], 200, { plainOnly: true });
        break;
      case 'file':
        this.string(value['external_id'], [...path, 'external_id'], 255);
        if (value['source'] !== 'remote')
          this.add(
            [...path, 'source'],
            `must be "remote", got ${JSON.stringify(value['source'])}`,
            'must be remote',
          );
        break;
      default:
        break;
    }
  }

  blocks(value: unknown, path: (string | number)[]): void {
    if (!Array.isArray(value)) {
      this.add(
        path,
        `must be an array of blocks, got ${typeof value}`,
        'expected array',
        'invalid_blocks_format',
      );
      return;
    }
    if (value.length > SLACK_LIMITS.blocksPerMessage) {
      this.add(
        path,
        `${value.length} blocks, the limit is ${SLACK_LIMITS.blocksPerMessage}`,
        `must provide no more than ${SLACK_LIMITS.blocksPerMessage} items`,
      );
    }
    value.forEach((block, i) => this.block(block, [...path, i]));
  }
}

/** What a message carries that Slack validates: `text`, `blocks`, `attachments`. */
export interface MessageContent {
  text?: unknown;
  blocks?: unknown;
  attachments?: unknown;
  [key: string]: unknown;
}

/**
 * Every reason Slack would refuse this message, in document order. Empty when it would be accepted.
 * `requireContent` (default true) reports a message with no text, blocks or attachments, as Slack's
 * `no_text` does.
 */
export function validateMessage(
  message: MessageContent,
  options: { requireContent?: boolean } = {},
): BlockKitIssue[] {
  const issues: BlockKitIssue[] = [];
  const { text, blocks, attachments } = message;
  if (text !== undefined && typeof text !== 'string') {
    issues.push({
      path: ['text'],
      problem: `must be a string, got ${typeof text}`,
      slackProblem: 'expected string',
      code: 'invalid_blocks_format',
    });
  }
  if (blocks !== undefined) {
    const checker = new Checker('invalid_blocks');
    checker.blocks(blocks, ['blocks']);
    issues.push(...checker.issues);
  }
  if (attachments !== undefined) {
    const checker = new Checker('invalid_attachments');
    if (!Array.isArray(attachments)) {
      checker.add(
        ['attachments'],
        `must be an array of attachments, got ${typeof attachments}`,
        'expected array',
      );
    } else {
      if (attachments.length > SLACK_LIMITS.attachmentsPerMessage) {
        checker.add(
          ['attachments'],
          `${attachments.length} attachments, the limit is ${SLACK_LIMITS.attachmentsPerMessage}`,
          'too many attachments',
          'too_many_attachments',
        );
      }
      attachments.forEach((attachment, i) => {
        const at: (string | number)[] = ['attachments', i];
        if (!isObject(attachment)) return checker.add(at, 'must be an attachment object', 'expected object');
        const color = attachment['color'];
        if (
          color !== undefined &&
          (typeof color !== 'string' || !(ATTACHMENT_COLORS.has(color) || /^#?[0-9a-fA-F]{6}$/.test(color)))
        ) {
          checker.add(
            [...at, 'color'],
            `must be a hex colour like #2EB67D or good, warning, danger; got ${JSON.stringify(color)}`,
            'invalid color',
          );
        }
        if (attachment['blocks'] !== undefined) {
          const blockChecker = new Checker('invalid_attachments');
          blockChecker.blocks(attachment['blocks'], [...at, 'blocks']);
          checker.issues.push(...blockChecker.issues);
        }
      });
    }
    issues.push(...checker.issues);
  }
  const hasContent =
    (typeof text === 'string' && text.trim() !== '') ||
    (Array.isArray(blocks) && blocks.length > 0) ||
    (Array.isArray(attachments) && attachments.length > 0);
  if ((options.requireContent ?? true) && !hasContent && issues.length === 0) {
    issues.push({
      path: [],
      problem: 'has no text, blocks or attachments; Slack refuses an empty message',
      slackProblem: 'no_text',
      code: 'no_text',
    });
  }
  return issues;
}
