/**
 * `hashFiles()` as the runner computes it: the patterns are `@actions/glob` patterns relative to the
 * workspace (`!` excludes, a matched directory matches everything under it, dot files included);
 * every matched file inside the workspace is hashed with SHA-256, and the result is the SHA-256 of those
 * digests in the order the runner's globber finds the files (see matchFiles), not sorted: the runner's
 * own hashFiles (actions/runner src/Misc/expressionFunc/hashFiles) hashes as @actions/glob yields, so a
 * sorted order would give a different cache key for the same tree. No match gives ''.
 * It runs synchronously because expression functions are synchronous; the matching is shared/glob.ts.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { matchFiles } from '../shared/glob.js';

export { globToRegExp, matchFiles } from '../shared/glob.js';

/** The runner's first-argument flag for hashFiles (actions/runner HashFiles.cs). */
const FOLLOW_SYMBOLIC_LINKS = '--follow-symbolic-links';

export function hashFiles(workspace: string, patterns: string[]): string {
  const follow = patterns[0] === FOLLOW_SYMBOLIC_LINKS;
  const files = matchFiles(workspace, follow ? patterns.slice(1) : patterns, { followSymbolicLinks: follow });
  const inside = `${resolve(workspace)}${sep}`;
  const result = createHash('sha256');
  let count = 0;
  for (const file of files) {
    // As the runner: only files under the workspace count (an absolute pattern can reach outside).
    if (!file.startsWith(inside)) continue;
    // As the runner: a link to a directory is skipped; anything else is read (a broken link fails).
    if (statSync(file).isDirectory()) continue;
    result.update(createHash('sha256').update(readFileSync(file)).digest());
    count++;
  }
  return count === 0 ? '' : result.digest('hex');
}
