/**
 * The dotenv format `act --secret-file` reads (it loads the file with joho/godotenv v1.5, parser.go),
 * so a secrets file written for act loads unchanged in `paved run`:
 *
 * - `NAME=value`, `NAME: value` (YAML style) and `export NAME=value`; names of letters, digits, `_`, `.`
 * - blank lines and `#` comment lines; after an unquoted value, ` # comment` ends it
 * - unquoted values are trimmed; `'single'` quotes keep everything literally; `"double"` quotes turn
 *   `\n` and `\r` into line breaks and `\x` into `x`; both kinds may span several lines
 * - `$NAME` / `${NAME}` in unquoted and double-quoted values expand to a value defined earlier in the
 *   file (empty when there is none); `\$` keeps a literal dollar, and so does `$(`
 */
import { quote } from '../shared/errors.js';

/** A problem in a dotenv file, with the 1-based line it starts on. */
export class DotenvError extends Error {
  override name = 'DotenvError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** godotenv's isSpace: whitespace other than a line feed. */
function isSpace(c: string): boolean {
  return (
    c === ' ' || c === '\t' || c === '\v' || c === '\f' || c === '\r' || c === '\u0085' || c === '\u00a0'
  );
}

function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text[start] as string)) start++;
  while (end > start && isSpace(text[end - 1] as string)) end--;
  return text.slice(start, end);
}

/**
 * godotenv's expandVariables, including what its `(` check does: it tests the `$` group, so it never
 * holds and `$(` stays as written (`pa$(ss)word` is kept; `$(NAME)` expands NAME and keeps `)`).
 */
function expandVariables(value: string, vars: Record<string, string>): string {
  return value.replace(/(\\)?(\$)(\()?\{?([A-Z0-9_]+)?\}?/g, (match, escaped, _dollar, _paren, name) => {
    if (escaped === '\\') return match.slice(1);
    if (name) return vars[name] ?? '';
    return match;
  });
}

function expandEscapes(value: string): string {
  const out = value.replace(/\\./g, (match) => (match === '\\n' ? '\n' : match === '\\r' ? '\r' : match));
  return out.replace(/\\([^$])/g, '$1');
}

/** Parse a dotenv text into NAME -> value, later definitions winning. */
export function parseDotenv(text: string): Record<string, string> {
  const src = text.replace(/\r\n/g, '\n');
  const out: Record<string, string> = {};
  let pos = 0;
  const lineAt = (index: number): number => src.slice(0, index).split('\n').length;
  while (pos < src.length) {
    // Skip blank lines and comment lines.
    const lineEnd = src.indexOf('\n', pos) < 0 ? src.length : src.indexOf('\n', pos);
    const trimmedLine = trimSpaces(src.slice(pos, lineEnd));
    if (trimmedLine === '' || trimmedLine.startsWith('#')) {
      pos = lineEnd + 1;
      continue;
    }
    const statement = pos;
    while (isSpace(src[pos] as string)) pos++;
    if (src.startsWith('export', pos) && isSpace(src[pos + 6] ?? '')) {
      pos += 6;
      while (isSpace(src[pos] as string)) pos++;
    }
    const keyStart = pos;
    let key: string | undefined;
    for (; pos < src.length; pos++) {
      const c = src[pos] as string;
      if (isSpace(c)) continue;
      if (c === '=' || c === ':') {
        key = src.slice(keyStart, pos).trimEnd();
        pos++;
        break;
      }
      if (c !== '_' && c !== '.' && !/[\p{L}\p{N}]/u.test(c)) {
        throw new DotenvError(
          `unexpected character ${JSON.stringify(c)} in a variable name; expected NAME=value; got ${quote(trimmedLine)}`,
          lineAt(statement),
        );
      }
    }
    if (!key) throw new DotenvError(`expected NAME=value; got ${quote(trimmedLine)}`, lineAt(statement));
    while (pos < src.length && isSpace(src[pos] as string)) pos++;
    const opening = src[pos];
    if (opening === '"' || opening === "'") {
      let end = -1;
      for (let i = pos + 1; i < src.length; i++) {
        if (src[i] === opening && src[i - 1] !== '\\') {
          end = i;
          break;
        }
      }
      if (end < 0) throw new DotenvError(`unterminated quoted value for ${key}`, lineAt(statement));
      let value = src.slice(pos, end);
      while (value.startsWith(opening)) value = value.slice(1);
      while (value.endsWith(opening)) value = value.slice(0, -1);
      out[key] = opening === '"' ? expandVariables(expandEscapes(value), out) : value;
      // What follows the closing quote is read as the next statement (a ` # comment` is skipped).
      pos = end + 1;
      continue;
    }
    const end = src.indexOf('\n', pos) < 0 ? src.length : src.indexOf('\n', pos);
    let line = src.slice(pos, end);
    for (let i = line.length - 1; i > 0; i--) {
      if (line[i] === '#' && isSpace(line[i - 1] as string)) {
        line = line.slice(0, i);
        break;
      }
    }
    out[key] = expandVariables(trimSpaces(line), out);
    pos = end + 1;
  }
  return out;
}
