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

  it('accepts CRLF line endings', () => {
    expect(parseKeyValueFile('a=1\r\nb<<E\r\nv\r\nE\r\n')).toEqual([
      ['a', '1'],
      ['b', 'v'],
    ]);
  });

  it.each([
    ['no equals', "Invalid format 'no equals'"],
    ['=value', "Invalid format '=value'. Name must not be empty"],
    ['<<EOF\nx\nEOF\n', "Invalid format '<<EOF'. Name must not be empty"],
    ['a<<\nx\n', "Invalid format 'a<<'. Delimiter must not be empty"],
    ['a<<EOF\nx\n', "Invalid value. Matching delimiter not found 'EOF'"],
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
    expect(masker.mask(Buffer.from('top-secret').toString('base64'))).toBe('***');
    expect(masker.mask('nothing here')).toBe('nothing here');
    expect(masker.contains('xx top-secret')).toBe(true);
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
