import { describe, expect, it } from 'vitest';
import { parsePair, parseRunArgs, parseSecretFile } from '../../../cli/commands/run.js';

describe('paved run arguments', () => {
  it('takes --activity as given (the engine checks it against the event)', () => {
    expect(parseRunArgs(['--event', 'issues', '--activity', 'closed'], {})).toMatchObject({
      event: 'issues',
      activity: 'closed',
    });
    expect(parseRunArgs(['--activity=labeled'], {}).activity).toBe('labeled');
  });

  it('parses repeated flags, --flag=value and a workflow path', () => {
    const parsed = parseRunArgs(
      [
        'ci.yml',
        '--input',
        'a=1',
        '--input=b=x=y',
        '--secret',
        'T=s',
        '--secret',
        'FROM_ENV',
        '--var',
        'V=v',
        '--env',
        'E=e',
        '--jobs',
        '3',
        '--bind',
        '--dry-run',
        '--action-map',
        `acme/tool@v1=${process.cwd()}`,
      ],
      { FROM_ENV: 'env-secret' },
    );
    expect(parsed).toMatchObject({
      workflow: 'ci.yml',
      inputs: { a: '1', b: 'x=y' },
      secrets: { T: 's', FROM_ENV: 'env-secret' },
      vars: { V: 'v' },
      env: { E: 'e' },
      jobs: 3,
      bind: true,
      dryRun: true,
      actionMap: { 'acme/tool@v1': process.cwd() },
    });
  });

  it.each([
    [['--input', 'novalue'], '--input must be KEY=VALUE; got "novalue"'],
    [['--input', '=v'], '--input must be KEY=VALUE; got "=v"'],
    [['--jobs', 'two'], '--jobs must be a positive whole number; got "two"'],
    [['--event'], '--event needs a value'],
    [['--secret', 'MISSING'], '--secret MISSING: no environment variable MISSING to read it from'],
    [
      ['--action-map', 'not-a-ref=/tmp'],
      '--action-map must be OWNER/REPO[/PATH]@REF=LOCAL_DIR; got "not-a-ref=/tmp"',
    ],
    [['--action-map', 'a/b@v1=/no/such/dir'], '--action-map a/b@v1: directory "/no/such/dir" does not exist'],
    [['--frobnicate'], 'unknown option "--frobnicate"'],
    [['a.yml', 'b.yml'], 'only one workflow file or directory can be given'],
  ])('%j is refused: %s', (args, message) => {
    expect(() => parseRunArgs(args, {})).toThrow(message);
  });

  it('reads secret files', () => {
    expect(parseSecretFile('s.env', '# comment\nA=1\nexport B="two\\nlines"\nC=\'q\'\n\n')).toEqual({
      A: '1',
      B: 'two\nlines',
      C: 'q',
    });
    expect(() => parseSecretFile('s.env', 'not a pair')).toThrow(
      's.env:1: expected NAME=value; got "not a pair"',
    );
    expect(parsePair('--var', 'k=')).toEqual(['k', '']);
  });

  // act's --secret-file is read with joho/godotenv (parser.go): the same file must load the same here.
  it('reads secret files in the dotenv format act uses', () => {
    const text = [
      '# deploy secrets',
      'PLAIN=value with spaces   # a trailing comment',
      'HASH=abc#def',
      "SINGLE='literal \\n $PLAIN # kept'",
      'DOUBLE="line1\\nline2 \\"quoted\\" ${PLAIN}"',
      'export EXPORTED=yes',
      'YAML_STYLE: colon',
      '  INDENTED = spaced  ',
      'EMPTY=',
      'KEY="-----BEGIN KEY-----',
      'MIIBsecret',
      '-----END KEY-----"',
      'CRLF=windows\r',
      'dotted.name=ok',
      'AFTER_QUOTE="v" # comment after a quoted value',
      'ESCAPED_DOLLAR="cost \\$PLAIN"',
    ].join('\n');
    expect(parseSecretFile('s.env', text)).toEqual({
      PLAIN: 'value with spaces',
      HASH: 'abc#def',
      SINGLE: 'literal \\n $PLAIN # kept',
      DOUBLE: 'line1\nline2 "quoted" value with spaces',
      EXPORTED: 'yes',
      YAML_STYLE: 'colon',
      INDENTED: 'spaced',
      EMPTY: '',
      KEY: '-----BEGIN KEY-----\nMIIBsecret\n-----END KEY-----',
      CRLF: 'windows',
      'dotted.name': 'ok',
      AFTER_QUOTE: 'v',
      ESCAPED_DOLLAR: 'cost $PLAIN',
    });
    expect(() => parseSecretFile('s.env', 'A=1\nB="never closed\n')).toThrow(
      's.env:2: unterminated quoted value for B',
    );
    expect(() => parseSecretFile('s.env', 'A=1\nBAD-NAME=1')).toThrow(
      's.env:2: unexpected character "-" in a variable name',
    );
  });
  it('keeps $( in a secret file value, as godotenv does', () => {
    // godotenv's expandVariables (parser.go) tests `submatch[2] == "("`, but group 2 is the `$`, so
    // `$(` is never stripped: `$(name)` stays as written, and `$(NAME)` expands NAME (leaving `)`).
    const text = ['PASS=pa$(ss)word', 'QUOTED="pa$(ss)word"', 'USER=octo', 'CMD=$(USER)x'].join('\n');
    expect(parseSecretFile('s.env', text)).toEqual({
      PASS: 'pa$(ss)word',
      QUOTED: 'pa$(ss)word',
      USER: 'octo',
      CMD: 'octo)x',
    });
  });
  // "Naming your secrets" / "Naming conventions for configuration variables": names may contain only
  // alphanumeric characters or underscores, must not start with a number, and must not start with the
  // GITHUB_ prefix. https://docs.github.com/en/actions/reference/security/secrets#naming-your-secrets
  it.each([
    [
      ['--var', '1ST=x'],
      '--var names are letters, digits and _, not starting with a digit, like --var NAME=value; got "1ST=x"',
    ],
    [
      ['--var', 'MY-VAR=x'],
      '--var names are letters, digits and _, not starting with a digit, like --var NAME=value; got "MY-VAR=x"',
    ],
    [
      ['--var', 'GITHUB_SHA=x'],
      '--var names may not start with GITHUB_ (GitHub reserves them), like --var NAME=value; got "GITHUB_SHA=x"',
    ],
    [['--var', 'github_x=x'], '--var names may not start with GITHUB_'],
    [
      ['--secret', 'A.B=x'],
      '--secret names are letters, digits and _, not starting with a digit, like --secret NAME=value; got "A.B=x"',
    ],
    [
      ['--secret', 'GITHUB_PAT=x'],
      '--secret names may not start with GITHUB_ (GitHub reserves them), like --secret NAME=value; got "GITHUB_PAT=x"',
    ],
    [['--secret', 'GITHUB_PAT'], '--secret names may not start with GITHUB_'],
    [
      ['--env', 'A B=x'],
      '--env names are letters, digits and _, not starting with a digit, like --env NAME=value; got "A B=x"',
    ],
  ])('%j: a name GitHub would refuse is refused: %s', (args, message) => {
    expect(() => parseRunArgs(args, { GITHUB_PAT: 'p' })).toThrow(message);
  });

  it('takes GITHUB_TOKEN as a secret (act does) and GITHUB_ names in --env', () => {
    expect(
      parseRunArgs(
        ['--secret', 'GITHUB_TOKEN=t', '--env', 'GITHUB_API_URL=http://x', '--var', 'my_var1=v'],
        {},
      ),
    ).toMatchObject({
      secrets: { GITHUB_TOKEN: 't' },
      env: { GITHUB_API_URL: 'http://x' },
      vars: { my_var1: 'v' },
    });
  });
  it('names the closest option for a mistyped one, else shows the usage', () => {
    expect(() => parseRunArgs(['--forse'], {})).toThrow('unknown option "--forse"; did you mean --force?');
    expect(() => parseRunArgs(['--evnet=push'], {})).toThrow(
      'unknown option "--evnet=push"; did you mean --event?',
    );
    expect(() => parseRunArgs(['--bogus'], {})).toThrow(
      'unknown option "--bogus"; usage: paved run [WORKFLOW_FILE|DIR] [--event NAME]',
    );
  });
});
