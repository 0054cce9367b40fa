/**
 * `hashFiles()` as the runner computes it: the patterns are `@actions/glob` patterns relative to the
 * workspace (`!` excludes, a matched directory matches everything under it, dot files included);
 * every matched regular file inside the workspace is hashed with SHA-256, and the result is the
 * SHA-256 of those digests in path order. No match gives ''.
 * It runs synchronously because expression functions are synchronous.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

interface CompiledPattern {
  negate: boolean;
  regex: RegExp;
  /** The directory below which matches can exist (the pattern's literal prefix). */
  root: string;
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

function compile(workspace: string, raw: string): CompiledPattern | undefined {
  let pattern = raw.trim();
  if (!pattern || pattern.startsWith('#')) return undefined;
  let negate = false;
  while (pattern.startsWith('!')) {
    negate = !negate;
    pattern = pattern.slice(1).trim();
  }
  const absolute = isAbsolute(pattern) ? pattern : join(workspace, pattern);
  const normalised = absolute.replace(/\/+$/, '') || '/';
  const segments = normalised.split('/');
  const literal: string[] = [];
  for (const segment of segments) {
    if (GLOB_CHARS.test(segment)) break;
    literal.push(segment);
  }
  const root = literal.length === segments.length ? normalised : literal.join('/') || '/';
  return { negate, regex: globToRegExp(normalised), root };
}

function walk(path: string, out: string[]): void {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return;
  }
  if (stat.isFile()) {
    out.push(path);
    return;
  }
  if (!stat.isDirectory()) return;
  for (const entry of readdirSync(path)) walk(join(path, entry), out);
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

/** The workspace files `patterns` select, sorted. */
export function matchFiles(workspace: string, patterns: string[]): string[] {
  const compiled = patterns
    .flatMap((p) => p.split('\n'))
    .map((p) => compile(resolve(workspace), p))
    .filter((p): p is CompiledPattern => !!p);
  const candidates = new Set<string>();
  for (const pattern of compiled) {
    if (pattern.negate) continue;
    const found: string[] = [];
    walk(pattern.root, found);
    for (const file of found) candidates.add(file);
  }
  const prefix = `${resolve(workspace)}${sep}`;
  const selected: string[] = [];
  for (const file of candidates) {
    if (!file.startsWith(prefix)) continue;
    let included = false;
    for (const pattern of compiled) if (matches(pattern.regex, file)) included = !pattern.negate;
    if (included) selected.push(file);
  }
  return selected.sort();
}

export function hashFiles(workspace: string, patterns: string[]): string {
  const files = matchFiles(workspace, patterns);
  if (files.length === 0) return '';
  const result = createHash('sha256');
  for (const file of files) result.update(createHash('sha256').update(readFileSync(file)).digest());
  return result.digest('hex');
}
