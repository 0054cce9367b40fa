import { describe, expect, test } from 'vitest';
import { InputReader, inputEnvName, splitList, type InputSource } from '../../../shared/inputs.js';
import { InputError } from '../../../shared/errors.js';

const source = (values: Record<string, string>): InputSource => ({ get: (name) => values[name] });
const reader = (values: Record<string, string>) => new InputReader(source(values));
const errorOf = (fn: () => unknown): InputError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
};

describe('inputEnvName', () => {
  test.each([
    ['timeout', 'INPUT_TIMEOUT'],
    ['gitops-repo', 'INPUT_GITOPS-REPO'],
    ['my input', 'INPUT_MY_INPUT'],
  ])('%s -> %s', (name, env) => expect(inputEnvName(name)).toBe(env));
});

describe('string', () => {
  test('required and missing names the input', () => {
    expect(errorOf(() => reader({}).string('gitops-repo', { required: true })).message).toBe(
      "Input 'gitops-repo' is required but was not supplied; set it under 'with:' in the step",
    );
  });
  test('whitespace-only counts as absent', () => {
    expect(reader({ a: '   ' }).string('a')).toBeUndefined();
    expect(reader({ a: '  ' }).string('a', { default: 'x' })).toBe('x');
  });
  test('trims unless asked not to', () => {
    expect(reader({ a: ' v ' }).string('a')).toBe('v');
    expect(reader({ a: ' v \n' }).string('a', { trim: false })).toBe(' v \n');
  });
  test('pattern mismatch shows the accepted form', () => {
    expect(
      errorOf(() =>
        reader({ name: 'Bad_Name' }).string('name', {
          pattern: /^[a-z-]+$/,
          accepted: 'a DNS label like my-app',
        }),
      ).message,
    ).toBe(`Input 'name' must be a DNS label like my-app; got "Bad_Name"`);
  });
});

describe('enum', () => {
  test.each([
    ['gitops', 'gitops'],
    ['api', 'api'],
  ])('accepts %s', (value, expected) =>
    expect(reader({ mode: value }).enum('mode', ['gitops', 'api'] as const)).toBe(expected),
  );
  test('refuses others, listing the choices', () => {
    expect(errorOf(() => reader({ mode: 'GitOps' }).enum('mode', ['gitops', 'api'] as const)).message).toBe(
      `Input 'mode' must be one of 'gitops', 'api'; got "GitOps"`,
    );
  });
  test('default when absent', () =>
    expect(reader({}).enum('mode', ['gitops', 'api'] as const, { default: 'gitops' })).toBe('gitops'));
});

describe('integer', () => {
  test.each([
    ['0', 0],
    ['42', 42],
    ['-3', -3],
    ['+7', 7],
  ])('%s -> %d', (value, expected) => expect(reader({ n: value }).integer('n')).toBe(expected));
  test.each(['4.5', '1e3', '1_000', 'ten', '0x10', '99999999999999999999'])('refuses %s', (value) => {
    expect(errorOf(() => reader({ n: value }).integer('n')).message).toBe(
      `Input 'n' must be a whole number; got ${JSON.stringify(value)}`,
    );
  });
  test('bounds appear in the message', () => {
    expect(errorOf(() => reader({ retries: '11' }).integer('retries', { min: 0, max: 10 })).message).toBe(
      `Input 'retries' must be a whole number from 0 to 10; got "11"`,
    );
    expect(errorOf(() => reader({ n: '0' }).integer('n', { min: 1 })).message).toContain('of at least 1');
  });
});

describe('number', () => {
  test.each([
    ['80', 80],
    ['80.5', 80.5],
    ['.5', 0.5],
  ])('%s -> %d', (value, expected) =>
    expect(reader({ c: value }).number('c', { min: 0, max: 100 })).toBe(expected),
  );
  test.each(['80%', 'abc', '101'])('refuses %s', (value) => {
    expect(errorOf(() => reader({ c: value }).number('c', { min: 0, max: 100 })).message).toBe(
      `Input 'c' must be a number from 0 to 100; got ${JSON.stringify(value)}`,
    );
  });
});

describe('duration', () => {
  test.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1.5s', 1500],
    ['0', 0],
  ])('%s -> %d ms', (value, ms) => expect(reader({ t: value }).duration('t')).toBe(ms));
  test('the default is written as in action.yml', () =>
    expect(reader({}).duration('t', { default: '5m' })).toBe(300_000));
  test.each(['five', '5', '5 m', 'm5', '-1s', ''])('refuses %j', (value) => {
    if (value === '') {
      expect(reader({ t: value }).duration('t')).toBeUndefined();
      return;
    }
    expect(errorOf(() => reader({ timeout: value }).duration('timeout')).message).toBe(
      `Input 'timeout' must be a duration like 30s, 5m or 1h30m; got ${JSON.stringify(value)}`,
    );
  });
  test('bounds', () => {
    expect(errorOf(() => reader({ t: '2h' }).duration('t', { maxMs: 3_600_000 })).message).toBe(
      `Input 't' must be at most 3600000ms; got "2h"`,
    );
  });
});

describe('boolean', () => {
  test('absent optional input means its default (unlike core.getBooleanInput)', () => {
    expect(reader({}).boolean('cache', { default: true })).toBe(true);
    expect(reader({}).boolean('cache', { default: false })).toBe(false);
  });
  test.each([
    ['true', true],
    ['True', true],
    ['yes', true],
    ['1', true],
    ['false', false],
    ['off', false],
    ['0', false],
  ])('%s -> %s', (value, expected) =>
    expect(reader({ b: value }).boolean('b', { default: !expected })).toBe(expected),
  );
  test('refuses others', () => {
    expect(errorOf(() => reader({ cache: 'maybe' }).boolean('cache', { default: true })).message).toBe(
      `Input 'cache' must be true or false; got "maybe"`,
    );
  });
});

describe('list', () => {
  test.each([
    ['a,b, c', ['a', 'b', 'c']],
    ['a\nb\n\n c ', ['a', 'b', 'c']],
    ['# comment\na,b\nc', ['a,b', 'c']],
    ['  # only comments\n', []],
    ['x', ['x']],
  ])('%j', (value, expected) => expect(splitList(value)).toEqual(expected));
  test('commas off keeps them', () =>
    expect(reader({ l: 'type=semver,pattern=x' }).list('l', { commas: false })).toEqual([
      'type=semver,pattern=x',
    ]));
  test('required and empty', () =>
    expect(() => reader({ l: '# nothing' }).list('l', { required: true })).toThrow(InputError));
});

describe('map', () => {
  test('pairs, values may contain =', () => {
    expect(reader({ m: 'A=1\nB=x=y\n# c\nC=' }).map('m')).toEqual({ A: '1', B: 'x=y', C: '' });
  });
  test('malformed entry', () => {
    expect(errorOf(() => reader({ 'build-args': 'NOEQUALS' }).map('build-args')).message).toBe(
      `Input 'build-args' must be key=value pairs, one per line, like NODE_ENV=production; got "NOEQUALS"`,
    );
  });
  test('duplicate key', () => {
    expect(errorOf(() => reader({ m: 'A=1\nA=2' }).map('m')).message).toBe(
      `Input 'm' sets 'A' twice; got "A=2"`,
    );
  });
});

describe('url', () => {
  test('accepts https', () =>
    expect(reader({ u: 'https://cd.example.com/x' }).url('u')?.host).toBe('cd.example.com'));
  test.each(['cd.example.com', 'ftp://x', 'http//x'])('refuses %s', (value) => {
    expect(
      errorOf(() => reader({ server: value }).url('server', { example: 'https://argocd.example.com' }))
        .message,
    ).toBe(
      `Input 'server' must be an absolute https or http URL like https://argocd.example.com; got ${JSON.stringify(value)}`,
    );
  });
  test('protocol list', () => {
    expect(errorOf(() => reader({ u: 'http://x' }).url('u', { protocols: ['https:'] })).message).toContain(
      'an absolute https URL',
    );
  });
});

describe('object', () => {
  test('JSON object', () => expect(reader({ o: '{"a":1}' }).object('o')).toEqual({ a: 1 }));
  test('YAML through the passed parser', () => {
    const parseYaml = (text: string) =>
      Object.fromEntries(text.split('\n').map((l) => l.split(': ') as [string, string]));
    expect(reader({ o: 'a: 1' }).object('o', { parseYaml })).toEqual({ a: '1' });
  });
  test('not an object', () => {
    expect(errorOf(() => reader({ payload: '[1]' }).object('payload')).message).toBe(
      `Input 'payload' must be a JSON object; got "[1]"`,
    );
    expect(errorOf(() => reader({ payload: '{oops' }).object('payload')).message).toMatch(
      /^Input 'payload' must be a JSON object \(.+\); got "\{oops"$/,
    );
  });
});

describe('yamlObject', () => {
  const loader = () => {
    const loads: string[] = [];
    const loadYaml = async () => {
      loads.push('yaml');
      return (text: string): unknown => {
        if (!text.includes(': ')) throw new Error('bad indentation\nat line 1');
        return Object.fromEntries(text.split('\n').map((l) => l.split(': ') as [string, string]));
      };
    };
    return { loads, loadYaml };
  };
  test('absent or JSON: the YAML parser is never loaded', async () => {
    const { loads, loadYaml } = loader();
    expect(await reader({}).yamlObject('o', { loadYaml })).toBeUndefined();
    expect(await reader({ o: '[{"a":1}]' }).yamlObject('o', { loadYaml, arrayAllowed: true })).toEqual([
      { a: 1 },
    ]);
    expect(loads).toEqual([]);
  });
  test('YAML: loaded once needed, and its errors name the input', async () => {
    const { loads, loadYaml } = loader();
    expect(await reader({ o: 'a: 1' }).yamlObject('o', { loadYaml })).toEqual({ a: '1' });
    expect(loads).toEqual(['yaml']);
    await expect(reader({ o: 'oops' }).yamlObject('o', { loadYaml })).rejects.toThrow(
      `Input 'o' must be a JSON or YAML object (bad indentation); got "oops"`,
    );
  });
  test('JSON that is not an object, and a missing required input', async () => {
    const { loadYaml } = loader();
    await expect(reader({ o: '[1]' }).yamlObject('o', { loadYaml })).rejects.toThrow(
      `Input 'o' must be a JSON or YAML object; got "[1]"`,
    );
    await expect(reader({}).yamlObject('o', { loadYaml, required: true })).rejects.toThrow(InputError);
  });
});

describe('secret', () => {
  test('masks before returning and records it', () => {
    const masked: string[] = [];
    const r = reader({ token: 's3cr3t' });
    expect(r.secret('token', (v) => masked.push(v), { required: true })).toBe('s3cr3t');
    expect(masked).toEqual(['s3cr3t']);
    expect(r.secrets).toEqual(['s3cr3t']);
  });
  test('missing required secret does not mask anything', () => {
    const masked: string[] = [];
    expect(() => reader({}).secret('token', (v) => masked.push(v), { required: true })).toThrow(
      "Input 'token' is required",
    );
    expect(masked).toEqual([]);
  });
});

test('long values are shortened in messages', () => {
  const long = 'x'.repeat(500);
  expect(errorOf(() => reader({ n: long }).integer('n')).message.length).toBeLessThan(300);
});
