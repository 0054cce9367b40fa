/**
 * A workflow or action file as `yaml` sees it, with exact source offsets for every node, so that a
 * finding can point at the offending token rather than at the start of its step.
 */
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';

/** A 1-based line and column, as editors and `file:line:col` consumers expect. */
export interface Position {
  line: number;
  column: number;
}

/** One `${{ … }}` found in the source text of a scalar. */
export interface ExpressionSite {
  /** The text between `${{` and `}}`. */
  body: string;
  /** Offset in the file of the first character of `body`. */
  bodyOffset: number;
  /** Offset in the file of the `$` of `${{`. */
  offset: number;
}

export class YamlSource {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(readonly text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: false, prettyErrors: false });
  }

  /** The 1-based line and column of a file offset. */
  position(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /** The root mapping, or undefined when the document is empty or not a mapping. */
  root(): YAMLMap | undefined {
    return isMap(this.doc.contents) ? this.doc.contents : undefined;
  }

  /**
   * Every `${{ … }}` in the node's source text. Reading the raw source (not the parsed value) keeps
   * offsets exact inside block scalars, folded text and quoted strings alike.
   */
  expressions(node: Node | null | undefined): ExpressionSite[] {
    if (!node || !isScalar(node) || !node.range) return [];
    const [start, end] = node.range;
    return findExpressions(this.text.slice(start, end), start);
  }

  /** Source offset where a node begins (the key for a pair). */
  offsetOf(node: Node | Pair | null | undefined): number {
    if (!node) return 0;
    if (isPair(node)) return this.offsetOf(node.key as Node);
    return node.range?.[0] ?? 0;
  }
}

/** Find `${{ … }}` in `text`, reporting offsets shifted by `base`. An unclosed `${{` ends the scan. */
export function findExpressions(text: string, base = 0): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf('${{', from);
    if (open < 0) break;
    const close = closingBraces(text, open + 3);
    if (close < 0) break;
    sites.push({ body: text.slice(open + 3, close), bodyOffset: base + open + 3, offset: base + open });
    from = close + 2;
  }
  return sites;
}

/** Index of the `}}` that closes an expression starting at `from`, skipping `}}` inside 'strings'. */
function closingBraces(text: string, from: number): number {
  let inString = false;
  for (let i = from; i < text.length - 1; i++) {
    const c = text[i];
    if (c === "'") {
      // '' is an escaped quote inside a string literal
      if (inString && text[i + 1] === "'") i++;
      else inString = !inString;
    } else if (!inString && c === '}' && text[i + 1] === '}') return i;
  }
  return -1;
}

/** The pair for `key` in a mapping (case-sensitive, as GitHub's keys are). */
export function pairOf(map: unknown, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(map)) return undefined;
  for (const item of map.items) {
    if (isScalar(item.key) && item.key.value === key) return item as Pair<Node, Node | null>;
  }
  return undefined;
}

/** The value node for `key` in a mapping. */
export function valueOf(map: unknown, key: string): Node | undefined {
  const value = pairOf(map, key)?.value;
  return value ?? undefined;
}

/** A scalar's value as a string, or undefined for anything else. */
export function stringOf(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  return node.value === null || node.value === undefined ? undefined : String(node.value);
}

/** The entries of a mapping as [key text, value node, pair] triples. */
export function entries(map: unknown): Array<[string, Node | undefined, Pair<Node, Node | null>]> {
  if (!isMap(map)) return [];
  const out: Array<[string, Node | undefined, Pair<Node, Node | null>]> = [];
  for (const item of map.items) {
    if (isScalar(item.key))
      out.push([
        String(item.key.value),
        (item.value as Node | null) ?? undefined,
        item as Pair<Node, Node | null>,
      ]);
  }
  return out;
}

/** The items of a sequence (empty for anything else). */
export function itemsOf(node: unknown): Node[] {
  return isSeq(node) ? (node.items as Node[]) : [];
}
