/** A lint finding and its one-line form, `file:line:col: rule: message`. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
}

export function formatFinding(finding: Finding): string {
  return `${finding.file}:${finding.line}:${finding.column}: ${finding.rule}: ${finding.message}`;
}

/** File, then line, then column, then rule: the order an editor's problem list uses. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule)
  );
}
