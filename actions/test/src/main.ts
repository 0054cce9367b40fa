import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runAction } from '../../../shared/action.js';
import { CommandError, InputError, PavedError, quote } from '../../../shared/errors.js';
import { group, info, notice, warning } from '../../../shared/log.js';
import { appendStepSummary, error as annotateError } from '../../../shared/workflow-commands.js';
import { setOutput } from '../../../shared/outputs.js';
import { getInputs, type Inputs } from './inputs.js';
import { findFiles } from './files.js';
import { JUnitCollector, type JUnitResults } from './junit.js';
import { WorkspaceLocator } from './locate.js';
import { percent, readCoverage } from './coverage.js';
import {
  buildSummary,
  resultsJson,
  selectAnnotations,
  testTitle,
  type LocatedTest,
  type SummaryInput,
} from './report.js';

export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = getInputs();
    if (!existsSync(inputs.workingDirectory) || !statSync(inputs.workingDirectory).isDirectory()) {
      throw InputError.invalid(
        'working-directory',
        inputs.workingDirectory,
        'an existing directory in the workspace',
      );
    }
    const exitCode = inputs.command ? await runCommand(inputs) : undefined;
    const reports = await findFiles(inputs.reports, inputs.workingDirectory);
    if (reports.length === 0) {
      const tried = inputs.reports.map((p) => quote(p)).join(', ');
      const why = `No test report matched 'reports' (${tried}) in ${inputs.workingDirectory}`;
      const hint =
        exitCode !== undefined && exitCode !== 0 ? ` The test command exited with code ${exitCode}.` : '';
      if (inputs.failOnEmpty) {
        throw new PavedError(
          `${why}.${hint} Check that your test runner writes JUnit XML there, or set fail-on-empty: false.`,
        );
      }
      warning(`${why}.${hint}`);
    }
    const collector = new JUnitCollector();
    await group(`Read ${reports.length} test report(s)`, async () => {
      for (const file of reports) {
        const label = relative(inputs.workingDirectory, file) || file;
        await collector.addFile(file, label);
        info(label);
      }
    });
    const results = collector.results();
    for (const text of results.notices.slice(0, 10)) notice(text);
    if (results.notices.length > 10) notice(`…and ${results.notices.length - 10} more such notices`);
    const coverage = inputs.coverage.length > 0 ? await readCoverageFiles(inputs) : undefined;

    const workspace = process.env['GITHUB_WORKSPACE'] ?? process.cwd();
    const locator = new WorkspaceLocator(workspace);
    const locate = (test: (typeof results.failures)[number]): LocatedTest => ({
      test,
      location: locator.locate(test),
    });
    const failures = results.failures.map(locate);
    const flaky = results.flakyTests.map(locate);
    const { annotations, notAnnotated } = selectAnnotations(failures, flaky, inputs.maxAnnotations);
    for (const a of annotations) {
      const properties = { title: a.title, file: a.file, startLine: a.line };
      if (a.level === 'error') annotateError(a.message, properties);
      else warning(a.message, properties);
    }
    const summaryInput: SummaryInput = {
      results,
      failures,
      flaky,
      notAnnotated,
      coverage,
      minCoverage: inputs.minCoverage,
      uncountedFailures: results.failed - results.failures.length - results.failedWithoutDetails,
    };
    // Outside a runner (no GITHUB_STEP_SUMMARY) there is no summary to write to.
    if (inputs.summary && process.env['GITHUB_STEP_SUMMARY']) appendStepSummary(buildSummary(summaryInput));
    const reportPath = writeResults(summaryInput);
    setOutput('total', results.total);
    setOutput('passed', results.passed);
    setOutput('failed', results.failed);
    setOutput('errors', results.errors);
    setOutput('skipped', results.skipped);
    setOutput('flaky', results.flaky);
    setOutput('coverage', coverage === undefined ? '' : String(coverage));
    setOutput('report', reportPath);
    info(
      `${results.total} tests: ${results.passed} passed, ${results.failed} failed (${results.errors} errors), ${results.skipped} skipped, ${results.flaky} flaky${
        coverage !== undefined ? `; ${coverage}% line coverage` : ''
      }`,
    );
    let verdict: unknown;
    try {
      enforcePolicy(inputs, results, coverage, exitCode);
    } catch (error) {
      verdict = error;
    }
    let feedbackUrl: string | undefined;
    if (inputs.feedback === 'auto' && inputs.githubToken) {
      const { publishFeedback } = await import('./feedback.js');
      const { getGitHubContext } = await import('../../../shared/github-context.js');
      feedbackUrl = await publishFeedback(
        inputs.githubToken,
        getGitHubContext(),
        {
          body: buildSummary(summaryInput, 60_000),
          state: verdict ? 'failure' : 'success',
          description: `${results.total} tests: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped${coverage !== undefined ? `; ${coverage}% coverage` : ''}`,
        },
        { info, warning },
      );
    }
    setOutput('feedback-url', feedbackUrl ?? '');
    if (verdict) throw verdict;
  });
}

async function runCommand(inputs: Inputs): Promise<number> {
  const { exec } = await import('@actions/exec');
  return group('Run tests', async () => {
    try {
      // The command is the user's own script, run like a `run:` step (bash -e -o pipefail).
      return await exec(
        'bash',
        ['--noprofile', '--norc', '-eo', 'pipefail', '-c', inputs.command as string],
        {
          cwd: inputs.workingDirectory,
          ignoreReturnCode: true,
        },
      );
    } catch (error) {
      throw new CommandError(
        `Could not start the test command with bash: ${(error as Error).message}`,
        null,
        { cause: error },
      );
    }
  });
}

async function readCoverageFiles(inputs: Inputs): Promise<number | undefined> {
  const files = await findFiles(inputs.coverage, inputs.workingDirectory);
  if (files.length === 0) {
    const message = `No coverage file matched 'coverage' (${inputs.coverage.map((p) => quote(p)).join(', ')}) in ${inputs.workingDirectory}`;
    if (inputs.minCoverage !== undefined)
      throw new PavedError(`${message}, so 'min-coverage' cannot be checked.`);
    warning(message);
    return undefined;
  }
  return percent(await readCoverage(files));
}

function writeResults(input: SummaryInput): string {
  const dir = process.env['RUNNER_TEMP'] || tmpdir();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `paved-test-results-${process.env['GITHUB_ACTION'] || process.pid}.json`);
  writeFileSync(path, `${JSON.stringify(resultsJson(input), null, 2)}\n`);
  return path;
}

/** Decide what fails the step; one error message that says what to look at. */
export function enforcePolicy(
  inputs: Pick<Inputs, 'failOn' | 'failOnEmpty' | 'minCoverage'>,
  results: JUnitResults,
  coverage: number | undefined,
  exitCode: number | undefined,
): void {
  const problems: string[] = [];
  /** Up to three names of `count` failed tests, of which `list` are known by name. */
  const names = (list: typeof results.failures, count: number): string => {
    const shown = list.slice(0, 3).map(testTitle).join(', ');
    if (!shown) return "no per-test details (counted from the suites' attributes)";
    const more = count - Math.min(3, list.length);
    return more > 0 ? `${shown} and ${more} more` : shown;
  };
  if (inputs.failOn === 'failures' && results.failed > 0) {
    problems.push(
      `${results.failed} test(s) failed${results.errors ? ` (${results.errors} with errors)` : ''}: ${names(results.failures, results.failed)}`,
    );
  } else if (inputs.failOn === 'errors' && results.errors > 0) {
    problems.push(
      `${results.errors} test(s) errored: ${names(
        results.failures.filter((t) => t.outcome === 'error'),
        results.errors,
      )}`,
    );
  }
  if (inputs.failOnEmpty && results.reports.length > 0 && results.total === 0) {
    problems.push(`the reports (${results.reports.length} file(s)) contain no tests`);
  }
  if (inputs.minCoverage !== undefined) {
    if (coverage === undefined)
      problems.push('the coverage files measured no lines, so min-coverage cannot be checked');
    else if (coverage < inputs.minCoverage)
      problems.push(`line coverage ${coverage}% is below min-coverage ${inputs.minCoverage}%`);
  }
  if (exitCode !== undefined && exitCode !== 0 && results.failed === 0 && inputs.failOn !== 'nothing') {
    problems.push(
      `the test command exited with code ${exitCode} but the reports show no failed test (did the run crash before writing them?)`,
    );
  }
  if (problems.length > 0) {
    const first = problems[0] as string;
    const rest = problems.slice(1);
    throw new PavedError(
      `${first.charAt(0).toUpperCase()}${first.slice(1)}${rest.length ? `; ${rest.join('; ')}` : ''}. See the annotations and the job summary.`,
    );
  }
}
