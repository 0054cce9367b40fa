/**
 * Report and coverage globs → files. Patterns are relative to the working directory; `!pattern`
 * excludes. node_modules is never searched unless a pattern names it: packages ship their own test
 * fixtures, and `**\/junit*.xml` would otherwise pick them up. Symbolic links are followed.
 *
 * shared/glob.ts reads the patterns as @actions/glob does, without loading it (and the @actions/core,
 * http-client and undici it loads): the no-report failure is the common first-run path and stays fast.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { matchFiles } from '../../../shared/glob.js';

export async function findFiles(patterns: readonly string[], base: string): Promise<string[]> {
  const all = [...patterns];
  if (!patterns.some((p) => p.includes('node_modules'))) all.push(`!${join(base, '**/node_modules/**')}`);
  const files = matchFiles(base, all, { followSymbolicLinks: true }).filter((file) => {
    try {
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
  return [...new Set(files)].sort();
}
