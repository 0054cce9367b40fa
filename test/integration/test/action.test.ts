/**
 * The test action end to end, as the runner runs it: INPUT_* variables, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, the log as the only other channel.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { readOutputFile, runnerInputEnv } from '../../support/runner-io.js';

const repo = join(import.meta.dirname, '../../..');
const fixtures = join(repo, 'test/fixtures/junit');
const workspaces: string[] = [];

afterEach(() => {
  for (const dir of workspaces.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'paved-test-action-'));
  workspaces.push(dir);
  for (const [name, source] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    if (source.startsWith('fixture:')) copyFileSync(join(fixtures, source.slice(8)), join(dir, name));
    else writeFileSync(join(dir, name), source);
  }
  return dir;
}

interface ActionRun {
  status: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  errors: string[];
}

function runTestAction(dir: string, inputs: Record<string, string>): ActionRun {
  const outputFile = join(dir, '.github-output');
  const summaryFile = join(dir, '.github-summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    GITHUB_WORKSPACE: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: join(dir, '.runner-temp'),
  };
  Object.assign(env, runnerInputEnv(join(repo, 'actions/test'), inputs));
  const result = spawnSync(
    process.execPath,
    [join(repo, 'node_modules/tsx/dist/cli.mjs'), join(repo, 'actions/test/src/index.ts')],
    {
      cwd: dir,
      env,
      encoding: 'utf8',
    },
  );
  const outputs = readOutputFile(readFileSync(outputFile, 'utf8'));
  return {
    status: result.status,
    stdout: result.stdout + result.stderr,
    outputs,
    summary: readFileSync(summaryFile, 'utf8'),
    errors: result.stdout.split('\n').filter((line) => line.startsWith('::error')),
  };
}

describe('test action', () => {
  test('report-only: outputs, annotations at file:line, summary, and a failing verdict naming the tests', () => {
    const dir = workspace({
      'target/surefire-reports/TEST-com.example.orders.OrderServiceTest.xml': 'fixture:surefire-flaky.xml',
      'src/test/java/com/example/orders/OrderServiceTest.java': 'class OrderServiceTest {}\n',
    });
    const run = runTestAction(dir, {});
    expect(run.outputs).toMatchObject({
      total: '5',
      passed: '2',
      failed: '2',
      errors: '1',
      skipped: '1',
      flaky: '1',
      coverage: '',
    });
    expect(run.status).toBe(1);
    // GitHub's escaping: ':' in properties is %3A, newlines in the message %0A.
    expect(run.errors[0]).toMatch(
      /^::error title=Failed%3A com\.example\.orders\.OrderServiceTest › rejectsEmptyCart,file=src\/test\/java\/com\/example\/orders\/OrderServiceTest\.java,line=42::org\.opentest4j\.AssertionFailedError: expected: <400> but was: <200>%0A/,
    );
    expect(run.errors[1]).toMatch(
      /^::error title=Error%3A com\.example\.orders\.OrderServiceTest › loadsFixtures,file=src\/test\/java\/com\/example\/orders\/OrderServiceTest\.java,line=57::Cannot open fixtures\.json%0A/,
    );
    expect(run.stdout).toMatch(
      /::warning title=Flaky%3A com\.example\.orders\.OrderServiceTest › retriesPayment/,
    );
    expect(run.errors[run.errors.length - 1]).toBe(
      '::error::2 test(s) failed (1 with errors): com.example.orders.OrderServiceTest › rejectsEmptyCart, com.example.orders.OrderServiceTest › loadsFixtures. See the annotations and the job summary.',
    );
    expect(run.summary).toContain('✅ 2 passed · ❌ 2 failed (1 errors) · ⏭️ 1 skipped · 🔁 1 flaky');
    expect(run.summary).toContain(
      '<details><summary>❌ com.example.orders.OrderServiceTest › rejectsEmptyCart — src/test/java/com/example/orders/OrderServiceTest.java:42</summary>',
    );
    expect(run.summary).toContain('### Flaky tests (passed on a retry)');
    expect(run.summary).toContain('### Slowest tests');
    const json = JSON.parse(readFileSync(run.outputs['report'] as string, 'utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({
      total: 5,
      failed: 2,
      flaky: 1,
      failures: [
        { name: 'rejectsEmptyCart', line: 42 },
        { name: 'loadsFixtures', line: 57 },
      ],
    });
  });

  test('fail-on: nothing reports without failing; fail-on: errors fails only on errors', () => {
    const dir = workspace({ 'reports/junit-go.xml': 'fixture:go-junit-report.xml' });
    expect(runTestAction(dir, { 'fail-on': 'nothing' }).status).toBe(0);
    const errorsOnly = runTestAction(dir, { 'fail-on': 'errors' });
    expect(errorsOnly.status).toBe(0);
    expect(errorsOnly.outputs['failed']).toBe('1');
  });

  test('count-only suites (TcUnit) are counted with a notice; nameless cases (testthat) stay separate tests', () => {
    const dir = workspace({
      'reports/tcunit.xml': 'fixture:tcunit-count-only.xml',
      'reports/testthat.xml': 'fixture:testthat-nameless.xml',
    });
    const run = runTestAction(dir, { reports: 'reports/*.xml' });
    expect(run.outputs).toMatchObject({ total: '16', passed: '10', failed: '5', errors: '1', skipped: '1' });
    expect(run.stdout).toContain(
      '::notice::reports/tcunit.xml: suite "PRG_TEST.fbDiagnosticParser_Test" has no <testcase> elements; counted 5 test(s) from its attributes (2 failed, 0 errors, 1 skipped), without per-test details',
    );
    expect(run.summary).toContain('> [!NOTE]');
    expect(run.summary).toContain('suite &quot;PRG_TEST.fbCreateDisabledTest&quot; has no &lt;testcase&gt;');
    expect(run.errors[run.errors.length - 1]).toBe(
      '::error::5 test(s) failed (1 with errors): PRG_TEST.fbAnyPrimitiveTypes_Test › Test_ANY_WORD_Differ, cart_totals › (unnamed test) and 3 more. See the annotations and the job summary.',
    );
  });

  test('a command runs first; lcov coverage below min-coverage fails with both numbers', () => {
    const dir = workspace();
    const command = [
      'mkdir -p out',
      `echo '<testsuite><testcase name="ok" classname="c" time="0.01"/></testsuite>' > out/junit.xml`,
      `printf 'SF:src/a.js\\nDA:1,1\\nDA:2,0\\nLF:4\\nLH:3\\nend_of_record\\nSF:src/b.js\\nLF:6\\nLH:3\\nend_of_record\\n' > out/lcov.info`,
    ].join('\n');
    const run = runTestAction(dir, {
      command,
      reports: 'out/*.xml',
      coverage: 'out/lcov.info',
      'min-coverage': '80',
    });
    expect(run.outputs).toMatchObject({ total: '1', passed: '1', coverage: '60' });
    expect(run.status).toBe(1);
    expect(run.errors).toEqual([
      '::error::Line coverage 60%25 is below min-coverage 80%25. See the annotations and the job summary.',
    ]);
  });

  test('a command that exits non-zero with no failed test in the reports fails (the run crashed)', () => {
    const dir = workspace({ 'junit.xml': '<testsuite><testcase name="a"/></testsuite>' });
    const run = runTestAction(dir, { command: 'exit 3', reports: 'junit.xml' });
    expect(run.status).toBe(1);
    expect(run.errors).toEqual([
      '::error::The test command exited with code 3 but the reports show no failed test (did the run crash before writing them?). See the annotations and the job summary.',
    ]);
  });

  test('annotations stay within the per-step limit; the rest are listed in the summary', () => {
    const cases = Array.from(
      { length: 25 },
      (_, i) =>
        `<testcase classname="suite" name="t${i}"><failure message="m${i}">at src/x.js:${i + 1}:1</failure></testcase>`,
    ).join('');
    const dir = workspace({ 'junit.xml': `<testsuite>${cases}</testsuite>`, 'src/x.js': '//\n' });
    const run = runTestAction(dir, { reports: 'junit.xml' });
    expect(run.errors.filter((line) => line.startsWith('::error title='))).toHaveLength(10);
    expect(run.errors.filter((line) => line.startsWith('::error::'))).toHaveLength(1);
    expect(run.summary).toContain(
      '15 failed test(s) have no annotation because GitHub shows at most 10 per step',
    );
  });

  test('a summary that would pass 1 MiB is cut with a note and stays under the limit', () => {
    const big = 'x'.repeat(15_000);
    const cases = Array.from(
      { length: 120 },
      (_, i) => `<testcase name="t${i}"><failure message="m">${big}</failure></testcase>`,
    ).join('');
    const dir = workspace({ 'junit.xml': `<testsuite>${cases}</testsuite>` });
    const run = runTestAction(dir, { reports: 'junit.xml', 'max-annotations': '0' });
    expect(run.outputs['failed']).toBe('120');
    expect(Buffer.byteLength(run.summary)).toBeLessThan(1024 * 1024);
    expect(run.summary).toMatch(
      /more failed test\(s\) were left out to keep this summary under GitHub's 1024 KiB limit/,
    );
  });

  test.each([
    [
      { 'min-coverage': 'eighty', coverage: 'lcov.info' },
      `::error::Input 'min-coverage' must be a number from 0 to 100; got "eighty"`,
    ],
    [
      { 'min-coverage': '80' },
      "::error::Inputs 'min-coverage' and 'coverage' cannot be used together: a coverage gate needs coverage files: set 'coverage' to the lcov or Cobertura files your tests write",
    ],
    [
      { 'fail-on': 'sometimes' },
      `::error::Input 'fail-on' must be one of 'failures', 'errors', 'nothing'; got "sometimes"`,
    ],
    [
      { 'max-annotations': '60' },
      `::error::Input 'max-annotations' must be a whole number from 0 to 50; got "60"`,
    ],
  ])('bad input %j: one ::error:: and exit 1', (inputs, error) => {
    const run = runTestAction(workspace(), inputs);
    expect(run.status).toBe(1);
    expect(run.errors).toEqual([error]);
    expect(run.stdout).not.toMatch(/\n\s+at /);
  });

  test('no report matching the globs names the globs tried', () => {
    const run = runTestAction(workspace(), { reports: 'build/test-results/**/*.xml, reports/*.xml' });
    expect(run.status).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(
      /^::error::No test report matched 'reports' \("build\/test-results\/\*\*\/\*\.xml", "reports\/\*\.xml"\) in \//,
    );
  });

  test.each([
    [
      'junit.xml',
      'fixture:not-xml.json',
      /junit\.xml is not valid XML: line 1: text outside the root element/,
    ],
    ['junit.xml', 'fixture:html.xml', /junit\.xml is not a JUnit XML report: its root element is <html>/],
    ['junit.xml', 'fixture:empty.xml', /junit\.xml is not valid XML: line 1: no XML element found/],
  ])('an unusable report (%s from %s) is one clear error', (name, source, message) => {
    const run = runTestAction(workspace({ [name]: source }), { reports: name });
    expect(run.status).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(message);
  });
});
