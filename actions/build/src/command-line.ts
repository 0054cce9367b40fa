/**
 * `install-command` / `build-command` overrides → argument vectors. Words are split the way a shell
 * splits them (quotes, backslashes), but nothing is run through a shell: operators such as `&&`, `|`,
 * `>` or `$(…)` are refused with a hint, because silently passing them as arguments would be worse.
 */
import { InputError, quote } from '../../../shared/errors.js';
import type { Argv } from './detect.js';

const OPERATOR = /^(?:&&|\|\||[|;&<>]|>>|\d?>&?\d?)$/;

export function parseCommandLine(input: string, value: string): Argv[] {
  const lines = value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const commands = lines.map((line) => splitWords(input, line));
  if (commands.length === 0)
    throw InputError.invalid(input, value, 'a command like "make dist", one command a line');
  return commands;
}

function splitWords(input: string, line: string): Argv {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoteChar: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoteChar === "'") {
      if (c === "'") quoteChar = undefined;
      else word += c;
      continue;
    }
    if (quoteChar === '"') {
      if (c === '"') quoteChar = undefined;
      else if (c === '\\' && /["\\$`]/.test(line[i + 1] ?? '')) word += line[++i];
      else if (c === '$' || c === '`') throw shellFeature(input, line, 'variable or command substitution');
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quoteChar = c;
      inWord = true;
    } else if (c === '\\') {
      word += line[++i] ?? '';
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === '$' || c === '`') {
      throw shellFeature(input, line, 'variable or command substitution');
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quoteChar)
    throw InputError.invalid(
      input,
      line,
      `a command with balanced quotes; the ${quoteChar} quote is not closed`,
    );
  if (inWord) words.push(word);
  const operator = words.find((w) => OPERATOR.test(w));
  if (operator) throw shellFeature(input, line, `the shell operator ${quote(operator)}`);
  return words as unknown as Argv;
}

function shellFeature(input: string, line: string, what: string): InputError {
  return new InputError(
    input,
    `Input '${input}' is run without a shell, so ${what} would not work; got ${quote(line)}. Put one command per line, or put the logic in a script and run that (e.g. "./scripts/build.sh").`,
  );
}
