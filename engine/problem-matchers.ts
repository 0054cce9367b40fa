/**
 * Problem matchers (`::add-matcher::path.json`, `::remove-matcher owner=x::`): regular expressions that
 * turn lines of a step's output into annotations, as actions/runner does (src/Runner.Worker/IssueMatcher.cs,
 * ActionCommandManager.cs AddMatcherCommandExtension, OutputManager.cs). Setup actions register them so
 * that compiler and linter output points at the file and line.
 *
 * - A matcher file holds `{"problemMatcher": [{"owner", "severity"?, "pattern": [...]}]}`; each pattern
 *   has a `regexp` and the group numbers of `file`, `fromPath`, `line`, `column`, `endLine`,
 *   `endColumn`, `severity`, `code` and `message`. Several patterns match consecutive lines; `loop` on
 *   the last one repeats it for every following line that matches.
 * - Matchers hold for the rest of the job, in every later step; one added again with the same owner
 *   replaces the earlier one, and the most recently added matcher is tried first.
 * - A match becomes an annotation of the matched severity (`warning`, `notice`, `error`; anything else
 *   takes the matcher's default, else `error`). Its file is resolved against `fromPath`'s directory or
 *   the workspace and kept only when it exists inside the repository, then written relative to it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

const GROUPS = [
  'file',
  'fromPath',
  'line',
  'column',
  'endLine',
  'endColumn',
  'severity',
  'code',
  'message',
] as const;
type Group = (typeof GROUPS)[number];

interface Pattern {
  regexp: RegExp;
  groups: Partial<Record<Group, number>>;
  loop: boolean;
}

export interface ProblemMatcher {
  owner: string;
  severity: 'error' | 'warning' | 'notice' | undefined;
  patterns: Pattern[];
}

/** What a matched line (or run of lines) says, before its file is resolved. */
export interface MatchedProblem {
  severity: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  fromPath?: string;
  line?: number;
  col?: number;
  endLine?: number;
  endColumn?: number;
  code?: string;
}

/** A problem in a matcher file; the message says what and where, for the step's error. */
export class MatcherError extends Error {
  override name = 'MatcherError';
}

function severityOf(text: string | undefined): MatchedProblem['severity'] | undefined {
  const value = text?.trim().toLowerCase();
  return value === 'error' || value === 'warning' || value === 'notice' ? value : undefined;
}

/** Read and check a matcher file (the runner's IssueMatchersConfig.Validate). */
export function loadMatchers(path: string): ProblemMatcher[] {
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new MatcherError(
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `Could not find file '${path}'.`
        : `${path}: not a problem matcher file: ${(error as Error).message}`,
    );
  }
  const list = (config as { problemMatcher?: unknown } | null)?.problemMatcher;
  if (!Array.isArray(list)) throw new MatcherError(`${path}: 'problemMatcher' must be an array`);
  return list.map((raw, index) => {
    const where = `${path}: problemMatcher[${index}]`;
    const entry = (raw ?? {}) as Record<string, unknown>;
    const owner = entry['owner'];
    if (typeof owner !== 'string' || !owner) throw new MatcherError(`${where}: owner must be set`);
    const defaultSeverity = entry['severity'];
    const severity = defaultSeverity === undefined ? undefined : severityOf(String(defaultSeverity));
    if (defaultSeverity !== undefined && !severity)
      throw new MatcherError(
        `${where}: severity must be 'error', 'warning' or 'notice'; got '${String(defaultSeverity)}'`,
      );
    const rawPatterns = entry['pattern'];
    if (!Array.isArray(rawPatterns) || rawPatterns.length === 0)
      throw new MatcherError(`${where}: pattern must be a non-empty array`);
    const patterns = rawPatterns.map((rawPattern, at): Pattern => {
      const p = (rawPattern ?? {}) as Record<string, unknown>;
      const here = `${where}.pattern[${at}]`;
      if (typeof p['regexp'] !== 'string' || !p['regexp'])
        throw new MatcherError(`${here}: regexp must be set`);
      let regexp: RegExp;
      try {
        regexp = new RegExp(p['regexp']);
      } catch (error) {
        throw new MatcherError(`${here}: regexp is not valid: ${(error as Error).message}`);
      }
      const groups: Partial<Record<Group, number>> = {};
      for (const group of GROUPS) {
        const value = p[group];
        if (value === undefined) continue;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
          throw new MatcherError(`${here}: ${group} must be a group number; got ${JSON.stringify(value)}`);
        groups[group] = value;
      }
      const loop = p['loop'] === true;
      if (loop && (rawPatterns.length === 1 || at !== rawPatterns.length - 1))
        throw new MatcherError(`${here}: only the last pattern of a multi-line matcher may set 'loop'`);
      if (loop && groups.message === undefined)
        throw new MatcherError(`${here}: a pattern that sets 'loop' must also set 'message'`);
      return { regexp, groups, loop };
    });
    if (!patterns.some((pattern) => pattern.groups.message !== undefined))
      throw new MatcherError(`${where}: one of its patterns must set 'message'`);
    return { owner, severity, patterns };
  });
}

/** One matcher's progress through consecutive lines. */
class MatcherState {
  private index = 0;
  private captured: Partial<Record<Group, string>> = {};
  private looped = false;
  constructor(readonly matcher: ProblemMatcher) {}

  reset(): void {
    this.index = 0;
    this.captured = {};
    this.looped = false;
  }

  /** The problem this line completes, if any. */
  match(line: string): MatchedProblem | undefined {
    if (this.index > 0 || this.looped) {
      const found = this.advance(line);
      if (found !== false) return found;
      // Not the next line of this problem (or the end of a loop): start again with this line.
      this.reset();
    }
    const found = this.advance(line);
    return found === false ? undefined : found;
  }

  /** Try the current pattern on `line`: false when it does not match. */
  private advance(line: string): MatchedProblem | undefined | false {
    const patterns = this.matcher.patterns;
    const pattern = patterns[this.index] as Pattern;
    const match = pattern.regexp.exec(line);
    if (!match) return false;
    const last = this.index === patterns.length - 1;
    const values: Partial<Record<Group, string>> =
      last && pattern.loop ? { ...this.captured } : this.captured;
    for (const [group, number] of Object.entries(pattern.groups) as Array<[Group, number]>)
      if (match[number] !== undefined) values[group] = match[number];
    if (!last) {
      this.index++;
      return undefined;
    }
    const problem = this.problem(values);
    if (pattern.loop) this.looped = true;
    else this.reset();
    return problem;
  }

  private problem(values: Partial<Record<Group, string>>): MatchedProblem | undefined {
    const message = values.message?.trim();
    if (!message) return undefined;
    const number = (text: string | undefined): number | undefined =>
      text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
    const problem: MatchedProblem = {
      severity: severityOf(values.severity) ?? this.matcher.severity ?? 'error',
      message,
    };
    if (values.file?.trim()) problem.file = values.file.trim();
    if (values.fromPath?.trim()) problem.fromPath = values.fromPath.trim();
    const line = number(values.line);
    if (line !== undefined) problem.line = line;
    const col = number(values.column);
    if (col !== undefined) problem.col = col;
    const endLine = number(values.endLine);
    if (endLine !== undefined) problem.endLine = endLine;
    const endColumn = number(values.endColumn);
    if (endColumn !== undefined) problem.endColumn = endColumn;
    if (values.code?.trim()) problem.code = values.code.trim();
    return problem;
  }
}

/** The matchers a job has registered, and their progress through the current step's output. */
export class ProblemMatchers {
  private states: MatcherState[] = [];

  get size(): number {
    return this.states.length;
  }

  /** Add (or replace, by owner) matchers; the most recent is tried first. */
  add(matchers: ProblemMatcher[]): void {
    for (const matcher of matchers) {
      this.states = this.states.filter((state) => state.matcher.owner !== matcher.owner);
      this.states.unshift(new MatcherState(matcher));
    }
  }

  /** Remove the matcher of `owner`; false when there is none. */
  remove(owner: string): boolean {
    const before = this.states.length;
    this.states = this.states.filter((state) => state.matcher.owner !== owner);
    return this.states.length !== before;
  }

  /** A new step: no problem spans two steps. */
  resetAll(): void {
    for (const state of this.states) state.reset();
  }

  /** The problem `line` completes, from the first matcher that completes one. */
  match(line: string): MatchedProblem | undefined {
    for (const state of this.states) {
      const problem = state.match(line);
      if (problem) {
        for (const other of this.states) if (other !== state) other.reset();
        return problem;
      }
    }
    return undefined;
  }
}

/**
 * The file of a problem as an annotation shows it: resolved against `fromPath`'s directory (or the
 * workspace), and relative to the repository; undefined when it does not exist or is outside it.
 */
export function problemFile(problem: MatchedProblem, workspace: string): string | undefined {
  if (!problem.file) return undefined;
  let base = workspace;
  if (problem.fromPath) {
    const from = isAbsolute(problem.fromPath) ? problem.fromPath : resolve(workspace, problem.fromPath);
    base = existsSync(from) && statSync(from).isDirectory() ? from : dirname(from);
  }
  const file = isAbsolute(problem.file) ? problem.file : resolve(base, problem.file);
  if (!existsSync(file)) return undefined;
  const inRepository = relative(workspace, file);
  if (inRepository.startsWith('..') || isAbsolute(inRepository)) return undefined;
  return inRepository;
}
