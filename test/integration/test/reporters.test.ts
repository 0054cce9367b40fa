/**
 * Reports written for real, during this test run, by jest (jest-junit), vitest (junit reporter), mocha
 * (mocha-junit-reporter) and pytest; Paved's counts must equal what each tool itself reported.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { requireCommand } from '../../../sandbox/process.js';
import { JUnitCollector, type JUnitResults } from '../../../actions/test/src/junit.js';
import { WorkspaceLocator } from '../../../actions/test/src/locate.js';

const repo = join(import.meta.dirname, '../../..');
const jsProject = join(repo, 'test/fixtures/junit/js-project');
const pyProject = join(repo, 'test/fixtures/junit/py-project');
const bin = (name: string) => join(repo, 'node_modules/.bin', name);
let out: string;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'paved-reporters-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', FORCE_COLOR: '0', ...env },
  });
  if (result.error) throw result.error;
  return result;
}

async function parse(file: string): Promise<JUnitResults> {
  const collector = new JUnitCollector();
  await collector.addFile(file);
  return collector.results();
}

describe('reports written by the real tools', () => {
  test('jest + jest-junit', async () => {
    const junit = join(out, 'jest-junit.xml');
    const json = join(out, 'jest.json');
    const result = run(
      bin('jest'),
      [
        '--ci',
        '--rootDir',
        jsProject,
        '--testMatch',
        '**/*.jest.test.cjs',
        '--reporters=default',
        '--reporters=jest-junit',
        '--json',
        `--outputFile=${json}`,
      ],
      jsProject,
      {
        JEST_JUNIT_OUTPUT_FILE: junit,
        JEST_JUNIT_ADD_FILE_ATTRIBUTE: 'true',
      },
    );
    expect(result.status).toBe(1);
    const printed = JSON.parse(readFileSync(json, 'utf8')) as Record<string, number>;
    const r = await parse(junit);
    expect({ total: r.total, passed: r.passed, failed: r.failed, skipped: r.skipped }).toEqual({
      total: printed['numTotalTests'],
      passed: printed['numPassedTests'],
      failed: printed['numFailedTests'],
      skipped: printed['numPendingTests'],
    });
    expect(printed['numFailedTests']).toBe(1);
    const failure = r.failures[0];
    expect(failure?.name).toBe('cart total (jest) applies a discount once');
    const where = new WorkspaceLocator(repo).locate(failure!);
    expect(where).toEqual({ file: 'test/fixtures/junit/js-project/cart.jest.test.cjs', line: 11 });
  });

  test('vitest junit reporter', async () => {
    const junit = join(out, 'vitest-junit.xml');
    const json = join(out, 'vitest.json');
    const result = run(
      process.execPath,
      [
        join(repo, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--root',
        jsProject,
        '--reporter=junit',
        '--reporter=json',
        `--outputFile.junit=${junit}`,
        `--outputFile.json=${json}`,
      ],
      jsProject,
    );
    expect(result.status).toBe(1);
    const printed = JSON.parse(readFileSync(json, 'utf8')) as Record<string, number>;
    const r = await parse(junit);
    expect({ total: r.total, passed: r.passed, failed: r.failed, skipped: r.skipped }).toEqual({
      total: printed['numTotalTests'],
      passed: printed['numPassedTests'],
      failed: printed['numFailedTests'],
      skipped: (printed['numPendingTests'] ?? 0) + (printed['numTodoTests'] ?? 0),
    });
    const where = new WorkspaceLocator(repo).locate(r.failures[0]!);
    expect(where).toEqual({ file: 'test/fixtures/junit/js-project/cart.vitest.test.mjs', line: 11 });
  });

  test('mocha + mocha-junit-reporter', async () => {
    const junit = join(out, 'mocha-junit.xml');
    const spec = join(jsProject, 'cart.mocha.spec.cjs');
    run(
      bin('mocha'),
      [
        '--reporter',
        'mocha-junit-reporter',
        '--reporter-options',
        `mochaFile=${junit},includePending=true`,
        spec,
      ],
      jsProject,
    );
    const printed = JSON.parse(run(bin('mocha'), ['--reporter', 'json', spec], jsProject).stdout) as {
      stats: Record<string, number>;
    };
    const r = await parse(junit);
    expect({ total: r.total, passed: r.passed, failed: r.failed, skipped: r.skipped }).toEqual({
      total: printed.stats['tests'],
      passed: printed.stats['passes'],
      failed: printed.stats['failures'],
      skipped: printed.stats['pending'],
    });
    const where = new WorkspaceLocator(repo).locate(r.failures[0]!);
    expect(where).toEqual({ file: 'test/fixtures/junit/js-project/cart.mocha.spec.cjs', line: 9 });
  });

  test('pytest (Debian python3-pytest), including a fixture error and parametrized tests', async () => {
    const pytest = requireCommand('pytest-3', 'python3-pytest');
    const junit = join(out, 'pytest-junit.xml');
    const result = run(
      pytest,
      ['-p', 'no:cacheprovider', `--junitxml=${junit}`, '-o', 'junit_family=xunit1', 'tests'],
      pyProject,
    );
    expect(result.status).toBe(1);
    // pytest's own last line, e.g. "1 failed, 4 passed, 1 skipped, 1 error in 0.05s"
    const line = result.stdout.trim().split('\n').pop() as string;
    const printed = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
    const r = await parse(junit);
    expect({ passed: r.passed, failed: r.failed - r.errors, errors: r.errors, skipped: r.skipped }).toEqual({
      passed: printed('passed'),
      failed: printed('failed'),
      errors: printed('errors?'),
      skipped: printed('skipped'),
    });
    const locator = new WorkspaceLocator(pyProject);
    const discount = r.failures.find((t) => t.name === 'test_discount_once')!;
    expect(locator.locate(discount)).toEqual({ file: 'tests/test_cart.py', line: expect.any(Number) });
    expect(r.failures.find((t) => t.name === 'test_uses_fixture')).toMatchObject({ outcome: 'error' });
  });
});
