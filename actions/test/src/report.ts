/**
 * What people see: annotations at file:line (within GitHub's limits), the job summary, and the JSON
 * results file. Pure functions of the parsed results; main.ts writes them.
 */
import {
  codeBlock,
  details,
  escapeHtml,
  markdownTable,
  SUMMARY_LIMIT_BYTES,
  SummaryBuilder,
} from '../../../shared/summary.js';
import { formatDuration } from '../../../shared/duration.js';
import type { JUnitResults, TestCase } from './junit.js';
import type { Location } from './locate.js';

/** GitHub shows at most this many error annotations per step (and 50 per job). */
export const STEP_ANNOTATION_LIMIT = 10;

export interface LocatedTest {
  test: TestCase;
  location: Location | undefined;
}

export interface Annotation {
  level: 'error' | 'warning';
  title: string;
  message: string;
  file: string | undefined;
  line: number | undefined;
}

export function testTitle(test: TestCase): string {
  // Some tools (r-lib/testthat) write test cases without a name; the class (or suite) still says where.
  if (!test.name) return `${test.classname || test.suite || 'a test'} › (unnamed test)`;
  const scope =
    test.classname && !test.name.startsWith(test.classname) && test.classname !== test.name
      ? `${test.classname} › `
      : '';
  return `${scope}${test.name}`;
}

function firstLines(text: string, count: number): string {
  const lines = text.trim().split(/\r?\n/);
  return lines.length <= count ? lines.join('\n') : `${lines.slice(0, count).join('\n')}\n…`;
}

function failureText(test: TestCase): string {
  const message = test.message.trim();
  const detailsText = test.details.trim();
  if (!detailsText)
    return message || `${test.outcome === 'error' ? 'error' : 'failed'} (the report gives no message)`;
  if (!message || detailsText.includes(message)) return detailsText;
  return `${message}\n${detailsText}`;
}

/**
 * Pick the annotations worth GitHub's few slots: failures that point at a line in the workspace first
 * (they show up in the diff), then the rest in report order; flaky tests as warnings.
 */
export function selectAnnotations(
  failures: readonly LocatedTest[],
  flaky: readonly LocatedTest[],
  limit: number,
): { annotations: Annotation[]; notAnnotated: LocatedTest[] } {
  const ranked = [...failures].sort((a, b) => rank(a) - rank(b));
  const chosen = ranked.slice(0, limit);
  const annotations: Annotation[] = chosen.map(({ test, location }) => ({
    level: 'error',
    title: `${test.outcome === 'error' ? 'Error' : 'Failed'}: ${testTitle(test)}`,
    message: firstLines(failureText(test), 30),
    file: location?.file,
    line: location?.line,
  }));
  for (const { test, location } of flaky.slice(0, limit)) {
    annotations.push({
      level: 'warning',
      title: `Flaky: ${testTitle(test)}`,
      message: `Passed after ${test.retries} failed attempt(s).${test.message ? ` First failure: ${firstLines(test.message, 5)}` : ''}`,
      file: location?.file,
      line: location?.line,
    });
  }
  const chosenSet = new Set(chosen);
  return { annotations, notAnnotated: failures.filter((f) => !chosenSet.has(f)) };
}

function rank(item: LocatedTest): number {
  if (item.location?.line) return 0;
  if (item.location) return 1;
  return 2;
}

function where(location: Location | undefined): string {
  if (!location) return '';
  return location.line ? `${location.file}:${location.line}` : location.file;
}

export interface SummaryInput {
  results: JUnitResults;
  failures: readonly LocatedTest[];
  flaky: readonly LocatedTest[];
  notAnnotated: readonly LocatedTest[];
  coverage: number | undefined;
  minCoverage: number | undefined;
  /** Failures counted but not kept in memory (beyond the kept limit). */
  uncountedFailures: number;
}

/** The job summary, under `limitBytes` (GitHub's 1 MiB by default) with a note when something was left out. */
export function buildSummary(input: SummaryInput, limitBytes = SUMMARY_LIMIT_BYTES): string {
  const { results } = input;
  const summary = new SummaryBuilder(limitBytes);
  const verdict = results.failed > 0 ? '❌' : results.total === 0 ? '⚠️' : '✅';
  summary.heading(`${verdict} Test results`);
  const parts = [
    `**${results.total}** tests`,
    `✅ ${results.passed} passed`,
    `❌ ${results.failed} failed${results.errors > 0 ? ` (${results.errors} errors)` : ''}`,
    `⏭️ ${results.skipped} skipped`,
  ];
  if (results.flaky > 0) parts.push(`🔁 ${results.flaky} flaky`);
  parts.push(`⏱️ ${formatDuration(results.durationMs)}`);
  if (input.coverage !== undefined) {
    const gate =
      input.minCoverage !== undefined
        ? ` (minimum ${input.minCoverage}%${input.coverage < input.minCoverage ? ' ❌' : ' ✅'})`
        : '';
    parts.push(`📊 ${input.coverage}% line coverage${gate}`);
  }
  summary.add(parts.join(' · '));
  if (results.notices.length > 0) {
    const shown = results.notices.slice(0, 20).map((n) => `> ${escapeHtml(n)}`);
    if (results.notices.length > shown.length)
      shown.push(`> …and ${results.notices.length - shown.length} more.`);
    summary.add(`> [!NOTE]\n${shown.join('\n>\n')}`);
  }

  if (input.failures.length > 0) {
    // Failures get most of the budget but not all of it: flaky and slowest tests must still fit.
    const budget = Math.max(4096, limitBytes - 96 * 1024);
    const sections = ['### Failed tests'];
    let bytes = Buffer.byteLength(sections[0] as string);
    let shown = 0;
    for (const { test, location } of input.failures) {
      const at = where(location);
      const section = details(
        `${test.outcome === 'error' ? '💥' : '❌'} ${testTitle(test)}${at ? ` — ${at}` : ''}`,
        codeBlock(firstLines(failureText(test), 200)),
      );
      const size = Buffer.byteLength(section) + 2;
      if (bytes + size > budget) break;
      sections.push(section);
      bytes += size;
      shown++;
    }
    const left = input.failures.length - shown + input.uncountedFailures;
    if (left > 0) {
      sections.push(
        `> [!NOTE]\n> ${left} more failed test(s) were left out to keep this summary under GitHub's ${Math.round(limitBytes / 1024)} KiB limit; every failure is in the JSON file named by the \`report\` output.`,
      );
    }
    summary.add(sections.join('\n\n'));
  }

  if (input.notAnnotated.length > 0) {
    const rows = input.notAnnotated
      .slice(0, 200)
      .map(({ test, location }) => [testTitle(test), where(location) || '—']);
    summary.add(
      `${input.notAnnotated.length} failed test(s) have no annotation because GitHub shows at most ${STEP_ANNOTATION_LIMIT} per step:\n\n${markdownTable(['Test', 'Location'], rows)}${
        input.notAnnotated.length > rows.length
          ? `\n\n…and ${input.notAnnotated.length - rows.length} more.`
          : ''
      }`,
    );
  }

  if (input.flaky.length > 0) {
    summary.heading('Flaky tests (passed on a retry)', 3);
    summary.add(
      markdownTable(
        ['Test', 'Failed attempts', 'Location'],
        input.flaky
          .slice(0, 100)
          .map(({ test, location }) => [testTitle(test), String(test.retries), where(location) || '—']),
      ),
    );
  }

  if (results.slowest.length > 0 && results.slowest[0]?.timeMs) {
    summary.heading('Slowest tests', 3);
    summary.add(
      markdownTable(
        ['Test', 'Time'],
        results.slowest.filter((t) => t.timeMs > 0).map((t) => [testTitle(t), formatDuration(t.timeMs)]),
      ),
    );
  }
  summary.add(
    `<sub>Read from ${results.reports.length} report file(s): ${escapeHtml(results.reports.slice(0, 5).join(', '))}${results.reports.length > 5 ? ', …' : ''}</sub>`,
  );
  return summary.toString();
}

/** The JSON written to the `report` output's path. */
export function resultsJson(input: SummaryInput): Record<string, unknown> {
  const item = ({ test, location }: LocatedTest): Record<string, unknown> => ({
    name: test.name,
    classname: test.classname,
    suite: test.suite,
    outcome: test.outcome,
    file: location?.file ?? null,
    line: location?.line ?? null,
    timeMs: test.timeMs,
    retries: test.retries,
    message: test.message,
    type: test.type,
    details: test.details,
    report: test.report,
  });
  const { results } = input;
  return {
    total: results.total,
    passed: results.passed,
    failed: results.failed,
    errors: results.errors,
    skipped: results.skipped,
    flaky: results.flaky,
    durationMs: results.durationMs,
    coverage: input.coverage ?? null,
    failures: input.failures.map(item),
    unlistedFailures: input.uncountedFailures,
    flakyTests: input.flaky.map(item),
    slowest: results.slowest.map((test) => ({
      name: test.name,
      classname: test.classname,
      timeMs: test.timeMs,
    })),
    reports: results.reports,
  };
}
