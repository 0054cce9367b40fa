import { describe, expect, it } from 'vitest';
import {
  expandMatrix,
  expandMatrixLegs,
  jobDisplayName,
  legLabel,
  MatrixError,
} from '../../../engine/matrix.js';

describe('expandMatrix', () => {
  it('builds the product with the first key varying slowest', () => {
    expect(expandMatrix({ os: ['a', 'b'], node: [1, 2] })).toEqual([
      { os: 'a', node: 1 },
      { os: 'a', node: 2 },
      { os: 'b', node: 1 },
      { os: 'b', node: 2 },
    ]);
  });

  it('follows the documented include example exactly', () => {
    const legs = expandMatrix({
      fruit: ['apple', 'pear'],
      animal: ['cat', 'dog'],
      include: [
        { color: 'green' },
        { color: 'pink', animal: 'cat' },
        { fruit: 'apple', shape: 'circle' },
        { fruit: 'banana' },
        { fruit: 'banana', animal: 'cat' },
      ],
    });
    expect(legs).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' },
    ]);
  });

  it.each([
    [
      'partial exclude',
      { os: ['a', 'b'], v: [1, 2], exclude: [{ os: 'a' }] },
      [
        { os: 'b', v: 1 },
        { os: 'b', v: 2 },
      ],
    ],
    [
      'exclude by whole object value',
      { cfg: [{ x: 1 }, { x: 2 }], exclude: [{ cfg: { x: 1 } }] },
      [{ cfg: { x: 2 } }],
    ],
    ['include only', { include: [{ a: 1 }, { a: 2, b: 3 }] }, [{ a: 1 }, { a: 2, b: 3 }]],
    [
      'include after exclude',
      { v: [1, 2], exclude: [{ v: 1 }], include: [{ v: 1, extra: true }] },
      [{ v: 2 }, { v: 1, extra: true }],
    ],
    ['no matrix', undefined, [{}]],
  ])('%s', (_name, matrix, expected) => {
    expect(expandMatrix(matrix as never)).toEqual(expected);
  });

  it.each([
    [{ os: [] }, "Matrix vector 'os' does not contain any values"],
    [{ os: 'linux' }, "Matrix vector 'os' must be a sequence"],
    [{ v: [1], exclude: [{ v: 1 }] }, 'no combinations left'],
    [{ v: [1, 2], exclude: [{ w: 1 }] }, "Matrix exclude key 'w' does not match any key within the matrix"],
    [{ v: [1, 2], exclude: [{}] }, 'Matrix exclude filter must not be empty'],
    [{ v: [1, 2], include: [{}] }, 'Matrix include mapping does not contain any values'],
    [
      { a: Array.from({ length: 17 }, (_, i) => i), b: Array.from({ length: 16 }, (_, i) => i) },
      'at most 256',
    ],
  ])('rejects %j', (matrix, message) => {
    expect(() => expandMatrix(matrix as never)).toThrow(MatrixError);
    expect(() => expandMatrix(matrix as never)).toThrow(message);
  });

  // MatrixBuilder.CreateConfiguration names a leg from every scalar leaf (nested ones too), skipping
  // empty values.
  it('labels legs with the scalar leaves of their values in order', () => {
    expect(legLabel({ os: 'ubuntu', node: 20, cfg: { a: 1, b: [true, null, ''] } })).toBe(
      'ubuntu, 20, 1, true',
    );
  });

  // actions/runner src/Sdk/WorkflowParser/Conversion/MatrixBuilder.cs: MatrixFilter turns each leaf of
  // an include/exclude entry into `matrix.<path> == <literal>` and a combination matches when all hold.
  it.each([
    [
      'an object exclude matches partially inside the object',
      {
        cfg: [
          { std: 20, opt: 'O2' },
          { std: 17, opt: 'O2' },
          { std: 20, opt: 'O0' },
        ],
        exclude: [{ cfg: { std: 20 } }],
      },
      [{ cfg: { std: 17, opt: 'O2' } }],
    ],
    [
      'an array exclude compares element by element',
      { args: [['-a', '-b'], ['-c']], exclude: [{ args: ['-a'] }] },
      [{ args: ['-c'] }],
    ],
    [
      'exclude compares with the expression == (case-insensitive, numbers equal numeric strings)',
      { os: ['Ubuntu', 'macos'], node: ['18', '20'], exclude: [{ os: 'ubuntu', node: 20 }] },
      [
        { os: 'Ubuntu', node: '18' },
        { os: 'macos', node: '18' },
        { os: 'macos', node: '20' },
      ],
    ],
    [
      'an include matches partially inside an object and adds its extras',
      { cfg: [{ std: 20, opt: 'O2' }, { std: 17 }], include: [{ cfg: { std: 20 }, big: true }] },
      [{ cfg: { std: 20, opt: 'O2' }, big: true }, { cfg: { std: 17 } }],
    ],
    [
      'an unmatched include is appended with its matrix keys first',
      { os: ['linux'], include: [{ extra: 1, os: 'bsd' }] },
      [{ os: 'linux' }, { os: 'bsd', extra: 1 }],
    ],
  ])('%s', (_name, matrix, expected) => {
    expect(expandMatrix(matrix as never)).toEqual(expected);
  });

  it('names legs after their matrix values, not the values include adds', () => {
    const legs = expandMatrixLegs({
      os: ['linux', 'mac'],
      include: [{ os: 'linux', experimental: true }, { os: 'bsd' }],
    });
    expect(legs.map((leg) => legLabel(leg.nameValues))).toEqual(['linux', 'mac', 'bsd']);
    expect(legs[0]?.values).toEqual({ os: 'linux', experimental: true });
  });
});

// actions/runner src/Sdk/WorkflowParser/Conversion/JobNameBuilder.cs
describe('jobDisplayName', () => {
  const x = (n: number): string => 'x'.repeat(n);
  it.each([
    ['name alone without values', 'build', {}, 'build'],
    ['values in parentheses', 'build', { os: 'linux', node: 20 }, 'build (linux, 20)'],
    ['no parentheses when every value is empty', 'build', { flavour: '', extra: null }, 'build'],
    ['exactly 100 characters kept', x(100), {}, x(100)],
    ['101 characters cut to 97 and ...', x(101), {}, `${x(97)}...`],
    ['the cut can fall inside the values', x(90), { os: 'ubuntu-latest' }, `${x(90)} (ubunt...`],
  ])('%s', (_, name, leg, expected) => {
    expect(jobDisplayName(name, leg)).toBe(expected);
  });
});
