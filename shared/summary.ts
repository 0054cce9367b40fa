/**
 * Job summaries within the runner's limit. GitHub refuses a step summary over 1 MiB (the upload fails
 * and the summary is lost), so the builder keeps a byte budget: sections that no longer fit are left
 * out and a closing note says how many.
 */
import { appendStepSummary } from './workflow-commands.js';
import { redact } from './secrets.js';

/** The runner's per-step summary limit. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
const NOTE_RESERVE = 512;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Text safe inside a Markdown table cell: pipes escaped, newlines as <br>. */
export function tableCell(text: string): string {
  return escapeHtml(text).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A fenced code block whose fence is longer than any backtick run in the text. */
export function codeBlock(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `| ${headers.map(tableCell).join(' | ')} |`;
  const rule = `| ${headers.map(() => '---').join(' | ')} |`;
  const body = rows.map((row) => `| ${row.map(tableCell).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

/** A collapsible section. The body is Markdown; blank lines around it make GitHub render it. */
export function details(summary: string, body: string): string {
  return `<details><summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`;
}

export class SummaryBuilder {
  private readonly parts: string[] = [];
  private bytes = 0;
  private omitted = 0;

  constructor(private readonly limitBytes = SUMMARY_LIMIT_BYTES) {}

  /**
   * Append a Markdown section if it fits the budget. Returns false (and counts it as left out) when it
   * does not. Registered secrets are redacted.
   */
  add(markdown: string): boolean {
    const text = `${redact(markdown)}\n\n`;
    const size = Buffer.byteLength(text, 'utf8');
    if (this.bytes + size > this.limitBytes - NOTE_RESERVE) {
      this.omitted++;
      return false;
    }
    this.parts.push(text);
    this.bytes += size;
    return true;
  }

  heading(text: string, level: 1 | 2 | 3 | 4 = 2): boolean {
    return this.add(`${'#'.repeat(level)} ${text}`);
  }

  /** Sections left out so far. */
  get omittedSections(): number {
    return this.omitted;
  }

  toString(): string {
    const note =
      this.omitted > 0
        ? `> [!NOTE]\n> ${this.omitted} more section(s) were left out to keep this summary under GitHub's ${Math.round(
            this.limitBytes / 1024,
          )} KiB limit; the full results are in the step's outputs and log.\n`
        : '';
    return this.parts.join('') + note;
  }

  /** Append to the job summary (GITHUB_STEP_SUMMARY). Without a runner, does nothing. */
  async write(env: NodeJS.ProcessEnv = process.env): Promise<void> {
    if (!env['GITHUB_STEP_SUMMARY']) return;
    appendStepSummary(this.toString(), env);
  }
}
