import { defaultConfig } from '../../../cli/lint/config.js';
import type { Finding } from '../../../cli/lint/findings.js';
import { lintText } from '../../../cli/lint/lint.js';
import type { FileKind } from '../../../cli/lint/target.js';

/** YAML from lines, so `${{ }}` needs no escaping and line numbers are easy to read. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** `line:col` of the nth occurrence of `token` in `text`, computed independently of the linter. */
export function pos(text: string, token: string, nth = 0): string {
  let index = -1;
  for (let i = 0; i <= nth; i++) {
    index = text.indexOf(token, index + 1);
    if (index < 0) throw new Error(`token ${JSON.stringify(token)} #${nth} not in text`);
  }
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return `${line}:${column}`;
}

export async function lint(
  text: string,
  options: { kind?: FileKind; pavedOrgs?: string[]; runnerLabels?: string[] } = {},
): Promise<Finding[]> {
  return lintText(text, 'test.yml', options.kind ?? 'workflow', defaultConfig(options));
}

/** `line:col rule` for every finding (optionally of one rule), in report order. */
export async function located(
  text: string,
  rule?: string,
  options: Parameters<typeof lint>[1] = {},
): Promise<string[]> {
  return (await lint(text, options))
    .filter((f) => rule === undefined || f.rule === rule)
    .map((f) => `${f.line}:${f.column} ${f.rule}`);
}
