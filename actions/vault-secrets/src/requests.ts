/**
 * The `secrets` input: hashicorp/vault-action's grammar (README "Key Syntax"), so a workflow written for
 * it reads the same secrets under the same names here.
 *
 *     <path> <key> [| NAME] ;      one key; NAME names the output and the environment variable
 *     <path> * [| PREFIX] ;        every key of the secret (environment names upper-cased)
 *     <path> ** [| PREFIX] ;       every key, environment names keep the key's case
 *     <path> | NAME ;              Paved addition: the whole secret as one JSON value
 *
 * Requests are separated by `;`; Paved also takes a line break as a separator, so a forgotten `;` at the
 * end of a line is not an error. Pure: no I/O.
 */
import { InputError, quote } from '../../../shared/errors.js';

export type Selection =
  { kind: 'key'; key: string } | { kind: 'all'; keepCase: boolean; prefix: string } | { kind: 'whole' };

export interface SecretRequest {
  /** The request as written, for messages. */
  text: string;
  /** Vault API path without `/v1/` and without leading or trailing slashes, e.g. `secret/data/ci`. */
  path: string;
  selection: Selection;
  /** Output name (for `all`: undefined, names come from the keys). */
  outputName: string | undefined;
  /** Environment variable name (for `all`: undefined). */
  envName: string | undefined;
}

const ACCEPTED =
  '`<path> <key> | NAME` requests separated by `;`, e.g. `secret/data/ci npmToken | NPM_TOKEN ; secret/data/ci/aws *`';
/** What GitHub accepts as an output id, and what a shell can use as a variable: letters, digits, `_`, `-`. */
const NAME = /^[\p{L}_][\p{L}\p{N}_-]*$/u;
const PATH_SEGMENT = /^[^\s?#%\\]+$/;

/**
 * vault-action's normalisation of a key into a name (README "Normalization"): `.` becomes `__`, every
 * other character that is not a letter, a digit or `_` is dropped. Environment names are upper-cased.
 */
export function normalizeName(key: string, upperCase: boolean): string {
  const name = key.replace(/\./g, '__').replace(/[^\p{L}\p{N}_]/gu, '');
  return upperCase ? name.toUpperCase() : name;
}

function invalid(text: string, why: string): InputError {
  return new InputError(
    'secrets',
    `Input 'secrets' has a request ${quote(text)} that ${why}; use ${ACCEPTED}`,
  );
}

function parsePath(raw: string, text: string): string {
  const path = raw.replace(/^\/+/, '').replace(/\/+$/, '');
  if (path.startsWith('v1/'))
    throw invalid(text, `starts its path with v1/ (the action adds it): write ${quote(path.slice(3))}`);
  const segments = path.split('/');
  if (
    path === '' ||
    segments.some(
      (segment) => segment === '' || segment === '.' || segment === '..' || !PATH_SEGMENT.test(segment),
    )
  )
    throw invalid(text, 'has no valid Vault path (segments separated by single `/`, no `..`, `?`, `#`)');
  return path;
}

function checkName(name: string, text: string, what: string): string {
  if (!NAME.test(name))
    throw invalid(
      text,
      `names the ${what} ${quote(name)}, which GitHub cannot use (letters, digits, '_' and '-', not starting with a digit or '-')`,
    );
  return name;
}

/** Parse one request. */
export function parseRequest(text: string): SecretRequest {
  const bar = text.lastIndexOf('|');
  const spec = (bar >= 0 ? text.slice(0, bar) : text).trim();
  const rename = bar >= 0 ? text.slice(bar + 1).trim() : undefined;
  if (rename === '') throw invalid(text, 'has a `|` with no name after it');
  const parts = spec.split(/\s+/).filter(Boolean);
  if (parts.length === 0) throw invalid(text, 'has no path');
  if (parts.length > 2)
    throw invalid(text, `has ${parts.length} words before the \`|\`; expected a path and one key`);
  const path = parsePath(parts[0] as string, text);
  const selector = parts[1];

  if (selector === undefined) {
    if (rename === undefined)
      throw invalid(
        text,
        'has a path but no key (name the key, `*` for every key, or `| NAME` for the whole secret as JSON)',
      );
    const name = checkName(rename, text, 'output');
    return { text, path, selection: { kind: 'whole' }, outputName: name, envName: name };
  }
  if (selector === '*' || selector === '**') {
    if (rename !== undefined && !/^[\p{L}_][\p{L}\p{N}_-]*$|^$/u.test(rename))
      throw invalid(text, `has the prefix ${quote(rename)}, which cannot start a name`);
    return {
      text,
      path,
      selection: { kind: 'all', keepCase: selector === '**', prefix: rename ?? '' },
      outputName: undefined,
      envName: undefined,
    };
  }
  // vault-action accepts a quoted key ("my.key") to mean the key literally; quotes are not part of it.
  const key = selector.replace(/"/g, '');
  if (key === '') throw invalid(text, 'has an empty key');
  if (rename !== undefined) {
    const name = checkName(rename, text, 'output');
    return { text, path, selection: { kind: 'key', key }, outputName: name, envName: name };
  }
  const outputName = normalizeName(key, false);
  if (outputName === '' || /^[\p{N}]/u.test(outputName))
    throw invalid(text, `has the key ${quote(key)}, which gives no usable name; add \`| NAME\``);
  return { text, path, selection: { kind: 'key', key }, outputName, envName: normalizeName(key, true) };
}

/** Parse the whole input; names that two requests would both set are refused. */
export function parseSecretsInput(value: string | undefined): SecretRequest[] {
  if (value === undefined) return [];
  const requests = value
    .split(/[;\r\n]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '' && !item.startsWith('#'))
    .map(parseRequest);
  const seen = new Map<string, string>();
  for (const request of requests) {
    if (request.outputName === undefined) continue;
    const earlier = seen.get(request.outputName);
    if (earlier !== undefined)
      throw new InputError(
        'secrets',
        `Input 'secrets' sets the output ${quote(request.outputName)} twice (${quote(earlier)} and ${quote(request.text)}); give one of them \`| ANOTHER_NAME\``,
      );
    seen.set(request.outputName, request.text);
  }
  return requests;
}

/** The names of the outputs and variables a wildcard request sets for one key. */
export function wildcardNames(
  selection: Extract<Selection, { kind: 'all' }>,
  key: string,
): { outputName: string; envName: string } {
  const base = normalizeName(key, false);
  return {
    outputName: `${selection.prefix}${base}`,
    envName: selection.keepCase ? `${selection.prefix}${base}` : `${selection.prefix}${base}`.toUpperCase(),
  };
}
