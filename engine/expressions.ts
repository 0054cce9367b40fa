/**
 * Expression evaluation with GitHub's own `@actions/expressions`, plus the functions the runner adds
 * (`success()`, `failure()`, `always()`, `cancelled()`, `hashFiles()`), and evaluation of whole
 * workflow-parser token trees (`${{ }}` in any value, `${{ insert }}` in mappings).
 */
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { TokenType } from '@actions/expressions/lexer';
import { parse as parseYaml } from 'yaml';
import type { ExpressionData } from '@actions/expressions/data/expressiondata';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { BasicExpressionToken } from '@actions/workflow-parser/templates/tokens/basic-expression-token';
import { InsertExpressionToken } from '@actions/workflow-parser/templates/tokens/insert-expression-token';
import { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import { SequenceToken } from '@actions/workflow-parser/templates/tokens/sequence-token';
import { StringToken } from '@actions/workflow-parser/templates/tokens/string-token';
import { NumberToken } from '@actions/workflow-parser/templates/tokens/number-token';
import { BooleanToken } from '@actions/workflow-parser/templates/tokens/boolean-token';
import { hashFiles } from './hash-files.js';

/** A JSON-like value as contexts and evaluated templates hold them. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** What the status functions see: a step's job status, or a job's dependency results. */
export interface StatusScope {
  /** `success`, `failure` or `cancelled` (the job's status so far, or the aggregate of needs). */
  status(): 'success' | 'failure' | 'cancelled';
  /** Job-level: whether any (transitive) dependency failed. Step-level: same as status() === 'failure'. */
  failed?(): boolean;
}

/** Everything an expression can reference. */
export interface ExpressionScope {
  contexts: Record<string, Value | undefined>;
  status?: StatusScope;
  /** The workspace hashFiles() globs in; hashFiles is unavailable without it. */
  workspace?: string;
}

/** A problem in an expression, phrased for the person who wrote it. */
export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

export function toData(value: unknown): ExpressionData {
  if (value === null || value === undefined) return new data.Null();
  if (typeof value === 'string') return new data.StringData(value);
  if (typeof value === 'number') return new data.NumberData(value);
  if (typeof value === 'boolean') return new data.BooleanData(value);
  if (Array.isArray(value)) return new data.Array(...value.map(toData));
  if (typeof value === 'object') {
    const dict = new data.Dictionary();
    for (const [key, item] of Object.entries(value as Record<string, unknown>))
      if (item !== undefined) dict.add(key, toData(item));
    return dict;
  }
  return new data.StringData(String(value));
}

export function fromData(value: ExpressionData): Value {
  switch (value.kind) {
    case data.Kind.Null:
      return null;
    case data.Kind.String:
      return (value as data.StringData).value;
    case data.Kind.Number:
      return (value as data.NumberData).value;
    case data.Kind.Boolean:
      return (value as data.BooleanData).value;
    case data.Kind.Array:
      return (value as data.Array).values().map(fromData);
    default: {
      const out: Record<string, Value> = {};
      for (const pair of (value as data.Dictionary).pairs()) out[pair.key] = fromData(pair.value);
      return out;
    }
  }
}

/** The runner's string form of a value: booleans and numbers as text, null as empty, objects as JSON. */
export function asString(value: Value | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return toData(value).coerceString();
  return JSON.stringify(value, null, 2);
}

/** GitHub's truthiness: false, 0, -0, NaN, '' and null are falsy; everything else truthy. */
export function isTruthy(value: Value | undefined): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  return true;
}

const STATUS_FUNCTIONS = ['success', 'failure', 'always', 'cancelled'];
const FUNCTION_INFO = [
  ...STATUS_FUNCTIONS.map((name) => ({ name, minArgs: 0, maxArgs: 0 })),
  { name: 'hashFiles', minArgs: 1, maxArgs: 255 },
];

const parsed = new Map<string, ReturnType<Parser['parse']>>();

function parse(expression: string, contextNames: string[]) {
  const key = `${contextNames.join(',')}\u0000${expression}`;
  let ast = parsed.get(key);
  if (!ast) {
    try {
      const lexed = new Lexer(expression).lex();
      // The lexer unescapes only the first '' in a string literal; every '' is one quote.
      for (const token of lexed.tokens) {
        if (token.type === TokenType.STRING && token.lexeme.length >= 2)
          token.value = token.lexeme.slice(1, -1).replace(/''/g, "'");
      }
      ast = new Parser(lexed.tokens, contextNames, FUNCTION_INFO).parse();
    } catch (error) {
      throw new ExpressionError(`The expression '${expression}' is not valid: ${(error as Error).message}`);
    }
    parsed.set(key, ast);
  }
  return ast;
}

function functionsFor(scope: ExpressionScope): Map<string, FunctionDefinition> {
  const status = (): string => scope.status?.status() ?? 'success';
  const fns = new Map<string, FunctionDefinition>();
  const define = (
    name: string,
    min: number,
    max: number,
    call: (...args: ExpressionData[]) => ExpressionData,
  ): void => {
    fns.set(name.toLowerCase(), { name, minArgs: min, maxArgs: max, call });
  };
  define('success', 0, 0, () => new data.BooleanData(status() === 'success'));
  define('always', 0, 0, () => new data.BooleanData(true));
  define('cancelled', 0, 0, () => new data.BooleanData(status() === 'cancelled'));
  define('failure', 0, 0, () => {
    if (status() === 'cancelled') return new data.BooleanData(false);
    return new data.BooleanData(scope.status?.failed ? scope.status.failed() : status() === 'failure');
  });
  define('hashFiles', 1, 255, (...args) => {
    if (!scope.workspace)
      throw new ExpressionError(
        'hashFiles() is only available where a workspace exists (steps, job outputs)',
      );
    return new data.StringData(
      hashFiles(
        scope.workspace,
        args.map((arg) => arg.coerceString()),
      ),
    );
  });
  return fns;
}

/**
 * The `env` context on Linux and macOS: its keys are case-sensitive (actions/runner StepsRunner and
 * ExecutionContext build it as a `CaseSensitiveDictionaryContextData` on every OS but Windows), so
 * `env.foo` does not find `FOO`, and `bar` and `BAR` written to `GITHUB_ENV` are two variables, as
 * the shell sees them. Every other context is case-insensitive.
 */
class CaseSensitiveDictionary extends data.Dictionary {
  private readonly exact = new Map<string, ExpressionData>();
  override add(key: string, value: ExpressionData): void {
    if (!this.exact.has(key)) this.exact.set(key, value);
  }
  override get(key: string): ExpressionData | undefined {
    return this.exact.get(key);
  }
  override values(): ExpressionData[] {
    return [...this.exact.values()];
  }
  override pairs(): Array<{ key: string; value: ExpressionData }> {
    return [...this.exact].map(([key, value]) => ({ key, value }));
  }
}

function contextData(name: string, value: unknown): ExpressionData {
  if (name !== 'env' || value === null || typeof value !== 'object' || Array.isArray(value))
    return toData(value);
  const dict = new CaseSensitiveDictionary();
  for (const [key, item] of Object.entries(value as Record<string, unknown>))
    if (item !== undefined) dict.add(key, toData(item));
  return dict;
}

/** Evaluate one expression (without `${{ }}`). */
export function evaluate(expression: string, scope: ExpressionScope): Value {
  const names = Object.keys(scope.contexts);
  const ast = parse(expression, names);
  const context = new data.Dictionary();
  for (const name of names) context.add(name, contextData(name, scope.contexts[name]));
  try {
    return fromData(new Evaluator(ast, context, functionsFor(scope)).evaluate());
  } catch (error) {
    if (error instanceof ExpressionError) throw error;
    throw new ExpressionError(`Error evaluating '${expression}': ${(error as Error).message}`);
  }
}

/** Whether an expression calls a status function, in which case `success() &&` is not implied. */
export function hasStatusFunction(expression: string): boolean {
  return /\b(success|failure|always|cancelled)\s*\(/i.test(expression.replace(/'(?:[^']|'')*'/g, "''"));
}

/**
 * Evaluate an `if:` condition written by hand (composite steps, pre-if/post-if from action.yml):
 * `${{ }}` is optional, and without a status function `success() && (…)` is implied.
 */
export function evaluateCondition(
  condition: string | undefined,
  scope: ExpressionScope,
  defaultCondition = 'success()',
): boolean {
  let expression = (condition ?? '').trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(expression);
  if (wrapped && !wrapped[1]?.includes('}}')) expression = (wrapped[1] ?? '').trim();
  if (!expression) expression = defaultCondition;
  else if (!hasStatusFunction(expression)) expression = `success() && (${expression})`;
  return isTruthy(evaluate(expression, scope));
}

/**
 * Interpolate `${{ }}` in a plain string (action.yml values, which the workflow parser does not
 * tokenise): each expression's string form replaces it. A string that is one whole expression keeps
 * the value's type.
 */
export function interpolate(text: string, scope: ExpressionScope): Value {
  if (!text.includes('${{')) return text;
  const parts: Array<string | { expr: string }> = [];
  let rest = text;
  for (;;) {
    const start = rest.indexOf('${{');
    if (start < 0) break;
    const end = findClose(rest, start + 3);
    if (end < 0) throw new ExpressionError(`The expression in '${text}' is missing its closing '}}'`);
    if (start > 0) parts.push(rest.slice(0, start));
    parts.push({ expr: rest.slice(start + 3, end).trim() });
    rest = rest.slice(end + 2);
  }
  if (rest) parts.push(rest);
  if (parts.length === 1 && typeof parts[0] === 'object') return evaluate(parts[0].expr, scope);
  return parts
    .map((part) => (typeof part === 'string' ? part : asString(evaluate(part.expr, scope))))
    .join('');
}

/** Index of the `}}` closing an expression, skipping string literals. */
function findClose(text: string, from: number): number {
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (char === "'") {
      if (inString && text[i + 1] === "'") i++;
      else inString = !inString;
    } else if (!inString && char === '}' && text[i + 1] === '}') return i;
  }
  return -1;
}

const blockExpressions = new WeakMap<BasicExpressionToken, string>();

/** Build `format('…{0}…', expr0, …)` for a string with `${{ }}` parts, as the parser does for scalars. */
export function formatExpression(text: string): string {
  let literal = '';
  const args: string[] = [];
  let rest = text;
  for (;;) {
    const start = rest.indexOf('${{');
    const end = start < 0 ? -1 : findClose(rest, start + 3);
    if (start < 0 || end < 0) break;
    literal += escapeFormat(rest.slice(0, start)) + `{${args.length}}`;
    args.push(rest.slice(start + 3, end).trim());
    rest = rest.slice(end + 2);
  }
  literal += escapeFormat(rest);
  // A value that is one `${{ }}` and nothing else keeps the expression's own type (an object from
  // fromJSON, say): the parser only builds format() when there is literal text around it
  // (actions/runner TemplateReader.ParseScalar, "Single expression").
  if (literal === '{0}' && args.length === 1) return args[0] as string;
  return `format('${literal}'${args.map((arg) => `, ${arg}`).join('')})`;
}

function escapeFormat(text: string): string {
  return text.replace(/'/g, "''").replace(/\{/g, '{{').replace(/\}/g, '}}');
}

/**
 * The expression of a token. For block scalars (`run: |`) with `${{ }}` the parser builds the format
 * string from the raw source, keeping the YAML indentation; the value is decoded here instead.
 */
function expressionOf(token: BasicExpressionToken): string {
  if (!token.blockScalarHeader || token.source === undefined) return token.expression;
  let cached = blockExpressions.get(token);
  if (cached === undefined) {
    cached = token.expression;
    try {
      const decoded: unknown = parseYaml(`value: ${token.blockScalarHeader}\n${token.source}`);
      const value = (decoded as { value?: unknown } | null)?.value;
      if (typeof value === 'string') cached = formatExpression(value);
    } catch {
      // keep the parser's expression
    }
    blockExpressions.set(token, cached);
  }
  return cached;
}

/** Evaluate a workflow-parser token tree into a plain value. */
export function evaluateToken(token: TemplateToken | undefined, scope: ExpressionScope): Value {
  if (!token) return null;
  if (token instanceof StringToken) return token.value;
  if (token instanceof NumberToken) return token.value;
  if (token instanceof BooleanToken) return token.value;
  if (token instanceof BasicExpressionToken) return evaluate(expressionOf(token), scope);
  if (token instanceof SequenceToken) {
    const out: Value[] = [];
    for (const item of token) out.push(evaluateToken(item, scope));
    return out;
  }
  if (token instanceof MappingToken) {
    const out: Record<string, Value> = {};
    for (const pair of token) {
      if (pair.key instanceof InsertExpressionToken) {
        const inserted = evaluateToken(pair.value, scope);
        if (inserted && typeof inserted === 'object' && !Array.isArray(inserted))
          Object.assign(out, inserted);
        else
          throw new ExpressionError(`\${{ insert }} must produce a mapping; got ${JSON.stringify(inserted)}`);
        continue;
      }
      out[asString(evaluateToken(pair.key, scope))] = evaluateToken(pair.value, scope);
    }
    return out;
  }
  return null;
}

/** How a value becomes the text of a string-typed key; `at` is the token it was written as. */
export type ToText = (value: Value, at: TemplateToken) => string;

/**
 * Evaluate a mapping token (env:, with:, outputs:) into strings. `toText` turns each value into its
 * text (by default the runner's string form; the step and job evaluators pass one that refuses a
 * mapping or sequence, as GitHub's template evaluator does for a string-typed value).
 */
export function evaluateStringMap(
  token: TemplateToken | undefined,
  scope: ExpressionScope,
  toText: ToText = (value) => asString(value),
): Record<string, string> {
  const out: Record<string, string> = {};
  if (token instanceof MappingToken) {
    for (const pair of token) {
      if (pair.key instanceof InsertExpressionToken) {
        const inserted = evaluateToken(pair.value, scope);
        if (!inserted || typeof inserted !== 'object' || Array.isArray(inserted))
          throw new ExpressionError(`\${{ insert }} must produce a mapping; got ${JSON.stringify(inserted)}`);
        for (const [key, item] of Object.entries(inserted)) out[key] = toText(item, pair.value);
        continue;
      }
      out[asString(evaluateToken(pair.key, scope))] = toText(evaluateToken(pair.value, scope), pair.value);
    }
    return out;
  }
  const value = evaluateToken(token, scope);
  if (value && typeof value === 'object' && !Array.isArray(value))
    for (const [key, item] of Object.entries(value)) out[key] = asString(item);
  return out;
}

/**
 * Evaluate an `env:` mapping over `base`. Keys of one mapping do not see each other: the runner
 * evaluates the whole mapping against the env context of the enclosing level.
 */
export function evaluateEnvMap(
  token: TemplateToken | undefined,
  scope: ExpressionScope,
  base: Record<string, string>,
  toText?: ToText,
): Record<string, string> {
  if (!token) return { ...base };
  const envScope = { ...scope, contexts: { ...scope.contexts, env: base } };
  return { ...base, ...evaluateStringMap(token, envScope, toText) };
}
