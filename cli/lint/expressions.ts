/**
 * What an `${{ … }}` expression reads: every context access (`github.event.issue.title`,
 * `secrets.TOKEN`, `env.X`) with its exact offset, parsed by GitHub's own expression parser.
 */
import { Lexer, Parser } from '@actions/expressions';
import {
  Binary,
  ContextAccess,
  FunctionCall,
  Grouping,
  IndexAccess,
  Literal,
  Logical,
  Star,
  Unary,
  type Expr,
} from '@actions/expressions/ast';
import { TokenType, type Token } from '@actions/expressions/lexer';
import type { ExpressionSite } from './source.js';

/** Every context a workflow expression may name; the parser rejects any other. */
const CONTEXTS = [
  'github',
  'env',
  'vars',
  'secrets',
  'inputs',
  'job',
  'jobs',
  'steps',
  'runner',
  'strategy',
  'matrix',
  'needs',
];
/** Status and file functions are not built into the parser; GitHub registers them per position. */
const EXTRA_FUNCTIONS = [
  { name: 'success', minArgs: 0, maxArgs: 0 },
  { name: 'failure', minArgs: 0, maxArgs: 0 },
  { name: 'always', minArgs: 0, maxArgs: 0 },
  { name: 'cancelled', minArgs: 0, maxArgs: 0 },
  { name: 'hashFiles', minArgs: 1, maxArgs: 255 },
];
/** Functions whose result is a boolean whatever their arguments hold, so nothing can be injected through them. */
const BOOLEAN_FUNCTIONS = new Set([
  'contains',
  'startswith',
  'endswith',
  'success',
  'failure',
  'always',
  'cancelled',
]);
const COMPARISONS = new Set([
  TokenType.EQUAL_EQUAL,
  TokenType.BANG_EQUAL,
  TokenType.GREATER,
  TokenType.GREATER_EQUAL,
  TokenType.LESS,
  TokenType.LESS_EQUAL,
]);

/** A context access such as `github.event.issue.title`: lower-cased segments, `*` for filters and computed indexes. */
export interface ContextPath {
  segments: string[];
  /** `github.event.issue.title` as written (for messages). */
  text: string;
  /** File offset of the context name. */
  offset: number;
  /** False when the value only feeds a comparison or a boolean function, so its text never reaches the output. */
  reachesOutput: boolean;
}

/** The context accesses of one expression, or undefined when it does not parse (the schema check reports that). */
export function contextPaths(site: ExpressionSite): ContextPath[] | undefined {
  let expr: Expr;
  try {
    const tokens = new Lexer(site.body).lex().tokens;
    expr = new Parser(tokens, CONTEXTS, EXTRA_FUNCTIONS).parse();
  } catch {
    return undefined;
  }
  const lineStarts = [0];
  for (let i = 0; i < site.body.length; i++) if (site.body[i] === '\n') lineStarts.push(i + 1);
  const offsetOf = (token: Token): number =>
    site.bodyOffset + (lineStarts[token.range.start.line] ?? 0) + token.range.start.column;
  const found: ContextPath[] = [];
  visit(expr, true, found, offsetOf);
  return found;
}

function visit(
  expr: Expr,
  reachesOutput: boolean,
  found: ContextPath[],
  offsetOf: (token: Token) => number,
): void {
  if (expr instanceof ContextAccess || expr instanceof IndexAccess) {
    const chain = accessChain(expr);
    if (chain) {
      found.push({ segments: chain.segments, text: chain.text, offset: offsetOf(chain.root), reachesOutput });
      // A computed index (github.event[inputs.field]) reads a context of its own.
      for (const index of chain.computedIndexes) visit(index, false, found, offsetOf);
      return;
    }
    if (expr instanceof IndexAccess) {
      visit(expr.expr, reachesOutput, found, offsetOf);
      visit(expr.index, false, found, offsetOf);
    }
    return;
  }
  if (expr instanceof FunctionCall) {
    const safe = BOOLEAN_FUNCTIONS.has(expr.functionName.lexeme.toLowerCase());
    for (const arg of expr.args) visit(arg, reachesOutput && !safe, found, offsetOf);
  } else if (expr instanceof Binary) {
    const safe = COMPARISONS.has(expr.operator.type);
    visit(expr.left, reachesOutput && !safe, found, offsetOf);
    visit(expr.right, reachesOutput && !safe, found, offsetOf);
  } else if (expr instanceof Logical) {
    // a || b and a && b evaluate to one of their operands, so both can reach the output
    for (const arg of expr.args) visit(arg, reachesOutput, found, offsetOf);
  } else if (expr instanceof Unary) {
    visit(expr.expr, false, found, offsetOf); // ! yields a boolean
  } else if (expr instanceof Grouping) {
    visit(expr.group, reachesOutput, found, offsetOf);
  }
}

interface Chain {
  root: Token;
  segments: string[];
  text: string;
  computedIndexes: Expr[];
}

/** Flatten `a.b['c'][0].*` into segments when its base is a context; undefined for e.g. `fromJSON(x).y`. */
function accessChain(expr: Expr): Chain | undefined {
  const names: string[] = [];
  const computedIndexes: Expr[] = [];
  let current: Expr = expr;
  while (current instanceof IndexAccess) {
    const index = current.index;
    if (index instanceof Literal && index.token.type === TokenType.STRING)
      names.unshift(String(index.token.value ?? index.token.lexeme));
    else if (index instanceof Literal && index.token.type === TokenType.IDENTIFIER)
      names.unshift(index.token.lexeme);
    else {
      names.unshift('*');
      if (!(index instanceof Star)) computedIndexes.push(index);
    }
    current = current.expr;
  }
  if (!(current instanceof ContextAccess)) return undefined;
  names.unshift(current.name.lexeme);
  // Context and property names are case-insensitive in expressions; match on lower case, show as written.
  return {
    root: current.name,
    segments: names.map((n) => n.toLowerCase()),
    text: names.join('.'),
    computedIndexes,
  };
}

/**
 * Event fields anyone who can open an issue, push a branch, comment or edit a wiki page controls.
 * From GitHub's security hardening guide and the webhook payload reference; `*` is any array element.
 */
export const UNTRUSTED_PATHS: readonly string[] = [
  'github.head_ref',
  'github.event.issue.title',
  'github.event.issue.body',
  'github.event.pull_request.title',
  'github.event.pull_request.body',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.label',
  'github.event.pull_request.head.repo.default_branch',
  'github.event.comment.body',
  'github.event.review.body',
  'github.event.review_comment.body',
  'github.event.discussion.title',
  'github.event.discussion.body',
  'github.event.pages.*.page_name',
  'github.event.commits.*.message',
  'github.event.commits.*.author.name',
  'github.event.commits.*.author.email',
  'github.event.commits.*.committer.name',
  'github.event.commits.*.committer.email',
  'github.event.head_commit.message',
  'github.event.head_commit.author.name',
  'github.event.head_commit.author.email',
  'github.event.head_commit.committer.name',
  'github.event.head_commit.committer.email',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.display_title',
  'github.event.workflow_run.head_commit.message',
  'github.event.workflow_run.head_commit.author.name',
  'github.event.workflow_run.head_commit.author.email',
  'github.event.workflow_run.pull_requests.*.head.ref',
];

const UNTRUSTED_SEGMENTS = UNTRUSTED_PATHS.map((path) => path.split('.'));

/**
 * Whether a path reads attacker-controlled text: `field` when it is (or is inside) an untrusted field,
 * `object` when it is an object that contains one (`toJSON(github.event)`), undefined otherwise.
 */
export function untrustedMatch(
  segments: readonly string[],
): { kind: 'field' | 'object'; example: string } | undefined {
  let objectExample: string | undefined;
  for (const pattern of UNTRUSTED_SEGMENTS) {
    const shared = Math.min(pattern.length, segments.length);
    let matches = true;
    for (let i = 0; i < shared; i++) {
      const want = pattern[i] as string;
      const got = segments[i] as string;
      if (want !== '*' && got !== '*' && want !== got) {
        matches = false;
        break;
      }
    }
    if (!matches) continue;
    if (segments.length >= pattern.length) return { kind: 'field', example: pattern.join('.') };
    // A whole object holding untrusted fields; `github` alone is too broad to be useful to flag.
    if (segments.length >= 2 && objectExample === undefined) objectExample = pattern.join('.');
  }
  return objectExample === undefined ? undefined : { kind: 'object', example: objectExample };
}

/** Whether a path reads a secret: `secrets.*` or the job's token (`github.token`). */
export function isSecretPath(segments: readonly string[]): boolean {
  return segments[0] === 'secrets' || (segments[0] === 'github' && segments[1] === 'token');
}
