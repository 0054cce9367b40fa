/**
 * JUnit XML, read as a stream into counts and the few test cases a person needs to see (failures,
 * flaky tests, the slowest). Understands the dialects real tools write: jest-junit, vitest, mocha,
 * pytest, go-junit-report, gotestsum, Maven Surefire/Failsafe, Gradle, cargo-nextest, PHPUnit, Catch2
 * and xUnit-style nested suites.
 *
 * Retries: Surefire, Failsafe and nextest record them inside one <testcase> as <flakyFailure>/<flakyError>
 * (failed, then passed on a rerun) or <rerunFailure>/<rerunError> (failed every time). gotestsum
 * `--rerun-fails` and others write the same test again; a test that failed and then appears passing is
 * flaky, and a retry is never counted as a second test. A test case without a name has no identity to
 * match a retry by (r-lib/testthat writes one nameless <testcase> per expectation), so each is its own test.
 *
 * Count-only suites: some tools (TcUnit, summaries written by hand-rolled reporters) write a <testsuite>
 * with tests/failures/errors/skipped attributes and no <testcase>. Such a suite is counted from its
 * attributes, and a notice says that it has no per-test details.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { PavedError } from '../../../shared/errors.js';
import { decodeEntities, XmlScanner, XmlSyntaxError, type XmlHandler } from './xml-scanner.js';

export type Outcome = 'passed' | 'failed' | 'error' | 'skipped';

export interface TestCase {
  /** The enclosing suite names, outermost first. */
  suite: string;
  classname: string;
  name: string;
  /** From the testcase (or its suite's) `file`/`filepath` attribute, as written. */
  file: string | undefined;
  /** From a `line`/`lineno` attribute. */
  line: number | undefined;
  timeMs: number;
  outcome: Outcome;
  /** The failure's or skip's `message` attribute. */
  message: string;
  /** The failure's `type` attribute (e.g. AssertionError). */
  type: string;
  /** The failure element's text: usually the stack trace (capped). */
  details: string;
  /** The test's captured output (capped; kept for failures only). */
  output: string;
  /** Failed attempts before the final one (reruns). */
  retries: number;
  flaky: boolean;
  /** The report file it came from. */
  report: string;
}

export interface JUnitResults {
  total: number;
  passed: number;
  /** Failures plus errors. */
  failed: number;
  errors: number;
  skipped: number;
  /** Passed after at least one failed attempt (also counted in `passed`). */
  flaky: number;
  /** Sum of test case times. */
  durationMs: number;
  /** Failed test cases, in report order, up to `maxKept`; the rest are only counted. */
  failures: TestCase[];
  flakyTests: TestCase[];
  /** The slowest test cases, slowest first. */
  slowest: TestCase[];
  reports: string[];
  /** Failed tests counted from count-only suites' attributes: there is no test case to show for them. */
  failedWithoutDetails: number;
  /** Things a reader should know about the reports, e.g. suites counted without per-test details. */
  notices: string[];
}

export interface CollectorLimits {
  /** Failures (and flaky tests) kept with details. Default 1000. */
  maxKept?: number;
  /** Characters kept of a message / of details and output. */
  maxMessage?: number;
  maxDetails?: number;
  slowest?: number;
}

/** A report that is not readable JUnit XML. The message names the file. */
export class ReportError extends PavedError {
  override name = 'ReportError';
}

/**
 * Bytes read from a report at a time. Larger chunks are slower: V8 puts a string of over 128 KiB in its
 * large-object space instead of the young generation, and a report's worth of those costs more in
 * garbage collection than fewer reads save.
 */
const READ_BYTES = 64 * 1024;

const FAILURE_ELEMENTS = new Set(['failure', 'error']);
const RETRY_ELEMENTS = new Set(['flakyFailure', 'flakyError', 'rerunFailure', 'rerunError']);
const OUTPUT_ELEMENTS = new Set(['system-out', 'system-err']);
const SKIP_STATUSES = new Set(['skipped', 'disabled', 'notrun', 'ignored']);

/** Seconds as tools write them: `1.5`, `1,234.5` (old Surefire), empty. */
export function parseSeconds(value: string | undefined): number {
  if (!value) return 0;
  const n = Number(value.includes(',') ? value.replace(/,/g, '') : value);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : 0;
}

function parseLine(value: string | undefined): number | undefined {
  if (!value || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

/**
 * Copy a string out of the chunk it was cut from. V8 keeps substrings as views of their parent, so a kept
 * test name would otherwise pin a whole 64 KiB chunk of the report in memory.
 */
function detach(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/** Cases already made ready to keep, so that making one ready twice never decodes twice. */
const ready = new WeakSet<TestCase>();

/**
 * Make a case ready to keep: its name, class and file are still as written in the report (entities
 * are decoded only for the few cases kept, not for every test), and every string is detached.
 */
function detachCase(test: TestCase): TestCase {
  if (ready.has(test)) return test;
  ready.add(test);
  test.suite = detach(test.suite);
  test.classname = detach(decodeEntities(test.classname));
  test.name = detach(decodeEntities(test.name));
  test.message = detach(test.message);
  test.type = detach(test.type);
  test.details = detach(test.details);
  test.output = detach(test.output);
  if (test.file) test.file = detach(decodeEntities(test.file));
  return test;
}

/** What makes a retry the same test: its file, class and name, as written in the report. */
function identityKey(file: string | undefined, classname: string, name: string): string {
  return `${file ?? ''}\u0000${classname}\u0000${name}`;
}

/** An attribute's value, entities decoded (attributes arrive as written: see rawAttributes). */
function decoded(value: string | undefined): string {
  return value === undefined ? '' : decodeEntities(value);
}

function append(current: string, piece: string, max: number): string {
  if (current.length >= max) return current;
  const room = max - current.length;
  return piece.length <= room ? current + piece : `${current}${piece.slice(0, room)}\n… (truncated)`;
}

/** Collects test results from any number of reports. */
export class JUnitCollector {
  private totalCount = 0;
  private failedCount = 0;
  private errorCount = 0;
  private skippedCount = 0;
  private flakyCount = 0;
  private duration = 0;
  private readonly kept: TestCase[] = [];
  private readonly flakyKept: TestCase[] = [];
  private readonly slow: TestCase[] = [];
  /** Identity → the failing case, to recognise a later passing attempt (bounded by the failure count). */
  private readonly failedByIdentity = new Map<string, TestCase | null>();
  /** The names in {@link failedByIdentity}'s keys (a name may stay after its key is gone: only a hint). */
  private readonly failedNames = new Set<string>();
  private readonly reportFiles: string[] = [];
  private readonly noticeList: string[] = [];
  private failedWithoutDetailsCount = 0;
  private readonly maxKept: number;
  private readonly maxMessage: number;
  private readonly maxDetails: number;
  private readonly slowestCount: number;

  constructor(limits: CollectorLimits = {}) {
    this.maxKept = limits.maxKept ?? 1000;
    this.maxMessage = limits.maxMessage ?? 4000;
    this.maxDetails = limits.maxDetails ?? 16_000;
    this.slowestCount = limits.slowest ?? 10;
  }

  /**
   * Stream one report file into the results. Throws ReportError for unreadable or non-JUnit files.
   * `label` names the file in notices (e.g. relative to the working directory).
   */
  async addFile(path: string, label = path): Promise<void> {
    const scanner = new XmlScanner(this.handlerFor(path, label));
    const decoder = new StringDecoder('utf8');
    let fd: number | undefined;
    try {
      // Synchronous reads: the action has nothing to do while it waits, and each asynchronous read's
      // round trip through the thread pool was idle time on a busy machine (a fifth of a large parse).
      fd = openSync(path, 'r');
      const buffer = Buffer.allocUnsafe(READ_BYTES);
      let first = true;
      for (;;) {
        const bytes = readSync(fd, buffer, 0, READ_BYTES, null);
        if (bytes === 0) break;
        let text = decoder.write(bytes === READ_BYTES ? buffer : buffer.subarray(0, bytes));
        if (first) {
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          first = false;
        }
        scanner.write(text);
      }
      scanner.write(decoder.end());
      scanner.end();
    } catch (error) {
      if (error instanceof XmlSyntaxError)
        throw new ReportError(`${path} is not valid XML: ${error.message}`);
      if (error instanceof ReportError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new ReportError(
        `${path} could not be read${code ? ` (${code})` : ''}: ${(error as Error).message}`,
      );
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    this.reportFiles.push(path);
  }

  /** Parse a whole document held in memory (tests, small files). */
  addText(text: string, path = '<text>'): void {
    const scanner = new XmlScanner(this.handlerFor(path));
    try {
      scanner.write(text.replace(/^\uFEFF/, ''));
      scanner.end();
    } catch (error) {
      if (error instanceof XmlSyntaxError)
        throw new ReportError(`${path} is not valid XML: ${error.message}`);
      throw error;
    }
    this.reportFiles.push(path);
  }

  results(): JUnitResults {
    const passed = this.totalCount - this.failedCount - this.skippedCount;
    return {
      total: this.totalCount,
      passed,
      failed: this.failedCount,
      errors: this.errorCount,
      skipped: this.skippedCount,
      flaky: this.flakyCount,
      durationMs: this.duration,
      failures: this.kept.filter((t) => t.outcome === 'failed' || t.outcome === 'error'),
      flakyTests: [...this.flakyKept],
      slowest: [...this.slow],
      reports: [...this.reportFiles],
      failedWithoutDetails: this.failedWithoutDetailsCount,
      notices: [...this.noticeList],
    };
  }

  private handlerFor(report: string, label = report): XmlHandler {
    interface OpenSuite {
      /** Decoded, for the suite path; `rawName` as written, for a case named after the suite. */
      name: string;
      rawName: string;
      file: string | undefined;
      /** Its own attributes, read only if it turns out to hold no test case and no suite. */
      attrs: Record<string, string>;
      /** A <testcase>, a nested <testsuite> or a suite-level <failure>/<error> was seen inside. */
      hasContent: boolean;
    }
    const suites: OpenSuite[] = [];
    /** Open element names, to know what an element sits in. */
    const open: string[] = [];
    let current: TestCase | undefined;
    let failureElements = 0;
    let failedAttempts = 0;
    let flakyAttempts = 0;
    /** Where the text we are inside goes. */
    let textTarget: 'details' | 'output' | 'skip' | undefined;
    let suiteFailure: TestCase | undefined;

    /** The suite path, rebuilt only when suites open or close (not for every test case). */
    let suitePath = '';
    const updateSuitePath = (): void => {
      suitePath = suites
        .map((s) => s.name)
        .filter(Boolean)
        .join(' › ');
    };
    const newCase = (attrs: Record<string, string>, name: string, classname: string): TestCase => ({
      suite: suitePath,
      classname,
      name,
      file: attrs['file'] ?? attrs['filepath'] ?? attrs['filename'] ?? suites[suites.length - 1]?.file,
      line: parseLine(attrs['line'] ?? attrs['lineno']),
      timeMs: parseSeconds(attrs['time']),
      outcome: SKIP_STATUSES.has((attrs['status'] ?? attrs['result'] ?? '').toLowerCase())
        ? 'skipped'
        : 'passed',
      message: '',
      type: '',
      details: '',
      output: '',
      retries: 0,
      flaky: false,
      report,
    });

    const finishCurrent = (): void => {
      if (!current) return;
      current.retries = failedAttempts + flakyAttempts;
      if (flakyAttempts > 0 && current.outcome === 'passed') current.flaky = true;
      this.finishCase(current);
      current = undefined;
    };

    const closeElement = (name: string): void => {
      if (name === 'testsuite') {
        const suite = suites.pop();
        if (suite && !suite.hasContent) this.addCountOnlySuite(suite.name, suite.attrs, label);
        updateSuitePath();
      } else if (name === 'testcase') finishCurrent();
      else if (suiteFailure && FAILURE_ELEMENTS.has(name)) {
        this.finishCase(suiteFailure);
        suiteFailure = undefined;
      }
      textTarget = undefined;
    };

    return {
      open: (name, attrs, selfClosing) => {
        const parent = open[open.length - 1];
        if (parent === undefined && name !== 'testsuites' && name !== 'testsuite') {
          throw new ReportError(
            `${report} is not a JUnit XML report: its root element is <${name}>, expected <testsuites> or <testsuite>`,
          );
        }
        if (!selfClosing) open.push(name);
        if (name === 'testsuite') {
          const outer = suites[suites.length - 1];
          if (outer) outer.hasContent = true;
          suites.push({
            name: decodeEntities(attrs['name'] ?? ''),
            rawName: attrs['name'] ?? '',
            file: attrs['file'] ?? attrs['filepath'] ?? outer?.file,
            attrs,
            hasContent: false,
          });
          updateSuitePath();
        } else if (name === 'testcase') {
          const suite = suites[suites.length - 1];
          if (suite) suite.hasContent = true;
          current = newCase(attrs, attrs['name'] ?? '', attrs['classname'] ?? attrs['class'] ?? '');
          failureElements = 0;
          failedAttempts = 0;
          flakyAttempts = 0;
        } else if (current && parent === 'testcase') {
          if (FAILURE_ELEMENTS.has(name)) {
            failureElements++;
            const wasError = current.outcome === 'error';
            // <error> outranks <failure> when a tool writes both.
            if (!wasError) current.outcome = name === 'error' ? 'error' : 'failed';
            if (failureElements === 1 || (name === 'error' && !wasError)) {
              current.message = decoded(attrs['message']).slice(0, this.maxMessage);
              current.type = decoded(attrs['type']);
              current.details = '';
            }
            // Catch2 and some others put the location on the failure element.
            if (!current.file && attrs['file']) current.file = attrs['file'];
            if (!current.line) current.line = parseLine(attrs['line']);
            textTarget = failureElements === 1 || (name === 'error' && !wasError) ? 'details' : undefined;
          } else if (RETRY_ELEMENTS.has(name)) {
            if (name.startsWith('flaky')) flakyAttempts++;
            else failedAttempts++;
            if (!current.message) current.message = decoded(attrs['message']).slice(0, this.maxMessage);
          } else if (name === 'skipped') {
            if (current.outcome === 'passed') current.outcome = 'skipped';
            if (!current.message) current.message = decoded(attrs['message']).slice(0, this.maxMessage);
            textTarget = 'skip';
          } else if (OUTPUT_ELEMENTS.has(name)) {
            textTarget = 'output';
          }
        } else if (!current && parent === 'testsuite' && FAILURE_ELEMENTS.has(name)) {
          // An <error> directly in a <testsuite>: the suite crashed before (or instead of) its tests.
          const suite = suites[suites.length - 1] as OpenSuite;
          suite.hasContent = true;
          suiteFailure = newCase(attrs, `${suite.rawName || 'suite'} (suite ${name})`, suite.rawName);
          suiteFailure.outcome = name === 'error' ? 'error' : 'failed';
          suiteFailure.message = decoded(attrs['message']).slice(0, this.maxMessage);
          suiteFailure.type = decoded(attrs['type']);
          textTarget = 'details';
        }
        if (selfClosing) closeElement(name);
      },
      close: (name) => {
        open.pop();
        closeElement(name);
      },
      text: (content) => {
        const target = suiteFailure ?? current;
        if (!target) return;
        if (textTarget === 'details') target.details = append(target.details, content, this.maxDetails);
        else if (textTarget === 'output') target.output = append(target.output, content, this.maxDetails);
        else if (textTarget === 'skip' && !target.message)
          target.message = content.trim().slice(0, this.maxMessage);
      },
      wantsText: () => textTarget !== undefined,
      // Test names, classes and files stay as written until a case is kept (see detachCase); the
      // other attributes read here are decoded where they are read.
      rawAttributes: true,
    };
  }

  /** A suite with counts and no test case: trust its attributes, and say that details are missing. */
  private addCountOnlySuite(name: string, attrs: Record<string, string>, report: string): void {
    const count = (value: string | undefined): number =>
      value !== undefined && /^\d+$/.test(value.trim()) ? Number(value.trim()) : 0;
    const total = count(attrs['tests']);
    if (total === 0) return;
    // Never more failed, errored or skipped tests than tests: a malformed report must not go negative.
    const errors = Math.min(count(attrs['errors']), total);
    const failures = Math.min(count(attrs['failures']), total - errors);
    const skipped = Math.min(
      count(attrs['skipped'] ?? attrs['skip'] ?? attrs['disabled']),
      total - errors - failures,
    );
    this.totalCount += total;
    this.failedCount += failures + errors;
    this.errorCount += errors;
    this.failedWithoutDetailsCount += failures + errors;
    this.skippedCount += skipped;
    this.duration += parseSeconds(attrs['time']);
    this.noticeList.push(
      `${report}: suite ${name ? `"${detach(name)}"` : '(unnamed)'} has no <testcase> elements; counted ${total} test(s) from its attributes (${failures} failed, ${errors} errors, ${skipped} skipped), without per-test details`,
    );
  }

  private finishCase(test: TestCase): void {
    const failed = test.outcome === 'failed' || test.outcome === 'error';
    // A nameless case has no identity: it is never a retry of another one, and nothing retries it.
    // Most tests never failed: asking the set of failed names first spares building (and hashing) a
    // file+class+name key for each of them.
    // Keys use the name, class and file as written (they are decoded only when a case is kept).
    const { name, classname, file } = test;
    const identity = name && this.failedNames.has(name) ? identityKey(file, classname, name) : undefined;
    const earlier = identity === undefined ? undefined : this.failedByIdentity.get(identity);
    if (earlier !== undefined) {
      // A second attempt of a test that failed: not a new test.
      this.duration += test.timeMs;
      if (failed) {
        // Still failing: keep the latest attempt's message.
        if (earlier) {
          earlier.retries++;
          earlier.message = test.message || earlier.message;
          earlier.details = test.details || earlier.details;
          if (test.outcome === 'error' && earlier.outcome !== 'error') {
            earlier.outcome = 'error';
            this.errorCount++;
          }
        }
        return;
      }
      if (test.outcome === 'passed') {
        this.failedByIdentity.delete(identity as string);
        this.failedCount--;
        if (earlier?.outcome === 'error') this.errorCount--;
        if (earlier) {
          const index = this.kept.indexOf(earlier);
          if (index >= 0) this.kept.splice(index, 1);
        }
        test.flaky = true;
        test.retries = (earlier?.retries ?? 0) + 1;
        test.message = test.message || earlier?.message || '';
        test.type = test.type || earlier?.type || '';
        test.details = test.details || earlier?.details || '';
        this.flakyCount++;
        if (this.flakyKept.length < this.maxKept) this.flakyKept.push(detachCase(test));
        // One test, one row among the slowest: the slower of its attempts.
        const listed = earlier ? this.slow.indexOf(earlier) : -1;
        if (listed < 0 || (earlier as TestCase).timeMs < test.timeMs) {
          if (listed >= 0) this.slow.splice(listed, 1);
          this.noteTime(test);
        }
        return;
      }
      return;
    }
    this.totalCount++;
    this.duration += test.timeMs;
    this.noteTime(test);
    if (failed) {
      this.failedCount++;
      if (test.outcome === 'error') this.errorCount++;
      const keep = this.kept.length < this.maxKept;
      if (keep) this.kept.push(detachCase(test));
      // A detached copy: the key would otherwise be a rope over substrings that pin the report's chunks.
      if (name) {
        this.failedNames.add(detach(name));
        this.failedByIdentity.set(detach(identityKey(file, classname, name)), keep ? test : null);
      }
    } else if (test.outcome === 'skipped') {
      this.skippedCount++;
    } else if (test.flaky) {
      this.flakyCount++;
      if (this.flakyKept.length < this.maxKept) this.flakyKept.push(detachCase(test));
    }
    if (!failed) test.output = '';
  }

  private noteTime(test: TestCase): void {
    if (this.slowestCount === 0 || test.outcome === 'skipped') return;
    const slow = this.slow;
    if (slow.length === this.slowestCount && (slow[slow.length - 1] as TestCase).timeMs >= test.timeMs)
      return;
    let i = slow.length;
    while (i > 0 && (slow[i - 1] as TestCase).timeMs < test.timeMs) i--;
    slow.splice(i, 0, detachCase(test));
    if (slow.length > this.slowestCount) slow.pop();
  }
}
