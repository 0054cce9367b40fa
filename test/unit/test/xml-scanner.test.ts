import { describe, expect, test } from 'vitest';
import { decodeEntities, XmlScanner } from '../../../actions/test/src/xml-scanner.js';

function events(chunks: string[]): string[] {
  const out: string[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push(`text:${text}`);
    text = '';
  };
  const scanner = new XmlScanner({
    open(name, attrs, selfClosing) {
      flush();
      out.push(`open:${name}${JSON.stringify(attrs)}${selfClosing ? '/' : ''}`);
    },
    close(name) {
      flush();
      out.push(`close:${name}`);
    },
    text(content) {
      text += content;
    },
    wantsText: () => true,
  });
  for (const chunk of chunks) scanner.write(chunk);
  scanner.end();
  flush();
  return out;
}

const DOC = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment with <tags> -->
<root a="1" b='two &amp; &quot;three&quot;' c="x>y">
  <child/>
  <item   key = "v" >text &lt;here&gt; &#65;&#x42;</item>
  <![CDATA[raw <not a tag> & ]]>
</root>`;

describe('XmlScanner', () => {
  test('every chunk size gives the same events', () => {
    const whole = events([DOC]);
    expect(whole).toContain('open:root{"a":"1","b":"two & \\"three\\"","c":"x>y"}');
    expect(whole).toContain('open:child{}/');
    expect(whole).toContain('text:text <here> AB');
    expect(whole.some((e) => e.includes('raw <not a tag> & '))).toBe(true);
    for (let size = 1; size <= 17; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < DOC.length; i += size) chunks.push(DOC.slice(i, i + size));
      expect(events(chunks)).toEqual(whole);
    }
  });

  test.each([
    ['<a><b></a>', /line 1: <\/a> does not close <b>/],
    ['<a>', /<a> is not closed/],
    ['', /no XML element found/],
    ['hello', /no XML element found|text outside the root element/],
    ['<a></a><b/>', /<b> after the end of the root element/],
    ['<a>\n\n<b x=1></b></a>', /line 3: malformed start tag/],
    ['<a><!DOCTYPE x [ <!ENTITY e "boom"> ]></a>', /internal subsets are not supported/],
  ])('%j is refused', (doc, message) => {
    expect(() => events([doc])).toThrow(message);
  });

  test('entities', () => {
    expect(decodeEntities('&lt;&gt;&amp;&quot;&apos;&#x1F600;&#233;&unknown;')).toBe('<>&"\'😀é&unknown;');
    // Without character references (the replaceAll path): each entity is decoded once, `&amp;` last.
    expect(decodeEntities('a &amp;lt; b &amp;amp; &quot;q&quot; &apos;&gt;&unknown; &')).toBe(
      'a &lt; b &amp; "q" \'>&unknown; &',
    );
  });
});
