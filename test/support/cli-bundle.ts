/**
 * Tests that run the `paved` CLI as a process use its ncc bundle (dist/cli). It is rebuilt when it is
 * missing or older than the engine or the run command (and its report), once: test files run in parallel processes, so a
 * lock directory makes a second caller wait for the first build instead of starting its own into the
 * same folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliBundle = join(root, 'dist', 'cli', 'index.js');

function stale(): boolean {
  if (!existsSync(cliBundle)) return true;
  const built = statSync(cliBundle).mtimeMs;
  // Every engine file counts: the engine is split by concept, so a change can be in any of them.
  const sources = [
    ...readdirSync(join(root, 'engine'))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => join(root, 'engine', file)),
    join(root, 'cli', 'commands', 'run.ts'),
    join(root, 'cli', 'run-report.ts'),
  ];
  return sources.some((file) => built < statSync(file).mtimeMs);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Build dist/cli when it is out of date; throws with the build's output when the build fails. */
export function ensureCliBundle(timeoutMs = 600_000): void {
  if (!stale()) return;
  const lock = join(root, '.cache', 'cli-bundle.lock');
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${lock} (remove it if no build runs)`);
      sleep(500);
    }
  }
  try {
    if (!stale()) return;
    const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.js'), 'cli'], {
      cwd: root,
      encoding: 'utf8',
    });
    if (built.status !== 0)
      throw new Error(`node scripts/build.js cli failed:\n${built.stdout}\n${built.stderr}`);
  } finally {
    rmdirSync(lock);
  }
}
