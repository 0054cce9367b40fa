import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestCase } from '../../../actions/test/src/junit.js';
import { WorkspaceLocator } from '../../../actions/test/src/locate.js';
import { percent, readCoverage } from '../../../actions/test/src/coverage.js';

let ws: string;
const files = [
  'src/cart.test.ts',
  'tests/test_cart.py',
  'cart/cart_test.go',
  'src/lib.rs',
  'tests/PriceTest.php',
  'src/Api.Tests/Users/CreateTests.cs',
  'src/test/java/com/example/FooTest.java',
  'tests/factorial.cpp',
  'node_modules/lib/index.js',
];

beforeAll(() => {
  ws = mkdtempSync(join(tmpdir(), 'paved-locate-'));
  for (const f of files) {
    mkdirSync(join(ws, f, '..'), { recursive: true });
    writeFileSync(join(ws, f), '\n');
  }
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

function failure(partial: Partial<TestCase>): TestCase {
  return {
    suite: '',
    classname: '',
    name: 't',
    file: undefined,
    line: undefined,
    timeMs: 0,
    outcome: 'failed',
    message: '',
    type: '',
    details: '',
    output: '',
    retries: 0,
    flaky: false,
    report: 'r.xml',
    ...partial,
  };
}

describe('failure locations', () => {
  test.each<[string, Partial<TestCase>, { file: string; line: number } | undefined]>([
    [
      'jest/vitest frame, node_modules and node: frames skipped',
      {
        details: `Error: x\n    at f (${'WS'}/node_modules/lib/index.js:1:1)\n    at node:internal/x:1:1\n    at Object.<anonymous> (WS/src/cart.test.ts:14:23)`,
      },
      { file: 'src/cart.test.ts', line: 14 },
    ],
    [
      'file:// URL frame',
      { details: 'at file://WS/src/cart.test.ts:3:5' },
      { file: 'src/cart.test.ts', line: 3 },
    ],
    [
      'python traceback',
      { details: 'Traceback:\n  File "WS/tests/test_cart.py", line 9, in test_x\n    assert 1 == 2' },
      { file: 'tests/test_cart.py', line: 9 },
    ],
    [
      'pytest short form, relative',
      { details: 'tests/test_cart.py:12: AssertionError' },
      { file: 'tests/test_cart.py', line: 12 },
    ],
    [
      'go test output: bare file name found in the workspace',
      { details: '    cart_test.go:27: total = 9, want 10' },
      { file: 'cart/cart_test.go', line: 27 },
    ],
    [
      'rust panic',
      { details: "thread 't' panicked at src/lib.rs:18:9:\nattempt to divide by zero" },
      { file: 'src/lib.rs', line: 18 },
    ],
    [
      'PHPUnit path from another machine',
      {
        file: '/home/runner/work/shop/shop/tests/PriceTest.php',
        line: 18,
        details: '/home/runner/work/shop/shop/tests/PriceTest.php:21',
      },
      { file: 'tests/PriceTest.php', line: 21 },
    ],
    [
      'C# stack',
      {
        details:
          '   at Api.Users.CreateTests.RejectsDuplicate() in /src/Api.Tests/Users/CreateTests.cs:line 57',
      },
      { file: 'src/Api.Tests/Users/CreateTests.cs', line: 57 },
    ],
    [
      'JVM frame by package path',
      {
        details: '\tat org.junit.Assert.fail(Assert.java:89)\n\tat com.example.FooTest.bar(FooTest.java:42)',
      },
      { file: 'src/test/java/com/example/FooTest.java', line: 42 },
    ],
    [
      'Catch2',
      { details: 'FAILED:\n  REQUIRE( f(0) == 1 )\nat tests/factorial.cpp:13' },
      { file: 'tests/factorial.cpp', line: 13 },
    ],
    [
      'pytest classname as module path',
      { classname: 'tests.test_cart', line: 4 },
      { file: 'tests/test_cart.py', line: 4 },
    ],
    ['nothing in the workspace', { details: 'at /usr/lib/x.js:1:1' }, undefined],
  ])('%s', (_name, partial, expected) => {
    const fix = (text: string | undefined) => text?.replace(/WS/g, ws);
    const test = failure({ ...partial, details: fix(partial.details) ?? '' });
    expect(new WorkspaceLocator(ws).locate(test)).toEqual(expected);
  });

  test('a huge message without paths is handled in linear time', () => {
    const test = failure({ message: 'x'.repeat(2_000_000), details: 'y'.repeat(2_000_000) });
    expect(new WorkspaceLocator(ws).locate(test)).toBeUndefined();
  });
});

describe('coverage', () => {
  test('lcov files are summed by lines, not averaged; DA lines count when LF/LH are missing', async () => {
    writeFileSync(join(ws, 'a.info'), 'TN:\nSF:a.js\nDA:1,1\nDA:2,0\nLF:2\nLH:1\nend_of_record\n');
    writeFileSync(join(ws, 'b.info'), 'SF:b.js\nDA:1,1\nDA:2,3\nDA:3,1\nDA:4,0\nend_of_record\n');
    const total = await readCoverage([join(ws, 'a.info'), join(ws, 'b.info')]);
    expect({ covered: total.covered, valid: total.valid }).toEqual({ covered: 4, valid: 6 });
    expect(percent(total)).toBe(66.66);
  });

  test('Cobertura: root totals, or class lines (not method lines) when the root has none', async () => {
    writeFileSync(
      join(ws, 'c1.xml'),
      '<?xml version="1.0" ?>\n<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">\n<coverage line-rate="0.75" lines-covered="75" lines-valid="100" version="7.4"><packages/></coverage>',
    );
    writeFileSync(
      join(ws, 'c2.xml'),
      '<coverage line-rate="0.5"><packages><package><classes><class name="A" filename="a.py"><methods><method name="f"><lines><line number="1" hits="1"/></lines></method></methods><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></class></classes></package></packages></coverage>',
    );
    const total = await readCoverage([join(ws, 'c1.xml'), join(ws, 'c2.xml')]);
    expect({ covered: total.covered, valid: total.valid }).toEqual({ covered: 76, valid: 102 });
  });

  test('a file that is neither is a clear error', async () => {
    writeFileSync(join(ws, 'junk.txt'), 'hello\n');
    await expect(readCoverage([join(ws, 'junk.txt')])).rejects.toThrow(
      /junk\.txt is neither Cobertura XML nor lcov/,
    );
    writeFileSync(join(ws, 'x.xml'), '<report/>');
    await expect(readCoverage([join(ws, 'x.xml')])).rejects.toThrow(
      /is XML but not Cobertura: its root element is <report>/,
    );
  });
});
