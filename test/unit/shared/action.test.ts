import { describe, expect, test } from 'vitest';
import { escapeCommandData, runAction, type ActionIo } from '../../../shared/action.js';
import { InputError, RemoteError, describeCauseChain } from '../../../shared/errors.js';

function capture(env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  let exitCode: number | undefined;
  const io: ActionIo = { write: (line) => lines.push(line), env, setExitCode: (code) => (exitCode = code) };
  return { io, lines, exitCode: () => exitCode };
}

describe('runAction', () => {
  test('success prints nothing and leaves the exit code alone', async () => {
    const c = capture();
    await runAction(() => undefined, c.io);
    expect(c.lines).toEqual([]);
    expect(c.exitCode()).toBeUndefined();
  });

  test('a failure is exactly one ::error:: line and exit code 1, without a stack', async () => {
    const c = capture();
    await runAction(() => {
      throw InputError.invalid('timeout', 'five', 'a duration like 30s, 5m or 1h30m');
    }, c.io);
    expect(c.lines).toEqual([
      `::error::Input 'timeout' must be a duration like 30s, 5m or 1h30m; got "five"`,
    ]);
    expect(c.exitCode()).toBe(1);
  });

  test('multi-line messages stay on one line (escaped as the runner expects)', async () => {
    const c = capture();
    await runAction(async () => {
      throw new Error('first\nsecond 100%');
    }, c.io);
    expect(c.lines).toEqual(['::error::first%0Asecond 100%25']);
  });

  test('RUNNER_DEBUG=1 adds the stack and the cause chain as debug lines, still one ::error::', async () => {
    const c = capture({ RUNNER_DEBUG: '1' });
    const root = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5000'), { code: 'ECONNREFUSED' });
    await runAction(() => {
      throw new RemoteError('registry 127.0.0.1:5000', 'unreachable', { cause: root });
    }, c.io);
    const errors = c.lines.filter((l) => l.startsWith('::error::'));
    expect(errors).toEqual(['::error::registry 127.0.0.1:5000: unreachable']);
    const debug = c.lines.filter((l) => l.startsWith('::debug::')).join('\n');
    expect(debug).toContain('RemoteError: registry 127.0.0.1:5000: unreachable');
    expect(debug).toContain('caused by: Error: connect ECONNREFUSED');
    expect(debug).toMatch(/at .*action\.test\.ts/);
  });

  test('non-Error throws are reported too', async () => {
    const c = capture();
    await runAction(() => {
      throw 'plain string';
    }, c.io);
    expect(c.lines).toEqual(['::error::plain string']);
  });
});

test('escapeCommandData', () => expect(escapeCommandData('a%b\r\nc')).toBe('a%25b%0D%0Ac'));

test('describeCauseChain stops on cycles', () => {
  const a = new Error('a');
  const b = new Error('b', { cause: a });
  (a as { cause?: unknown }).cause = b;
  expect(describeCauseChain(b, false)).toBe('Error: b\ncaused by: Error: a');
});
