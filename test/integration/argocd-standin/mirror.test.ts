/**
 * The stand-in's repo-server mirror against real bare repositories: a refresh must see every commit
 * pushed before it was asked for, even while a background poll's fetch is still running.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runGit } from '../../../shared/gitops/git.js';
import { commitToBareRepo, createBareRepo } from '../../../sandbox/git-server.js';
import { RepoMirror } from '../../../sandbox/argocd/controller.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'paved-mirror-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in 20 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it('a forced fetch does not join a fetch that advertised refs before the commit', async () => {
  const bare = await createBareRepo(root, 'gitops', { 'a.txt': 'one' });
  const mirror = new RepoMirror(bare, join(root, 'mirror.git'), process.env);
  await mirror.fetch(true);
  const first = await mirror.resolve('main');
  // Every later fetch's upload-pack advertises its refs, then holds the connection until released.
  const advertised = join(root, 'advertised');
  const release = join(root, 'release');
  const slow = join(root, 'slow-upload-pack');
  writeFileSync(
    slow,
    `#!/bin/sh\ngit-upload-pack "$@"\ntouch '${advertised}'\nwhile [ ! -e '${release}' ]; do sleep 0.02; done\n`,
  );
  chmodSync(slow, 0o755);
  await runGit(['--git-dir', join(root, 'mirror.git'), 'config', 'remote.origin.uploadpack', slow]);

  const poll = mirror.fetch(true);
  await until(() => existsSync(advertised));
  const head = await commitToBareRepo(bare, 'main', { 'a.txt': 'two' });
  rmSync(advertised);
  const refresh = mirror.fetch(true);
  // A resolve while the poll's fetch is open must not pin the old answer past the refresh.
  expect(await mirror.resolve('main')).toBe(first);
  writeFileSync(release, '');
  await Promise.all([poll, refresh]);
  expect(existsSync(advertised)).toBe(true);
  expect(await mirror.resolve('main')).toBe(head);
  expect(head).not.toBe(first);
});
