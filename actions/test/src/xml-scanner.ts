/**
 * A streaming XML scanner: feed it text chunks, it calls back on each start tag, end tag and piece of
 * text. Memory stays bounded by the largest single tag (and by what the handler keeps), never by the
 * file: a 100,000-test report is read in 64 KiB chunks without building a tree.
 *
 * It is a well-formedness checker for what JUnit reports contain (elements, attributes, text, CDATA,
 * comments, processing instructions, a DOCTYPE without an internal subset) and refuses anything else
 * with a line number, so a truncated or non-XML report is an error instead of a silent zero.
 */

export interface XmlHandler {
  /** A start tag. `selfClosing` is followed by no `close` call. */
  open(name: string, attributes: Record<string, string>, selfClosing: boolean): void;
  close(name: string): void;
  /** Decoded character data (may arrive in several pieces). Only called while `wantsText()` is true. */
  text(content: string): void;
  /** Whether text at the current position matters; skipping it is most of the speed. */
  wantsText(): boolean;
  /**
   * Pass attribute values as written, entities not decoded, for a handler that decodes only what it
   * keeps (a 100,000-test report names every test; a few hundred names are ever shown).
   */
  readonly rawAttributes?: boolean;
}

export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const NAME = /[^\s/>=]+/y;
/**
 * The next attribute of a start tag, or the tag's end (`>` or `/>`, captured as group 4): one match per
 * attribute, where separate attribute and end-of-tag expressions would try and fail the end before each.
 */
const ATTRIBUTE_OR_END = /\s*(?:([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')|(\/?)>)/y;
/** What may follow the last complete attribute when the chunk ended inside a start tag. */
const PARTIAL_TAG_REST = /^\s*(?:[^\s=/>]+\s*(?:=\s*(?:"[^"]*|'[^']*)?)?|\/)?$/;
/** XML whitespace: space, tab, line feed, carriage return. */
function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}
const NAMED: Record<string, string | undefined> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/** Text pieces are flushed at this size so one huge <system-out> never sits in the buffer whole. */
const MAX_PENDING_TEXT = 256 * 1024;

/** Decode the five XML entities and character references. A loop, not a regex callback: it runs for every attribute with an `&`. */
export function decodeEntities(text: string): string {
  let amp = text.indexOf('&');
  if (amp < 0) return text;
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semi = text.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > 10) {
      amp = text.indexOf('&', amp + 1);
      continue;
    }
    const entity = text.slice(amp + 1, semi);
    let decoded: string | undefined = NAMED[entity];
    if (decoded === undefined && entity.charCodeAt(0) === 35 /* # */) {
      const code =
        entity.charCodeAt(1) === 120 /* x */ ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      decoded = code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    if (decoded !== undefined) {
      out += text.slice(from, amp) + decoded;
      from = semi + 1;
    }
    amp = text.indexOf('&', semi + 1);
  }
  return out + text.slice(from);
}

export class XmlScanner {
  private buffer = '';
  private readonly stack: string[] = [];
  private line = 1;
  private sawRoot = false;
  private rootClosed = false;
  rootName: string | undefined;

  constructor(private readonly handler: XmlHandler) {}

  /** Feed the next chunk of the document. */
  write(chunk: string): void {
    this.buffer = this.buffer.length === 0 ? chunk : this.buffer + chunk;
    this.scan(false);
  }

  /** The document is complete: anything left open is an error. */
  end(): void {
    this.scan(true);
    if (this.buffer.trim() !== '') throw this.error(`unexpected end of file inside ${describe(this.buffer)}`);
    if (!this.sawRoot) throw this.error('no XML element found (the file is empty or not XML)');
    if (this.stack.length > 0)
      throw this.error(`unexpected end of file: <${this.stack[this.stack.length - 1]}> is not closed`);
  }

  private error(message: string): XmlSyntaxError {
    return new XmlSyntaxError(message, this.line);
  }

  /** Advance past buffer[0..index), counting lines for error messages. */
  private consume(index: number): void {
    let from = 0;
    for (;;) {
      const nl = this.buffer.indexOf('\n', from);
      if (nl < 0 || nl >= index) break;
      this.line++;
      from = nl + 1;
    }
    this.buffer = this.buffer.slice(index);
  }

  private scan(atEnd: boolean): void {
    const buffer = this.buffer;
    let pos = 0;
    const handler = this.handler;
    for (;;) {
      const lt = buffer.indexOf('<', pos);
      if (lt < 0) {
        // Only text remains. Keep a possible partial entity for the next chunk.
        const rest = buffer.length - pos;
        if (rest > 0 && (atEnd || rest > MAX_PENDING_TEXT)) {
          const amp = buffer.lastIndexOf('&');
          const cut = atEnd || amp < pos || amp < buffer.length - 12 ? buffer.length : amp;
          this.emitText(buffer.slice(pos, cut));
          pos = cut;
        }
        break;
      }
      if (lt > pos) {
        // Whitespace between elements is most of a report's text: only cut a string when it matters.
        if (this.stack.length === 0 || handler.wantsText()) this.emitText(buffer.slice(pos, lt));
        pos = lt;
      }
      const next = buffer.charCodeAt(lt + 1);
      if (Number.isNaN(next)) break;
      if (next === 47 /* / */) {
        const gt = buffer.indexOf('>', lt);
        if (gt < 0) break;
        const expected = this.stack.pop();
        // Compared in place: cutting (and trimming) the name out of every end tag is garbage.
        let nameEnd = lt + 2 + (expected?.length ?? 0);
        if (expected === undefined || !buffer.startsWith(expected, lt + 2) || nameEnd > gt) nameEnd = -1;
        else while (nameEnd < gt && isSpace(buffer.charCodeAt(nameEnd))) nameEnd++;
        if (nameEnd !== gt) {
          const name = buffer.slice(lt + 2, gt).trim();
          this.consume(lt);
          throw this.error(
            expected ? `</${name}> does not close <${expected}>` : `</${name}> has no matching start tag`,
          );
        }
        if (this.stack.length === 0) this.rootClosed = true;
        handler.close(expected as string);
        pos = gt + 1;
        continue;
      }
      if (next === 33 /* ! */) {
        if (buffer.startsWith('<!--', lt)) {
          const end = buffer.indexOf('-->', lt + 4);
          if (end < 0) break;
          pos = end + 3;
          continue;
        }
        if (buffer.startsWith('<![CDATA[', lt)) {
          const end = buffer.indexOf(']]>', lt + 9);
          if (end < 0) break;
          if (this.stack.length === 0) {
            this.consume(lt);
            throw this.error('CDATA outside the root element');
          }
          if (handler.wantsText()) handler.text(buffer.slice(lt + 9, end));
          pos = end + 3;
          continue;
        }
        if (buffer.length - lt < 9) break;
        if (buffer.startsWith('<!DOCTYPE', lt)) {
          const gt = buffer.indexOf('>', lt);
          if (gt < 0) break;
          if (buffer.lastIndexOf('[', gt) > lt) {
            this.consume(lt);
            throw this.error('DOCTYPE internal subsets are not supported in JUnit reports');
          }
          pos = gt + 1;
          continue;
        }
        this.consume(lt);
        throw this.error(`unexpected markup ${describe(buffer.slice(lt))}`);
      }
      if (next === 63 /* ? */) {
        const end = buffer.indexOf('?>', lt + 2);
        if (end < 0) break;
        pos = end + 2;
        continue;
      }
      // A start tag.
      NAME.lastIndex = lt + 1;
      const nameMatch = NAME.exec(buffer);
      if (!nameMatch) {
        if (lt + 1 >= buffer.length) break;
        this.consume(lt);
        throw this.error(`invalid tag ${describe(buffer.slice(lt))}`);
      }
      const name = nameMatch[0];
      let cursor = NAME.lastIndex;
      const attributes: Record<string, string> = {};
      let complete = false;
      let selfClosing = false;
      const decode = handler.rawAttributes !== true;
      for (;;) {
        ATTRIBUTE_OR_END.lastIndex = cursor;
        const match = ATTRIBUTE_OR_END.exec(buffer);
        if (!match) break;
        cursor = ATTRIBUTE_OR_END.lastIndex;
        const end = match[4];
        if (end !== undefined) {
          selfClosing = end === '/';
          complete = true;
          break;
        }
        const value = match[2] ?? match[3] ?? '';
        attributes[match[1] as string] = decode && value.includes('&') ? decodeEntities(value) : value;
      }
      if (!complete) {
        // Either the tag continues in the next chunk or it is malformed.
        if (!atEnd && PARTIAL_TAG_REST.test(buffer.slice(cursor))) break;
        this.consume(lt);
        throw this.error(`malformed start tag ${describe(buffer.slice(lt))}`);
      }
      if (this.rootClosed) {
        this.consume(lt);
        throw this.error(`<${name}> after the end of the root element`);
      }
      if (!this.sawRoot) {
        this.sawRoot = true;
        this.rootName = name;
      }
      handler.open(name, attributes, selfClosing);
      if (selfClosing) {
        if (this.stack.length === 0) this.rootClosed = true;
      } else {
        this.stack.push(name);
      }
      pos = cursor;
    }
    this.consume(pos);
  }

  private emitText(raw: string): void {
    if (this.stack.length === 0) {
      if (raw.trim() !== '') throw this.error(`text outside the root element: ${describe(raw.trim())}`);
      return;
    }
    if (this.handler.wantsText()) this.handler.text(decodeEntities(raw));
  }
}

function describe(text: string): string {
  const firstLine = text.split('\n')[0] ?? '';
  return JSON.stringify(firstLine.length > 60 ? `${firstLine.slice(0, 60)}…` : firstLine);
}
