/**
 * Glob patterns as @actions/glob reads them, matched synchronously and without loading @actions/glob
 * (which loads @actions/core, @actions/http-client and undici: most of an action's cold start). Used by
 * the engine's hashFiles(), which must match the runner's globber file for file and in the same order,
 * and by the test action to find its reports.
 *
 * Patterns: one per line, relative to `base` or absolute; `#` comments; `!` excludes (the last pattern
 * that matches a path decides); `*`, `?`, `[…]` within a segment, `**` across segments; a pattern that
 * matches a directory matches everything below it (the globber's implicitDescendants); dot files match.
 */
import { lstatSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

interface CompiledPattern {
  negate: boolean;
  regex: RegExp;
  /** The directory below which matches can exist (the pattern's literal prefix). */
  root: string;
  /** The pattern ends in `/**`: it matches a directory and everything below it. */
  subtree: boolean;
}

const GLOB_CHARS = /[*?[]/;

/** Translate one glob to a regular expression over absolute paths. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  const segments = pattern.split('/');
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      // `a/**/b` matches a/b, a/x/b, a/x/y/b; a trailing `/**` matches everything below.
      if (last) out = `${out.replace(/\/$/, '')}(?:/.*)?`;
      else out += '(?:[^/]+/)*';
      return;
    }
    for (let i = 0; i < segment.length; i++) {
      const char = segment[i] as string;
      if (char === '*') out += '[^/]*';
      else if (char === '?') out += '[^/]';
      else if (char === '[') {
        const close = segment.indexOf(']', i + 2);
        if (close < 0) out += '\\[';
        else {
          let body = segment.slice(i + 1, close);
          if (body.startsWith('!')) body = `^${body.slice(1)}`;
          out += `[${body.replace(/\\/g, '\\\\')}]`;
          i = close;
        }
      } else out += char.replace(/[.+^${}()|\\]/g, '\\$&');
    }
    if (!last) out += '/';
  });
  return new RegExp(`^${out}$`);
}

function compile(base: string, raw: string): CompiledPattern | undefined {
  let pattern = raw.trim();
  if (!pattern || pattern.startsWith('#')) return undefined;
  let negate = false;
  while (pattern.startsWith('!')) {
    negate = !negate;
    pattern = pattern.slice(1).trim();
  }
  const absolute = isAbsolute(pattern) ? pattern : join(base, pattern);
  const normalised = absolute.replace(/\/+$/, '') || '/';
  const segments = normalised.split('/');
  const literal: string[] = [];
  for (const segment of segments) {
    if (GLOB_CHARS.test(segment)) break;
    literal.push(segment);
  }
  const root = literal.length === segments.length ? normalised : literal.join('/') || '/';
  return { negate, regex: globToRegExp(normalised), root, subtree: normalised.endsWith('/**') };
}

/** Whether `file` or one of its ancestors matches (a matched directory matches all it contains). */
function matches(regex: RegExp, file: string): boolean {
  let current = file;
  for (;;) {
    if (regex.test(current)) return true;
    const cut = current.lastIndexOf('/');
    if (cut <= 0) return false;
    current = current.slice(0, cut);
  }
}

/**
 * The workspace paths `patterns` select, in the order the runner's globber yields them: one search path
 * per pattern root (in pattern order, leaving out roots below another root), each walked depth first with
 * a directory's entries in fs.readdir's order (by name), the way @actions/glob's globGenerator does. That
 * is not a sort of whole paths: web/x comes before web-admin/x here, after it in a sort ('-' < '/').
 * Symbolic links are not followed unless `followSymbolicLinks` (the runner's `--follow-symbolic-links`);
 * a link is then a path like any file, and hashFiles reads what it points to.
 */
export function matchFiles(
  base: string,
  patterns: string[],
  options: { followSymbolicLinks?: boolean } = {},
): string[] {
  const compiled = patterns
    .flatMap((p) => p.split('\n'))
    .map((p) => compile(resolve(base), p))
    .filter((p): p is CompiledPattern => !!p);
  const roots = compiled.filter((p) => !p.negate).map((p) => p.root);
  const candidates = new Set(roots);
  const searchPaths: string[] = [];
  for (const root of roots) {
    if (searchPaths.includes(root)) continue;
    let ancestor = false;
    for (let parent = dirname(root), child = root; parent !== child; child = parent, parent = dirname(parent))
      if (candidates.has(parent)) ancestor = true;
    if (!ancestor) searchPaths.push(root);
  }
  // A directory that a trailing-`/**` exclusion matches, with no inclusion after it, holds nothing
  // that can be selected: skipping it (node_modules, say) changes the result in nothing but time.
  const lastInclude = compiled.map((p) => !p.negate).lastIndexOf(true);
  const pruners = compiled.filter((p, index) => p.negate && p.subtree && index > lastInclude);
  const selected: string[] = [];
  for (const searchPath of searchPaths) {
    if (!lstatOrUndefined(searchPath)) continue;
    // Depth first, children in readdir order: pushed reversed so that the first is popped first.
    const stack: { path: string; chain: string[] }[] = [{ path: searchPath, chain: [] }];
    while (stack.length > 0) {
      const { path, chain } = stack.pop() as { path: string; chain: string[] };
      const stat = options.followSymbolicLinks ? statOrUndefined(path) : lstatOrUndefined(path);
      if (!stat) continue; // a broken link (when following), or gone since it was listed
      if (stat.isDirectory()) {
        let next = chain;
        if (options.followSymbolicLinks) {
          const real = realpathSync(path);
          if (chain.includes(real)) continue; // a link cycle
          next = [...chain, real];
        }
        if (pruners.some((p) => p.regex.test(path))) continue;
        const children = readdirSync(path).map((name) => ({ path: join(path, name), chain: next }));
        stack.push(...children.reverse());
        continue;
      }
      let included = false;
      for (const pattern of compiled) if (matches(pattern.regex, path)) included = !pattern.negate;
      if (included) selected.push(path);
    }
  }
  return selected;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
