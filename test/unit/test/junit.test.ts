import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { JUnitCollector, ReportError, parseSeconds } from '../../../actions/test/src/junit.js';

const fixtures = join(import.meta.dirname, '../../fixtures/junit');

async function parse(...files: string[]) {
  const collector = new JUnitCollector();
  for (const file of files) await collector.addFile(join(fixtures, file));
  return collector.results();
}

function counts(r: Awaited<ReturnType<typeof parse>>) {
  return {
    total: r.total,
    passed: r.passed,
    failed: r.failed,
    errors: r.errors,
    skipped: r.skipped,
    flaky: r.flaky,
  };
}

describe('dialects written by real tools', () => {
  test.each([
    // file, counts as the tool itself reports them
    ['surefire-flaky.xml', { total: 5, passed: 2, failed: 2, errors: 1, skipped: 1, flaky: 1 }], // Tests run: 5, Failures: 1, Errors: 1, Skipped: 1, Flakes: 1
    ['gotestsum-rerun.xml', { total: 4, passed: 2, failed: 1, errors: 0, skipped: 1, flaky: 1 }],
    ['nextest.xml', { total: 4, passed: 2, failed: 1, errors: 0, skipped: 1, flaky: 1 }],
    ['phpunit.xml', { total: 4, passed: 1, failed: 2, errors: 1, skipped: 1, flaky: 0 }],
    ['catch2.xml', { total: 4, passed: 2, failed: 1, errors: 0, skipped: 1, flaky: 0 }],
    ['xunit-nested.xml', { total: 5, passed: 3, failed: 1, errors: 0, skipped: 1, flaky: 0 }],
    ['gradle.xml', { total: 3, passed: 2, failed: 1, errors: 1, skipped: 0, flaky: 0 }],
    ['go-junit-report.xml', { total: 3, passed: 1, failed: 1, errors: 0, skipped: 1, flaky: 0 }],
    ['suite-error.xml', { total: 2, passed: 1, failed: 1, errors: 1, skipped: 0, flaky: 0 }],
    // r-lib/testthat: nameless test cases, one per expectation; the root says tests="4" failures="1"
    ['testthat-nameless.xml', { total: 4, passed: 3, failed: 1, errors: 0, skipped: 0, flaky: 0 }],
    // TcUnit: suites with counts and no <testcase>; the root says tests="12" failures="3" errors="1"
    ['tcunit-count-only.xml', { total: 12, passed: 7, failed: 4, errors: 1, skipped: 1, flaky: 0 }],
  ])('%s', async (file, expected) => {
    expect(counts(await parse(file))).toEqual(expected);
  });

  test('Surefire: messages, types, stack and retries are kept; entities decoded; comma thousands in time', async () => {
    const r = await parse('surefire-flaky.xml');
    const [rejects, fixtures] = r.failures;
    expect(rejects).toMatchObject({
      name: 'rejectsEmptyCart',
      classname: 'com.example.orders.OrderServiceTest',
      outcome: 'failed',
      message: 'expected: <400> but was: <200>',
      type: 'org.opentest4j.AssertionFailedError',
      retries: 1,
      output: 'creating order for cart 17\n',
    });
    expect(rejects?.details).toContain('OrderServiceTest.java:42');
    expect(fixtures).toMatchObject({ name: 'loadsFixtures', outcome: 'error' });
    expect(r.flakyTests.map((t) => [t.name, t.retries])).toEqual([['retriesPayment', 1]]);
    expect(r.slowest[0]?.name).toBe('retriesPayment');
  });

  test('gotestsum reruns: a retry is not a second test; still-failing keeps the latest failure', async () => {
    const r = await parse('gotestsum-rerun.xml');
    expect(r.failures.map((t) => [t.name, t.retries])).toEqual([['TestTotal', 1]]);
    expect(r.flakyTests.map((t) => t.name)).toEqual(['TestFlakyNetwork']);
    expect(r.failures[0]?.details).toContain('cart_test.go:27');
  });

  test('xUnit nesting: the suite path is kept; <skipped> text is the skip message; system-out of passing tests is dropped', async () => {
    const r = await parse('xunit-nested.xml');
    expect(r.failures[0]).toMatchObject({
      suite: 'Api › Users › Create',
      name: 'rejects a duplicate email',
      message: 'Expected 409, got 201',
    });
    expect(r.slowest.map((t) => t.name).slice(0, 2)).toEqual([
      'rejects a duplicate email',
      'accepts a valid user',
    ]);
  });

  test('PHPUnit: file and line attributes, <error> outranks, data-provider suites', async () => {
    const r = await parse('phpunit.xml');
    expect(r.failures.map((t) => [t.name, t.file, t.line, t.outcome])).toEqual([
      ['testRounds', '/home/runner/work/shop/shop/tests/PriceTest.php', 18, 'failed'],
      ['testCurrencies with data set "eur"', '/home/runner/work/shop/shop/tests/PriceTest.php', 30, 'error'],
    ]);
  });

  test('a suite-level <error> (a test file that failed to load) is a failed entry, not lost', async () => {
    const r = await parse('suite-error.xml');
    expect(r.failures[0]).toMatchObject({
      name: 'src/broken.test.ts (suite error)',
      message: "Cannot find module './missing' from 'src/broken.test.ts'",
    });
  });

  test('testthat: nameless test cases are separate tests, never retries of each other', async () => {
    const r = await parse('testthat-nameless.xml');
    expect(r.failures.map((t) => [t.classname, t.name, t.retries])).toEqual([['cart_totals', '', 0]]);
    expect(r.flakyTests).toEqual([]);
  });

  test('TcUnit: count-only suites are counted from their attributes, with a notice per suite', async () => {
    const r = await parse('tcunit-count-only.xml');
    // Only the one failure that has a <testcase> has details.
    expect(r.failures.map((t) => t.name)).toEqual(['Test_ANY_WORD_Differ']);
    expect(r.failedWithoutDetails).toBe(3);
    expect(r.notices).toHaveLength(3);
    expect(r.notices[0]).toMatch(
      /tcunit-count-only\.xml: suite "PRG_TEST\.fbDiagnosticParser_Test" has no <testcase> elements; counted 5 test\(s\) from its attributes \(2 failed, 0 errors, 1 skipped\), without per-test details$/,
    );
    expect(r.notices[2]).toContain('"PRG_TEST.fbStringUtils_Test"');
  });

  test('several files add up', async () => {
    expect(counts(await parse('catch2.xml', 'gradle.xml'))).toEqual({
      total: 7,
      passed: 4,
      failed: 2,
      errors: 1,
      skipped: 1,
      flaky: 0,
    });
  });
});

describe('edge cases', () => {
  const parseText = (text: string) => {
    const collector = new JUnitCollector();
    collector.addText(text, 'inline.xml');
    return collector.results();
  };

  test('<failure> and <error> in one testcase count once, as an error', () => {
    const r = parseText(
      '<testsuite><testcase name="a"><failure message="f"/><error message="e">boom</error></testcase></testsuite>',
    );
    expect(counts(r as never)).toEqual({ total: 1, passed: 0, failed: 1, errors: 1, skipped: 0, flaky: 0 });
    expect(r.failures[0]).toMatchObject({ message: 'e', details: 'boom' });
  });

  test('a failure that passes on a later attempt in another file is flaky', () => {
    const collector = new JUnitCollector();
    collector.addText(
      '<testsuite><testcase classname="c" name="t"><failure message="x"/></testcase></testsuite>',
      'run1.xml',
    );
    collector.addText('<testsuite><testcase classname="c" name="t"/></testsuite>', 'run2.xml');
    expect(counts(collector.results() as never)).toEqual({
      total: 1,
      passed: 1,
      failed: 0,
      errors: 0,
      skipped: 0,
      flaky: 1,
    });
  });

  test('names, classes and files with entities: decoded where shown, and a retry still matches its failure', () => {
    const r = parseText(
      `<testsuite name="S &amp; T"><testcase classname="a&lt;b&gt;" name="x &amp;amp; y" file="src/a&amp;b.ts" time="2"><failure message="m &quot;q&quot;" type="T&amp;E">d &amp;lt;</failure></testcase>
       <testcase classname="a&lt;b&gt;" name="x &amp;amp; y" file="src/a&amp;b.ts" time="1"/>
       <testcase classname="a&lt;b&gt;" name="z &#38; w" time="3"><failure/></testcase>
       <error message="suite &amp; crash"/></testsuite>`,
    );
    expect(counts(r as never)).toEqual({ total: 3, passed: 1, failed: 2, errors: 1, skipped: 0, flaky: 1 });
    expect(
      r.flakyTests.map((t) => [t.suite, t.classname, t.name, t.file, t.message, t.type, t.details]),
    ).toEqual([['S & T', 'a<b>', 'x &amp; y', 'src/a&b.ts', 'm "q"', 'T&E', 'd &lt;']]);
    expect(r.failures.map((t) => [t.classname, t.name, t.message])).toEqual([
      ['a<b>', 'z & w', ''],
      ['S & T', 'S & T (suite error)', 'suite & crash'],
    ]);
    // The retried test is listed once among the slowest, with its slower attempt.
    expect(r.slowest.map((t) => [t.name, t.timeMs])).toEqual([
      ['z & w', 3000],
      ['x &amp; y', 2000],
      ['S & T (suite error)', 0],
    ]);
  });

  test('four nameless test cases are four tests, whatever their outcomes', () => {
    const r = parseText(
      '<testsuite><testcase classname="c"><failure/></testcase><testcase classname="c"/><testcase classname="c"><failure/></testcase><testcase classname="c"><error/></testcase></testsuite>',
    );
    expect(counts(r as never)).toEqual({ total: 4, passed: 1, failed: 3, errors: 1, skipped: 0, flaky: 0 });
    expect(r.failures.map((t) => t.retries)).toEqual([0, 0, 0]);
  });

  test('a count-only suite: nested suites that hold test cases are not counted twice; no counts means no tests', () => {
    const r = parseText(
      '<testsuites tests="9"><testsuite name="outer" tests="3" failures="1"><testsuite name="inner" tests="3" failures="1"/></testsuite>' +
        '<testsuite name="cases" tests="2"><testcase name="a"/><testcase name="b"/></testsuite><testsuite name="blank"/>' +
        '<testsuite name="broken" tests="2" errors="1"><error message="setup failed"/></testsuite></testsuites>',
    );
    // inner: 3 from attributes; cases: 2 test cases; blank: nothing; broken: its suite-level error only.
    expect(counts(r as never)).toEqual({ total: 6, passed: 4, failed: 2, errors: 1, skipped: 0, flaky: 0 });
    expect(r.notices).toEqual([
      'inline.xml: suite "inner" has no <testcase> elements; counted 3 test(s) from its attributes (1 failed, 0 errors, 0 skipped), without per-test details',
    ]);
  });

  test('a count-only suite with more failures than tests does not count below zero', () => {
    const r = parseText('<testsuite name="odd" tests="2" failures="5" errors="1" skipped="4"/>');
    expect(counts(r as never)).toEqual({ total: 2, passed: 0, failed: 2, errors: 1, skipped: 0, flaky: 0 });
  });

  test('a pass then a failure of the same name is a failure (not flaky)', () => {
    const r = parseText(
      '<testsuite><testcase classname="c" name="t"/><testcase classname="c" name="t"><failure/></testcase></testsuite>',
    );
    expect(r.failed).toBe(1);
    expect(r.flaky).toBe(0);
  });

  test('status="skipped"/"disabled" attributes, CDATA split across chunks, comments and DOCTYPE', async () => {
    const text =
      '<?xml version="1.0"?>\n<!DOCTYPE testsuites>\n<!-- generated -->\n<testsuites><testsuite name="s">' +
      '<testcase name="a" status="disabled"/><testcase name="b" status="skipped"></testcase>' +
      '<testcase name="c"><failure><![CDATA[line <1>\n& line 2]]></failure></testcase></testsuite></testsuites>';
    const collector = new JUnitCollector();
    collector.addText(text);
    const r = collector.results();
    expect(counts(r as never)).toEqual({ total: 3, passed: 0, failed: 1, errors: 0, skipped: 2, flaky: 0 });
    expect(r.failures[0]?.details).toBe('line <1>\n& line 2');
  });

  test.each([
    ['empty.xml', /empty\.xml is not valid XML: line 1: no XML element found/],
    [
      'truncated.xml',
      /truncated\.xml is not valid XML: line 5: unexpected end of file: <failure> is not closed/,
    ],
    ['not-xml.json', /not-xml\.json is not valid XML: line 1: text outside the root element/],
    ['html.xml', /html\.xml is not a JUnit XML report: its root element is <html>/],
  ])('%s is a clear error', async (file, message) => {
    await expect(parse(file)).rejects.toThrow(ReportError);
    await expect(parse(file)).rejects.toThrow(message);
  });

  test('a missing file is a clear error', async () => {
    await expect(parse('nope.xml')).rejects.toThrow(/nope\.xml could not be read \(ENOENT\)/);
  });

  test('mismatched tags name both', () => {
    expect(() => parseText('<testsuite><testcase name="a"></testsuite>')).toThrow(
      /<\/testsuite> does not close <testcase>/,
    );
  });

  test.each([
    ['1.5', 1500],
    ['1,234.5', 1_234_500],
    ['', 0],
    ['abc', 0],
    ['-1', 0],
  ])('time %j → %i ms', (value, ms) => {
    expect(parseSeconds(value)).toBe(ms);
  });

  test('kept failures are bounded but all are counted', () => {
    const collector = new JUnitCollector({ maxKept: 3 });
    const cases = Array.from(
      { length: 10 },
      (_, i) => `<testcase name="t${i}"><failure message="m${i}"/></testcase>`,
    ).join('');
    collector.addText(`<testsuite>${cases}</testsuite>`);
    const r = collector.results();
    expect(r.failed).toBe(10);
    expect(r.failures).toHaveLength(3);
  });
});
