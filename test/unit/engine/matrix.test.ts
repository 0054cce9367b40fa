import { describe, expect, it } from 'vitest';
import { expandMatrix, legLabel, MatrixError } from '../../../engine/matrix.js';

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
    [
      { a: Array.from({ length: 17 }, (_, i) => i), b: Array.from({ length: 16 }, (_, i) => i) },
      'at most 256',
    ],
  ])('rejects %j', (matrix, message) => {
    expect(() => expandMatrix(matrix as never)).toThrow(MatrixError);
    expect(() => expandMatrix(matrix as never)).toThrow(message);
  });

  it('labels legs with their values in order', () => {
    expect(legLabel({ os: 'ubuntu', node: 20, cfg: { a: 1 } })).toBe('ubuntu, 20, {"a":1}');
  });
});
