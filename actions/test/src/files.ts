/**
 * Report and coverage globs → files. Patterns are relative to the working directory; `!pattern`
 * excludes. node_modules is never searched unless a pattern names it: packages ship their own test
 * fixtures, and `**\/junit*.xml` would otherwise pick them up.
 */
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export async function findFiles(patterns: readonly string[], base: string): Promise<string[]> {
  const { create } = await import('@actions/glob');
  const rooted = patterns.map((pattern) => {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    const absolute = isAbsolute(body) ? body : join(base, body);
    return `${negated ? '!' : ''}${absolute}`;
  });
  if (!patterns.some((p) => p.includes('node_modules'))) rooted.push(`!${join(base, '**/node_modules/**')}`);
  const globber = await create(rooted.join('\n'), { followSymbolicLinks: true, matchDirectories: false });
  const files = (await globber.glob()).filter((file) => {
    try {
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
  return [...new Set(files)].sort();
}
