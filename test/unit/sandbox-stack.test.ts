import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  clearState,
  isAlive,
  readState,
  startOrder,
  startStack,
  writeState,
  type ServiceDefinition,
  type StackContext,
} from '../../sandbox/stack.js';

function definition(
  name: string,
  needs: string[] = [],
  events: string[] = [],
  fail = false,
): ServiceDefinition {
  return {
    name,
    description: name,
    needs,
    async start(context) {
      for (const need of needs) expect(context.started.has(need)).toBe(true);
      if (fail) throw new Error('port in use');
      events.push(`start ${name}`);
      return { name, url: `http://127.0.0.1/${name}`, stop: async () => void events.push(`stop ${name}`) };
    },
  };
}

const context = (): StackContext => ({
  dir: mkdtempSync(join(tmpdir(), 'paved-stack-')),
  started: new Map(),
  log: () => undefined,
});

describe('startOrder', () => {
  test('dependencies first, otherwise as listed', () => {
    const order = startOrder([
      definition('argocd', ['registry', 'git']),
      definition('registry'),
      definition('git'),
      definition('slack'),
    ]);
    expect(order.map((d) => d.name)).toEqual(['registry', 'git', 'argocd', 'slack']);
  });
  test('cycles and unknown needs are errors', () => {
    expect(() => startOrder([definition('a', ['b']), definition('b', ['a'])])).toThrow('cycle: a -> b -> a');
    expect(() => startOrder([definition('a', ['nope'])])).toThrow("'a' needs 'nope'");
  });
});

describe('startStack', () => {
  test('a failing service stops everything started before it, in reverse', async () => {
    const events: string[] = [];
    await expect(
      startStack(
        [
          definition('registry', [], events),
          definition('git', [], events),
          definition('argocd', ['registry'], events, true),
        ],
        context(),
      ),
    ).rejects.toThrow("sandbox service 'argocd' did not start: port in use");
    expect(events).toEqual(['start registry', 'start git', 'stop git', 'stop registry']);
  });
});

describe('state file', () => {
  test('round trip, and cleared', async () => {
    const ctx = context();
    const running = await startStack([definition('registry')], ctx);
    writeState(ctx.dir, running);
    expect(readState(ctx.dir)).toMatchObject({
      pid: process.pid,
      services: [{ name: 'registry', url: 'http://127.0.0.1/registry' }],
    });
    clearState(ctx.dir);
    expect(readState(ctx.dir)).toBeUndefined();
  });
  test('isAlive', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(2 ** 22 + 12345)).toBe(false);
  });
});
