import { describe, expect, it } from 'vitest';
import {
  FileCommandError,
  Masker,
  parseCommand,
  parseKeyValueFile,
  parsePathFile,
} from '../../../engine/commands.js';

describe('parseCommand', () => {
  it.each([
    ['::set-output name=x::value', { command: 'set-output', properties: { name: 'x' }, data: 'value' }],
    [
      '  ::error file=a.ts,line=3,col=1::bad%0Aline %25 done',
      { command: 'error', properties: { file: 'a.ts', line: '3', col: '1' }, data: 'bad\nline % done' },
    ],
    ['::warning title=a%3Ab%2Cc::w', { command: 'warning', properties: { title: 'a:b,c' }, data: 'w' }],
    ['::endgroup::', { command: 'endgroup', properties: {}, data: '' }],
    ['##[group]Title', { command: 'group', properties: {}, data: 'Title' }],
    ['::add-mask::a::b', { command: 'add-mask', properties: {}, data: 'a::b' }],
  ])('%s', (line, expected) => {
    expect(parseCommand(line)).toEqual(expected);
  });

  it.each(['plain text', ':: no command', '::missing-end', 'x ::error::not at start'])(
    'ignores %j',
    (line) => {
      expect(parseCommand(line)).toBeUndefined();
    },
  );
});

describe('parseKeyValueFile', () => {
  it('reads NAME=VALUE and heredocs, keeping = in values and inner newlines', () => {
    expect(parseKeyValueFile('a=1\n\nb=x=y\nc<<EOF\nline1\n\nline3\nEOF\nd<<X\nX\n')).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
      ['c', 'line1\n\nline3'],
      ['d', ''],
    ]);
  });

  // actions/runner FileCommandManager.cs, EnvFileKeyValuePairs.ReadLine: on Linux and macOS a line ends
  // at \n only (CRLF is one line end only `#if OS_WINDOWS`), so a \r stays in the value, as it does on
  // GitHub's Ubuntu runners; and its empty-name check tests the whole line, so `=value` is accepted.
  it('ends lines at \\n only and accepts an empty name, as the Linux runner does', () => {
    expect(parseKeyValueFile('a=1\r\nb<<E\nv\r\nE\nc<<E\r\nw\nE\r\n=value\n')).toEqual([
      ['a', '1\r'],
      ['b', 'v\r'],
      ['c', 'w'],
      ['', 'value'],
    ]);
  });

  it.each([
    ['no equals', "Invalid format 'no equals'"],
    ['<<EOF\nx\nEOF\n', "Invalid format '<<EOF'. Name must not be empty and delimiter must not be empty"],
    ['a<<\nx\n', "Invalid format 'a<<'. Name must not be empty and delimiter must not be empty"],
    ['a<<EOF\nx\n', "Invalid value. Matching delimiter not found 'EOF'"],
    ['a<<EOF\nx', 'Invalid value. EOF marker missing new line.'],
  ])('rejects %j with the runner message', (text, message) => {
    expect(() => parseKeyValueFile(text)).toThrow(FileCommandError);
    expect(() => parseKeyValueFile(text)).toThrow(message);
  });

  it('reads GITHUB_PATH lines', () => {
    expect(parsePathFile('/a\n\n  /b  \n')).toEqual(['/a', '/b']);
  });
});

describe('Masker', () => {
  it('masks values, their lines and encodings, longest first', () => {
    const masker = new Masker();
    masker.add('top-secret');
    masker.add('multi\nline-secret');
    masker.add('  ');
    expect(masker.mask('a top-secret b')).toBe('a *** b');
    expect(masker.mask('line-secret alone')).toBe('*** alone');
    // The runner leaves base64 padding out of the masked form.
    expect(masker.mask(Buffer.from('top-secret').toString('base64'))).toBe('***==');
    expect(masker.mask('nothing here')).toBe('nothing here');
    expect(masker.contains('xx top-secret')).toBe(true);
  });

  // actions/runner src/Sdk/DTLogging/Logging/ValueEncoders.cs (EnumerateBase64Variations): base64 of
  // the secret at each of the 3 byte alignments, without padding, standard and URL-safe alphabets.
  it.each([
    ['aligned', ''],
    ['after one byte', 'x'],
    ['after two bytes', 'xy'],
    ['after three bytes', 'xyz'],
  ])('masks a secret base64-encoded inside a longer text (%s)', (_name, prefix) => {
    const masker = new Masker();
    masker.add('p4ss>word?');
    const encoded = Buffer.from(`user:${prefix}p4ss>word?`).toString('base64');
    expect(masker.mask(encoded)).not.toContain(encoded.slice(-8, -2));
    expect(masker.mask(encoded)).toContain('***');
    const urlSafe = Buffer.from(`${prefix}p4ss>word?`).toString('base64url');
    expect(masker.mask(urlSafe)).toContain('***');
  });

  // The other encoders HostContext registers: ExpressionStringEscape, JsonStringEscape,
  // UriDataEscape (Uri.EscapeDataString), XmlDataEscape (SecurityElement.Escape), TrimDoubleQuotes.
  it.each([
    ['expression string escape', "it's a secret", "'it''s a secret'", "'***'"],
    ['JSON string escape', 'say "hi"\\now', '{"v":"say \\"hi\\"\\\\now"}', '{"v":"***"}'],
    ['URI data escape', "a b/c!d'(e)", 'q=a%20b%2Fc%21d%27%28e%29&x', 'q=***&x'],
    ['XML data escape', '<tag a="1">&', '<v>&lt;tag a=&quot;1&quot;&gt;&amp;</v>', '<v>***</v>'],
    ['trimmed double quotes', '"quoted-secret"', 'value=quoted-secret;', 'value=***;'],
  ])('masks the %s form', (_name, secret, text, masked) => {
    const masker = new Masker();
    masker.add(secret);
    expect(masker.mask(text)).toBe(masked);
  });

  // SecretMasker.MaskSecrets merges overlapping and adjacent replacement positions into one ***.
  it('merges overlapping matches of different values into one mask', () => {
    const masker = new Masker();
    masker.add('abcdef');
    masker.add('defghi');
    expect(masker.mask('x abcdefghi y')).toBe('x *** y');
    expect(masker.mask('abcdefdefghi')).toBe('***');
  });

  // A multi-line value is masked line by line (each trimmed), since output is read line by line.
  it('masks each line of a multi-line value, trimmed, and CR-separated lines too', () => {
    const masker = new Masker();
    masker.add('-----BEGIN KEY-----\r\n  MIIBsecretline  \r\n-----END KEY-----\n');
    expect(masker.mask('  MIIBsecretline')).toBe('  ***');
    expect(masker.mask('-----END KEY-----')).toBe('***');
  });
});

describe('command names', () => {
  it('are case-insensitive, as are property names', () => {
    expect(parseCommand('::Set-Output Name=x::v')).toEqual({
      command: 'set-output',
      properties: { name: 'x' },
      data: 'v',
    });
    expect(parseCommand('::error endLine=4,endColumn=2::e')?.properties).toEqual({
      endline: '4',
      endcolumn: '2',
    });
  });
});
