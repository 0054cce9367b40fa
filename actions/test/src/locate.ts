/**
 * Where a failure happened, as a file in the workspace and a line: from the test case's own `file` and
 * `line` attributes when a tool writes them, else from the first stack frame that points into the
 * workspace (JavaScript, Python, Go, Rust, Java/Kotlin, C#, PHP, C++ forms), else from the classname
 * read as a path. Paths written on another machine (`/home/runner/work/app/app/src/x.php`) are matched
 * by their longest suffix that exists here.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { TestCase } from './junit.js';

export interface Location {
  /** Relative to the workspace, with forward slashes. */
  file: string;
  line: number | undefined;
}

interface Candidate {
  path: string;
  line: number | undefined;
  /** A Java-style frame gives a class, not a path. */
  className?: string;
}

/** Directories that never hold the user's own code. */
const FOREIGN =
  /(^|\/)(node_modules|site-packages|dist-packages|vendor|\.cargo|\.rustup|go\/pkg\/mod|\.git|\.venv|venv|__pycache__)(\/|$)/;
const SKIP_WALK = new Set([
  '.git',
  'node_modules',
  '.venv',
  'venv',
  '__pycache__',
  'target',
  '.gradle',
  '.cache',
  'dist',
  'build',
  'coverage',
]);
const MAX_INDEXED_FILES = 200_000;

const FRAME_PATTERNS: { regex: RegExp; path: number; line: number; className?: number }[] = [
  // Python traceback: File "tests/test_x.py", line 12, in test_y
  { regex: /File "([^"\n]{1,300})", line (\d+)/g, path: 1, line: 2 },
  // Rust: panicked at src/lib.rs:18:9
  { regex: /panicked at ([^\s:]{1,300}\.rs):(\d+)(?::\d+)?/g, path: 1, line: 2 },
  // C#: in /src/Api.Tests/Users/CreateTests.cs:line 57
  { regex: /in ((?:[A-Za-z]:)?[^\s:]{1,300}\.cs):line (\d+)/g, path: 1, line: 2 },
  // JVM: at com.example.FooTest.method(FooTest.java:42)
  {
    regex: /at ((?:[\w$]+\.)+)[\w$<>-]+\(([\w$]+\.(?:java|kt|kts|scala|groovy)):(\d+)\)/g,
    path: 2,
    line: 3,
    className: 1,
  },
];

/**
 * `path.ext:line[:col]` as one whole token (delimited by whitespace, brackets, quotes or commas):
 * JavaScript/TypeScript frames, Go, pytest short tracebacks, PHP, C/C++, Rust. One global expression
 * finds only those tokens; cutting the text into every token first and testing each one allocated a
 * match per word of a thousand stack traces. Whole tokens keep this linear on huge messages.
 */
const PATH_LINE_TOKEN =
  /(?<![^\s()'"`[\]<>,])(?:file:\/\/)?((?:[A-Za-z]:)?[^:\s()'"`[\]<>,]+\.(?:[cm]?[jt]sx?|vue|svelte|go|py|php|c|cc|cpp|cxx|h|hpp|rb|swift|ex|exs|rs|cs|java|kt|scala)):(\d+)(?::\d+)?:?(?![^\s()'"`[\]<>,])/g;

/** Finds files in one workspace; the file index is built on first need and shared across failures. */
export class WorkspaceLocator {
  private byName: Map<string, string[]> | undefined;
  /**
   * Answers already found: thousands of failures name the same few files and classes (every frame of a
   * shared helper), and the workspace does not change while the action reads the reports.
   */
  private readonly resolved = new Map<string, string | undefined>();
  private readonly classnames = new Map<string, string | undefined>();
  private readonly classes = new Map<string, string | undefined>();

  constructor(private readonly workspace: string) {}

  /** The best location for a failed test, or undefined when nothing points into the workspace. */
  locate(test: TestCase): Location | undefined {
    const frames = this.framesOf(test);
    if (test.file) {
      const file = this.resolve(test.file);
      if (file) {
        // A frame in the same file says which line inside the test failed; prefer it to the test's first line.
        const frameLine = frames.find((c) => !c.className && this.resolve(c.path) === file)?.line;
        return { file, line: frameLine ?? test.line };
      }
    }
    for (const candidate of frames) {
      const file = candidate.className
        ? this.resolveClass(candidate.className, candidate.path)
        : this.resolve(candidate.path);
      if (file) return { file, line: candidate.line };
    }
    const fromClass = this.resolveClassname(test.classname);
    if (fromClass) return { file: fromClass, line: test.line };
    return undefined;
  }

  private framesOf(test: TestCase): Candidate[] {
    // Paths are bounded ({1,300}) and so is the text searched: a huge message cannot make this quadratic.
    const text = `${test.message.slice(0, 4000)}\n${test.details.slice(0, 16_000)}\n${test.output.slice(0, 8000)}`;
    // exec() loops rather than matchAll(): a thousand failures' stack traces make tens of thousands of
    // matches, and the iterator protocol's objects were most of this function's time.
    const found: { index: number; candidate: Candidate }[] = [];
    for (const pattern of FRAME_PATTERNS) {
      const regex = pattern.regex;
      regex.lastIndex = 0;
      for (let match = regex.exec(text); match; match = regex.exec(text)) {
        const path = match[pattern.path] as string;
        if (path.startsWith('node:') || path.startsWith('internal/')) continue;
        found.push({
          index: match.index,
          candidate: {
            path,
            line: Number(match[pattern.line]),
            className: pattern.className
              ? (match[pattern.className] as string).replace(/\.$/, '')
              : undefined,
          },
        });
      }
    }
    PATH_LINE_TOKEN.lastIndex = 0;
    for (let match = PATH_LINE_TOKEN.exec(text); match; match = PATH_LINE_TOKEN.exec(text)) {
      const path = match[1] as string;
      if (path.startsWith('node:')) continue;
      found.push({ index: match.index, candidate: { path, line: Number(match[2]) } });
    }
    // Earliest in the text first: the innermost frame that is the user's code.
    return found.sort((a, b) => a.index - b.index).map((f) => f.candidate);
  }

  /** A path as written in a report → a workspace-relative path that exists, or undefined. */
  resolve(written: string): string | undefined {
    if (this.resolved.has(written)) return this.resolved.get(written);
    const found = this.resolveUncached(written);
    this.resolved.set(written, found);
    return found;
  }

  private resolveUncached(written: string): string | undefined {
    const path = written.replace(/\\/g, '/').replace(/^file:\/\//, '');
    if (FOREIGN.test(path)) return undefined;
    if (isAbsolute(path)) {
      const rel = relative(this.workspace, path);
      if (!rel.startsWith('..') && !isAbsolute(rel) && isFile(path)) return toPosix(rel);
    } else {
      const clean = path.replace(/^\.\//, '');
      if (isFile(join(this.workspace, clean))) return clean;
    }
    // Written elsewhere (another checkout, a container): the longest suffix that exists here.
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const suffix = parts.slice(i).join('/');
      if (isFile(join(this.workspace, suffix))) return suffix;
    }
    const base = parts[parts.length - 1];
    if (!base) return undefined;
    const same = this.filesNamed(base);
    return same.length === 1 ? same[0] : undefined;
  }

  /** `com.example.FooTest` + `FooTest.java` → the file under some source root ending in com/example/FooTest.java. */
  private resolveClass(className: string, fileName: string): string | undefined {
    const key = `${className}\u0000${fileName}`;
    if (this.classes.has(key)) return this.classes.get(key);
    const found = this.resolveClassUncached(className, fileName);
    this.classes.set(key, found);
    return found;
  }

  private resolveClassUncached(className: string, fileName: string): string | undefined {
    const packagePath = className.split('.').slice(0, -1).join('/');
    const wanted = packagePath ? `${packagePath}/${fileName}` : fileName;
    const matches = this.filesNamed(fileName).filter((f) => f === wanted || f.endsWith(`/${wanted}`));
    return matches[0];
  }

  /** pytest `tests.test_cart.TestCart` → tests/test_cart.py; a classname that is a path is tried as one. */
  private resolveClassname(classname: string): string | undefined {
    if (!classname) return undefined;
    if (this.classnames.has(classname)) return this.classnames.get(classname);
    const found = this.resolveClassnameUncached(classname);
    this.classnames.set(classname, found);
    return found;
  }

  private resolveClassnameUncached(classname: string): string | undefined {
    if (/[/\\]/.test(classname) || /\.[cm]?[jt]sx?$/.test(classname)) return this.resolve(classname);
    const parts = classname.split('.');
    for (let n = parts.length; n > 0; n--) {
      for (const ext of ['.py', '.java', '.kt', '.rb']) {
        const candidate = `${parts.slice(0, n).join('/')}${ext}`;
        if (isFile(join(this.workspace, candidate))) return candidate;
      }
    }
    return undefined;
  }

  private filesNamed(base: string): string[] {
    if (!this.byName) this.byName = indexWorkspace(this.workspace);
    return this.byName.get(base) ?? [];
  }
}

function indexWorkspace(root: string): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  let count = 0;
  const walk = (dir: string, rel: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (count >= MAX_INDEXED_FILES) return;
      if (entry.isDirectory()) {
        if (!SKIP_WALK.has(entry.name))
          walk(join(dir, entry.name), rel ? `${rel}/${entry.name}` : entry.name);
      } else if (entry.isFile()) {
        count++;
        const list = byName.get(entry.name);
        const path = rel ? `${rel}/${entry.name}` : entry.name;
        if (list) list.push(path);
        else byName.set(entry.name, [path]);
      }
    }
  };
  walk(root, '');
  return byName;
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
