/**
 * Workflow commands (`::name k=v,k=v::data` on a step's output) and file commands (`GITHUB_OUTPUT`,
 * `GITHUB_ENV`, `GITHUB_STATE`, `GITHUB_PATH`), parsed the way actions/runner parses them, with its
 * error messages. See actions/runner src/Runner.Worker/ActionCommandManager.cs and FileCommandManager.cs.
 */

/** A parsed workflow command. */
export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  data: string;
}

/** The runner's escaping: data escapes %, CR and LF; properties also `:` and `,`. */
export function unescapeData(value: string): string {
  return value.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

export function unescapeProperty(value: string): string {
  return value
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',')
    .replace(/%25/g, '%');
}

/**
 * Parse `::command k=v,…::data` (after leading whitespace), or the legacy `##[command k=v;]data`.
 * Command and property names are case-insensitive, so both come back lower-cased.
 */
export function parseCommand(line: string): WorkflowCommand | undefined {
  const trimmed = line.trimStart();
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    if (end < 0) return undefined;
    const info = trimmed.slice(2, end);
    const space = info.indexOf(' ');
    const command = (space < 0 ? info : info.slice(0, space)).trim().toLowerCase();
    if (!command) return undefined;
    const properties: Record<string, string> = {};
    if (space >= 0) {
      for (const entry of info.slice(space + 1).split(',')) {
        if (!entry) continue;
        const eq = entry.indexOf('=');
        if (eq <= 0) continue;
        properties[entry.slice(0, eq).trim().toLowerCase()] = unescapeProperty(entry.slice(eq + 1));
      }
    }
    return { command, properties, data: unescapeData(trimmed.slice(end + 2)) };
  }
  if (trimmed.startsWith('##[')) {
    const end = trimmed.indexOf(']', 3);
    if (end < 0) return undefined;
    const info = trimmed.slice(3, end);
    const space = info.indexOf(' ');
    const command = (space < 0 ? info : info.slice(0, space)).trim().toLowerCase();
    if (!command) return undefined;
    const properties: Record<string, string> = {};
    if (space >= 0) {
      for (const entry of info.slice(space + 1).split(';')) {
        const eq = entry.indexOf('=');
        if (eq <= 0) continue;
        properties[entry.slice(0, eq).trim().toLowerCase()] = unescapeProperty(entry.slice(eq + 1).trim());
      }
    }
    return { command, properties, data: unescapeData(trimmed.slice(end + 1)) };
  }
  return undefined;
}

/** A problem in a file command; the message is the runner's. */
export class FileCommandError extends Error {
  override name = 'FileCommandError';
}

/**
 * Parse the `NAME=VALUE` / `NAME<<DELIMITER` format shared by GITHUB_ENV, GITHUB_OUTPUT and GITHUB_STATE,
 * as actions/runner's EnvFileKeyValuePairs does on Linux and macOS: lines end at `\n` only (a `\r`
 * before it stays in the value; only the Windows runner takes CRLF as one line end), `=` splits at the
 * first one (an empty name is accepted, as the runner's check never sees it), and a heredoc's value is
 * everything between its line and the delimiter line, without the last line end.
 * Returns pairs in file order.
 */
export function parseKeyValueFile(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let index = 0;
  // The next line and whether it ended with `\n`; undefined at the end of the text.
  const readLine = (): { line: string; newline: boolean } | undefined => {
    if (index >= text.length) return undefined;
    const start = index;
    const lf = text.indexOf('\n', index);
    if (lf < 0) {
      index = text.length;
      return { line: text.slice(start), newline: false };
    }
    index = lf + 1;
    return { line: text.slice(start, lf), newline: true };
  };
  for (let next = readLine(); next; next = readLine()) {
    const line = next.line;
    if (!line) continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      pairs.push([line.slice(0, eq), line.slice(eq + 1)]);
    } else if (heredoc >= 0 && (eq < 0 || heredoc < eq)) {
      const key = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (!key || !delimiter)
        throw new FileCommandError(
          `Invalid format '${line}'. Name must not be empty and delimiter must not be empty`,
        );
      const start = index;
      let end = index;
      for (let value = readLine(); value?.line !== delimiter; value = readLine()) {
        if (!value) throw new FileCommandError(`Invalid value. Matching delimiter not found '${delimiter}'`);
        if (!value.newline) throw new FileCommandError('Invalid value. EOF marker missing new line.');
        end = index - 1;
      }
      pairs.push([key, end > start ? text.slice(start, end) : '']);
    } else {
      throw new FileCommandError(`Invalid format '${line}'`);
    }
  }
  return pairs;
}

/** GITHUB_PATH: one directory per non-empty line. */
export function parsePathFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** Uri.EscapeDataString: every character but RFC 3986's unreserved ones percent-encoded. */
function uriDataEscape(value: string): string {
  try {
    return encodeURIComponent(value).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  } catch {
    return ''; // a lone surrogate cannot be escaped
  }
}

/**
 * The runner's value encoders (actions/runner src/Sdk/DTLogging/Logging/ValueEncoders.cs, registered
 * in HostContext): every form a secret is masked in besides itself.
 */
export function secretVariations(value: string): string[] {
  const out: string[] = [];
  // Base64 of the value at each of the three byte alignments it can start at inside a longer
  // encoded text, without padding, in both the standard and the URL-safe alphabet
  // (EnumerateBase64Variations).
  const bytes = Buffer.from(value, 'utf8');
  for (let offset = 0; offset <= 2; offset++) {
    const pruned = bytes.subarray(offset);
    if (pruned.length === 0) continue;
    const base64 = pruned.toString('base64').replace(/=+$/, '');
    out.push(base64, base64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  out.push(value.replace(/'/g, "''")); // ExpressionStringEscape
  out.push(JSON.stringify(value).slice(1, -1)); // JsonStringEscape
  out.push(uriDataEscape(value)); // UriDataEscape
  out.push(
    // XmlDataEscape (SecurityElement.Escape)
    value.replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string,
    ),
  );
  // TrimDoubleQuotes: a quoted value longer than 8 characters also without its quotes.
  if (value.length > 8 && value.startsWith('"') && value.endsWith('"')) out.push(value.slice(1, -1));
  return out.filter(Boolean);
}

/**
 * The set of values to hide, and the forms they leak in. Every line written to the log goes through
 * {@link Masker.mask}; the runner masks with the same list for the rest of the run.
 */
export class Masker {
  private readonly originals = new Set<string>();
  private readonly values = new Set<string>();
  private sorted: string[] = [];

  /**
   * Register a secret or an `::add-mask::` value with its encoded forms. The runner reads a step's
   * output line by line, so a multi-line value is also registered line by line (each trimmed, blank
   * lines left out), as its Worker does for multi-line secrets. Blank values are ignored.
   */
  add(value: string | undefined): void {
    if (!value || !value.trim()) return;
    const candidates = [value];
    if (/[\r\n]/.test(value))
      for (const line of value.split(/[\r\n]+/)) if (line.trim()) candidates.push(line.trim());
    let added = false;
    for (const candidate of candidates) {
      if (this.originals.has(candidate)) continue;
      this.originals.add(candidate);
      for (const form of [candidate, ...secretVariations(candidate)]) {
        if (!this.values.has(form)) {
          this.values.add(form);
          added = true;
        }
      }
    }
    if (added) this.sorted = [...this.values].sort((a, b) => b.length - a.length);
  }

  /**
   * Replace every occurrence of every value with `***`. Overlapping or adjacent matches of different
   * values merge into one `***`, as SecretMasker.MaskSecrets merges replacement positions.
   */
  mask(text: string): string {
    if (this.sorted.length === 0 || !text) return text;
    let ranges: Array<[number, number]> | undefined;
    for (const value of this.sorted) {
      let at = text.indexOf(value);
      while (at >= 0) {
        (ranges ??= []).push([at, at + value.length]);
        at = text.indexOf(value, at + 1);
      }
    }
    if (!ranges) return text;
    ranges.sort((a, b) => a[0] - b[0]);
    let result = '';
    let cursor = 0;
    let current: [number, number] | undefined;
    for (const range of ranges) {
      if (current && range[0] <= current[1]) current[1] = Math.max(current[1], range[1]);
      else {
        if (current) {
          result += `${text.slice(cursor, current[0])}***`;
          cursor = current[1];
        }
        current = [range[0], range[1]];
      }
    }
    if (current) result += `${text.slice(cursor, current[0])}***`;
    return result + text.slice((current as [number, number])[1]);
  }

  /** Whether `text` carries a masked value (job outputs that do are dropped, as on GitHub). */
  contains(text: string): boolean {
    for (const value of this.sorted) if (text.includes(value)) return true;
    return false;
  }
}
