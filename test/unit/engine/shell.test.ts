import { describe, expect, it } from 'vitest';
import { resolveShell, ShellError, splitCommandLine } from '../../../engine/shell.js';

const PATH = process.env['PATH'];

describe('resolveShell', () => {
  it.each([
    [undefined, /\/bash$/, ['-e', '{0}'], '.sh'],
    ['bash', /\/bash$/, ['--noprofile', '--norc', '-eo', 'pipefail', '{0}'], '.sh'],
    ['sh', /\/sh$/, ['-e', '{0}'], '.sh'],
    ['bash -c "source {0}"', /\/bash$/, ['-c', 'source {0}'], '.sh'],
  ])('%s', (shell, file, args, extension) => {
    const resolved = resolveShell(shell, PATH);
    expect(resolved.file).toMatch(file);
    expect(resolved.args).toEqual(args);
    expect(resolved.extension).toBe(extension);
  });

  it('refuses Windows shells and custom shells without {0}', () => {
    expect(() => resolveShell('cmd', PATH)).toThrow(ShellError);
    expect(() => resolveShell('bash -x', PATH)).toThrow(/containing '\{0\}'/);
    expect(() => resolveShell('no-such-shell {0}', PATH)).toThrow(/no-such-shell: command not found/);
  });

  it('wraps pwsh scripts with the runner preamble', () => {
    expect(splitCommandLine('pwsh -command ". \'{0}\'"')).toEqual(['pwsh', '-command', ". '{0}'"]);
  });
});
