/**
 * Ctrl-C during `paved demo`: the run in progress is cancelled, the sandbox and everything it started
 * are stopped, and the demo exits non-zero.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { stopDetached } from '../../../sandbox/control.js';
import { waitFor } from '../../../sandbox/process.js';
import { readState } from '../../../sandbox/stack.js';
import { processTree, stillRunning } from '../../support/processes.js';

const root = resolve(import.meta.dirname, '../../..');
const work = mkdtempSync(join(tmpdir(), 'paved-demo-int-'));
const dir = join(work, 'demo');

afterAll(async () => {
  await stopDetached(join(dir, 'sandbox'), 5000).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

test('SIGINT while the pipeline runs stops the sandbox and leaves no process', async () => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(join(root, 'node_modules/tsx/dist/esm/index.mjs')).href,
      join(root, 'cli/index.ts'),
      'demo',
      '--dir',
      dir,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  // The first job has started: the sandbox is up and `paved run` is running steps.
  await waitFor('the demo to start its first pipeline', () => /\[pipeline \/ ci/.test(output), {
    process: child,
    output: () => output,
    timeoutMs: 300_000,
    intervalMs: 100,
  });
  const state = readState(join(dir, 'sandbox'));
  expect(state).toBeDefined();
  const tree = processTree(state?.pid as number);
  expect(tree.length).toBeGreaterThanOrEqual(3);
  child.kill('SIGINT');
  const code = await exited;
  expect(code, output).toBe(1);
  expect(output).toContain('sandbox stopped; no process of it is left');
  expect(output).toContain('The demo did NOT complete');
  expect(stillRunning(tree)).toEqual([]);
  expect(existsSync(join(dir, 'sandbox', 'state.json'))).toBe(false);
}, 400_000);
