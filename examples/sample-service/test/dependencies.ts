// Installs the sample service's dependencies (prom-client and friends) from its own lockfile when they
// are missing. Test files run in parallel processes, so one installs while the others wait on a lock
// directory (mkdir is atomic) instead of racing `npm ci`, which deletes node_modules first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const sampleServiceDir = join(import.meta.dirname, '..');

export function ensureSampleServiceDependencies(): void {
  const ready = (): boolean => existsSync(join(sampleServiceDir, 'node_modules', '.package-lock.json'));
  if (ready()) return;
  const lock = join(sampleServiceDir, '.npm-ci.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else installs; a lock older than 3 minutes belongs to a process that died.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline)
        throw new Error(`waited 3 minutes for ${lock}; remove it if no npm ci is running`);
      spawnSync('sleep', ['0.5']);
    }
  }
  try {
    if (ready()) return;
    const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
      cwd: sampleServiceDir,
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(
        `npm ci in examples/sample-service failed; run it by hand to see why:\n${result.stderr}`,
      );
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
