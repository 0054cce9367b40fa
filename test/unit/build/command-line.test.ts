import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../../../actions/build/src/command-line.js';

describe('install-command / build-command', () => {
  test.each([
    ['make dist', [['make', 'dist']]],
    [
      'npm run build -- --mode "production build"',
      [['npm', 'run', 'build', '--', '--mode', 'production build']],
    ],
    ["echo 'a b' c\\ d", [['echo', 'a b', 'c d']]],
    [
      'go generate ./...\ngo build -o bin/app .',
      [
        ['go', 'generate', './...'],
        ['go', 'build', '-o', 'bin/app', '.'],
      ],
    ],
    ['# comment\n  make  ', [['make']]],
    ['say "quote \\" inside"', [['say', 'quote " inside']]],
  ])('%j', (value, expected) => {
    expect(parseCommandLine('build-command', value)).toEqual(expected);
  });

  test.each([
    ['npm ci && npm run build', /the shell operator "&&"/],
    ['make | tee log', /the shell operator "\|"/],
    ['make > log', /the shell operator ">"/],
    ['echo $HOME', /variable or command substitution/],
    ['echo "$(id)"', /variable or command substitution/],
    ['echo `id`', /variable or command substitution/],
    ['echo "unclosed', /the " quote is not closed/],
  ])('%j is refused, naming the input', (value, message) => {
    expect(() => parseCommandLine('build-command', value)).toThrow(message);
    expect(() => parseCommandLine('build-command', value)).toThrow(/'build-command'/);
  });
});
