/**
 * Typed, validated action inputs. Every reader takes the input's name exactly as action.yml declares it;
 * test/unit/action-contract.test.ts checks that the names (and defaults) read here match each action.yml.
 *
 * Validation happens before any side effect: an action calls its `getInputs()` first, and every error
 * names the input, quotes the value and shows the accepted form.
 *
 * Empty and absent are the same, as on GitHub (the runner passes `''` for an input with no default).
 */
import { parseDuration } from './duration.js';
import { InputError, quote } from './errors.js';

/** Where raw input values come from. The default reads `INPUT_<NAME>` as the runner sets it. */
export interface InputSource {
  get(name: string): string | undefined;
}

/** The runner's environment variable for an input: spaces to `_`, upper-cased, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export function envInputSource(env: NodeJS.ProcessEnv = process.env): InputSource {
  return { get: (name) => env[inputEnvName(name)] };
}

interface Common<T> {
  /** Missing → InputError. */
  required?: boolean;
  /** Used when the input is empty or absent; must equal action.yml's default. */
  default?: T;
}

/** What a reader returns: T when the input is required or has a default, else T | undefined. */
type Result<T, O> = O extends { required: true } ? T : O extends { default: unknown } ? T : T | undefined;

const BOOLEAN_TRUE = new Set(['true', 'True', 'TRUE', 'yes', 'on', '1']);
const BOOLEAN_FALSE = new Set(['false', 'False', 'FALSE', 'no', 'off', '0']);
const KEY = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;

export class InputReader {
  /** Values of inputs marked secret, so callers can mask them before logging anything. */
  readonly secrets: string[] = [];

  constructor(private readonly source: InputSource = envInputSource()) {}

  /** The trimmed value, or undefined when empty/absent. */
  private raw(name: string, trim = true): string | undefined {
    const value = this.source.get(name);
    if (value === undefined) return undefined;
    const shaped = trim ? value.trim() : value;
    return shaped === '' ? undefined : shaped;
  }

  private absent<T>(name: string, options: Common<T>): T | undefined {
    if (options.required) throw InputError.missing(name);
    return options.default;
  }

  /** A string. `trim: false` keeps surrounding whitespace (e.g. multi-line scripts). */
  string<O extends Common<string> & { trim?: boolean; pattern?: RegExp; accepted?: string }>(
    name: string,
    options: O = {} as O,
  ): Result<string, O> {
    const value = this.raw(name, options.trim ?? true);
    if (value === undefined) return this.absent(name, options) as Result<string, O>;
    if (options.pattern && !options.pattern.test(value)) {
      throw InputError.invalid(name, value, options.accepted ?? `text matching ${options.pattern}`);
    }
    return value as Result<string, O>;
  }

  /**
   * A secret string: registered with the caller-provided masker before it is returned, so nothing
   * logged afterwards can show it.
   */
  secret<O extends Common<string>>(
    name: string,
    mask: (value: string) => void,
    options: O = {} as O,
  ): Result<string, O> {
    const value = this.raw(name, true);
    if (value === undefined) return this.absent(name, options) as Result<string, O>;
    mask(value);
    this.secrets.push(value);
    return value as Result<string, O>;
  }

  /** One of a fixed set of values (case-sensitive, as written in action.yml). */
  enum<const V extends string, O extends Common<V>>(
    name: string,
    values: readonly V[],
    options: O = {} as O,
  ): Result<V, O> {
    const value = this.raw(name);
    if (value === undefined) return this.absent(name, options) as Result<V, O>;
    if (!(values as readonly string[]).includes(value)) {
      throw InputError.invalid(name, value, `one of ${values.map((v) => `'${v}'`).join(', ')}`);
    }
    return value as Result<V, O>;
  }

  /** A whole number, optionally bounded. `1_000` and `1e3` are refused: people mean what they type. */
  integer<O extends Common<number> & { min?: number; max?: number }>(
    name: string,
    options: O = {} as O,
  ): Result<number, O> {
    const value = this.raw(name);
    if (value === undefined) return this.absent(name, options) as Result<number, O>;
    return bounded(name, value, 'a whole number', /^[-+]?\d+$/, options) as Result<number, O>;
  }

  /** A decimal number, optionally bounded (e.g. a coverage percentage). */
  number<O extends Common<number> & { min?: number; max?: number }>(
    name: string,
    options: O = {} as O,
  ): Result<number, O> {
    const value = this.raw(name);
    if (value === undefined) return this.absent(name, options) as Result<number, O>;
    return bounded(name, value, 'a number', /^[-+]?(\d+(\.\d*)?|\.\d+)$/, options) as Result<number, O>;
  }

  /** A duration in milliseconds. The default is written as in action.yml, e.g. `'5m'`. */
  duration<O extends Common<string> & { minMs?: number; maxMs?: number }>(
    name: string,
    options: O = {} as O,
  ): Result<number, O> {
    const given = this.raw(name);
    const value = given ?? (options.required ? undefined : options.default);
    if (value === undefined) {
      if (options.required) throw InputError.missing(name);
      return undefined as Result<number, O>;
    }
    const ms = parseDuration(value);
    const accepted = 'a duration like 30s, 5m or 1h30m';
    if (ms === undefined) throw InputError.invalid(name, value, accepted);
    if (options.minMs !== undefined && ms < options.minMs) {
      throw new InputError(name, `Input '${name}' must be at least ${options.minMs}ms; got ${quote(value)}`);
    }
    if (options.maxMs !== undefined && ms > options.maxMs) {
      throw new InputError(name, `Input '${name}' must be at most ${options.maxMs}ms; got ${quote(value)}`);
    }
    return ms as Result<number, O>;
  }

  /**
   * A boolean. Absent means the default, so optional booleans never throw the way
   * `core.getBooleanInput` does. Accepts true/false, yes/no, on/off, 1/0.
   */
  boolean(name: string, options: { default: boolean }): boolean {
    const value = this.raw(name);
    if (value === undefined) return options.default;
    if (BOOLEAN_TRUE.has(value)) return true;
    if (BOOLEAN_FALSE.has(value)) return false;
    throw InputError.invalid(name, value, 'true or false');
  }

  /**
   * A list: one item a line, or comma-separated on a single line (`commas: false` turns that off, for
   * items that contain commas). Lines starting with `#` are comments; blank items are dropped.
   */
  list(name: string, options: { required?: boolean; commas?: boolean } = {}): string[] {
    const value = this.raw(name, false);
    if (value === undefined) {
      if (options.required) throw InputError.missing(name);
      return [];
    }
    const items = splitList(value, options.commas ?? true);
    if (items.length === 0 && options.required) throw InputError.missing(name);
    return items;
  }

  /** `key=value` pairs, one a line (or comma-separated). Values may contain `=`. Duplicate keys are refused. */
  map(name: string, options: { required?: boolean; commas?: boolean } = {}): Record<string, string> {
    const result: Record<string, string> = {};
    for (const item of this.list(name, { required: options.required, commas: options.commas ?? false })) {
      const eq = item.indexOf('=');
      const key = eq > 0 ? item.slice(0, eq).trim() : '';
      if (!KEY.test(key))
        throw InputError.invalid(name, item, 'key=value pairs, one per line, like NODE_ENV=production');
      if (Object.hasOwn(result, key)) {
        throw new InputError(name, `Input '${name}' sets '${key}' twice; got ${quote(item)}`);
      }
      result[key] = item.slice(eq + 1).trim();
    }
    return result;
  }

  /** An absolute URL with one of the allowed protocols (default http and https). */
  url<O extends Common<string> & { protocols?: readonly string[]; example?: string }>(
    name: string,
    options: O = {} as O,
  ): Result<URL, O> {
    const value = this.raw(name) ?? (options.required ? undefined : options.default);
    if (value === undefined) {
      if (options.required) throw InputError.missing(name);
      return undefined as Result<URL, O>;
    }
    const protocols = options.protocols ?? ['https:', 'http:'];
    const accepted = `an absolute ${protocols.map((p) => p.replace(/:$/, '')).join(' or ')} URL like ${
      options.example ?? `${protocols[0]}//example.com`
    }`;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw InputError.invalid(name, value, accepted);
    }
    if (!protocols.includes(url.protocol)) throw InputError.invalid(name, value, accepted);
    return url as Result<URL, O>;
  }

  /**
   * A JSON object (or array). YAML is accepted through `parseYaml`, passed in by actions that bundle a
   * YAML parser, so actions that do not need one stay small.
   */
  object(
    name: string,
    options: { required?: boolean; parseYaml?: (text: string) => unknown; arrayAllowed?: boolean } = {},
  ): Record<string, unknown> | unknown[] | undefined {
    const value = this.raw(name, false);
    if (value === undefined) {
      if (options.required) throw InputError.missing(name);
      return undefined;
    }
    return parseObject(name, value, options);
  }

  /**
   * {@link object} for an input that may be JSON or YAML, calling `loadYaml` only for a value that is set
   * and is not JSON: a YAML parser costs start-up time, so runs without it (and runs whose input is
   * missing) never load one.
   */
  async yamlObject(
    name: string,
    options: {
      required?: boolean;
      arrayAllowed?: boolean;
      loadYaml: () => Promise<(text: string) => unknown>;
    },
  ): Promise<Record<string, unknown> | unknown[] | undefined> {
    const value = this.raw(name, false);
    if (value === undefined) {
      if (options.required) throw InputError.missing(name);
      return undefined;
    }
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      return parseObject(name, value, { ...options, parseYaml: await options.loadYaml() });
    }
    return checkObject(name, value, json, 'a JSON or YAML object', options.arrayAllowed);
  }
}

function parseObject(
  name: string,
  value: string,
  options: { parseYaml?: (text: string) => unknown; arrayAllowed?: boolean },
): Record<string, unknown> | unknown[] {
  const accepted = options.parseYaml ? 'a JSON or YAML object' : 'a JSON object';
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (jsonError) {
    if (!options.parseYaml) {
      throw InputError.invalid(name, value, `${accepted} (${(jsonError as Error).message})`);
    }
    try {
      parsed = options.parseYaml(value);
    } catch (yamlError) {
      throw InputError.invalid(name, value, `${accepted} (${firstLine((yamlError as Error).message)})`);
    }
  }
  return checkObject(name, value, parsed, accepted, options.arrayAllowed);
}

function checkObject(
  name: string,
  value: string,
  parsed: unknown,
  accepted: string,
  arrayAllowed: boolean | undefined,
): Record<string, unknown> | unknown[] {
  const isArray = Array.isArray(parsed);
  if (parsed === null || typeof parsed !== 'object' || (isArray && !arrayAllowed)) {
    throw InputError.invalid(name, value, accepted);
  }
  return parsed as Record<string, unknown> | unknown[];
}

/** Split a list input: newline-separated, or comma-separated when it is one line and `commas` is on. */
export function splitList(value: string, commas = true): string[] {
  const lines = value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const items = lines.length === 1 && commas ? (lines[0] as string).split(',') : lines;
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

/** Parse a number that must match `shape`, be a safe value and lie within [min, max]. */
function bounded(
  name: string,
  value: string,
  what: string,
  shape: RegExp,
  range: { min?: number; max?: number },
): number {
  const accepted = describeRange(what, range.min, range.max);
  const n = Number(value);
  if (!shape.test(value) || !Number.isFinite(n) || (Number.isInteger(n) && !Number.isSafeInteger(n))) {
    throw InputError.invalid(name, value, accepted);
  }
  if ((range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
    throw InputError.invalid(name, value, accepted);
  }
  return n;
}

function describeRange(what: string, min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
  if (min !== undefined) return `${what} of at least ${min}`;
  if (max !== undefined) return `${what} of at most ${max}`;
  return what;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
