/**
 * Inline suppression: `# paved-lint-ignore <rule> [<rule> …] [-- reason]`.
 * At the end of a line it silences those rules on that line; alone on a line it silences them on the
 * next line. The comment is found by line, so it also works inside a `run: |` script, where it is a
 * shell comment. `actionlint` silences every actionlint finding; a comment that names no rule is
 * itself reported, so nothing is silenced by accident.
 */
import type { Finding } from './findings.js';

const MARKER = /#\s*paved-lint-ignore\b(.*)$/;

export interface Suppressions {
  /** Rules silenced per 1-based line. */
  byLine: Map<number, Set<string>>;
  /** Comments that name no rule. */
  bare: Array<{ line: number; column: number }>;
}

export function readSuppressions(text: string): Suppressions {
  const byLine = new Map<number, Set<string>>();
  const bare: Suppressions['bare'] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((content, index) => {
    const match = MARKER.exec(content);
    if (!match) return;
    const rules =
      (match[1] ?? '')
        .split('--')[0]
        ?.split(/[\s,]+/)
        .filter(Boolean) ?? [];
    const line = index + 1;
    if (rules.length === 0) {
      bare.push({ line, column: match.index + 1 });
      return;
    }
    const target = content.slice(0, match.index).trim() === '' ? line + 1 : line;
    const set = byLine.get(target) ?? new Set<string>();
    for (const rule of rules) set.add(rule);
    byLine.set(target, set);
  });
  return { byLine, bare };
}

export function isSuppressed(finding: Finding, suppressions: Suppressions): boolean {
  const rules = suppressions.byLine.get(finding.line);
  if (!rules) return false;
  return rules.has(finding.rule) || (finding.rule.startsWith('actionlint/') && rules.has('actionlint'));
}
