/**
 * Remembers the digest of the dependencies layer by a fingerprint of its files' metadata (path, type,
 * mode, size, mtime, ctime, inode, link target), so that a rebuild whose node_modules did not change
 * neither reads nor compresses thousands of files — when the registry already holds that layer. ctime
 * and inode change on every write or replacement and cannot be set back by tools, which makes a stale
 * hit as unlikely as in git's index. The cache holds digests only, never content; a miss just rebuilds.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface CachedLayer {
  digest: string;
  diffId: string;
  size: number;
  entries: number;
}

/** Where layer digests are remembered: PAVED_LAYER_CACHE, else $XDG_CACHE_HOME/paved/layers, else ~/.cache/paved/layers. */
export function layerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env['PAVED_LAYER_CACHE'] ??
    join(env['XDG_CACHE_HOME'] ?? join(env['HOME'] ?? homedir(), '.cache'), 'paved', 'layers')
  );
}

/** A fingerprint of everything under `paths` (relative to `root`) plus `salt` (destination, excludes, format). */
export function fingerprintPaths(root: string, paths: readonly string[], salt: string): string {
  const hash = createHash('sha256').update(salt).update('\0');
  const visit = (rel: string): void => {
    const full = join(root, rel);
    const stat = lstatSync(full, { bigint: true });
    hash.update(`${rel}\0${stat.mode}\0${stat.size}\0${stat.mtimeNs}\0${stat.ctimeNs}\0${stat.ino}\0`);
    if (stat.isSymbolicLink()) hash.update(readlinkSync(full));
    else if (stat.isDirectory()) for (const name of readdirSync(full).sort()) visit(`${rel}/${name}`);
    hash.update('\n');
  };
  for (const path of [...paths].sort()) visit(path);
  return hash.digest('hex');
}

export class LayerCache {
  constructor(private readonly dir: string) {}

  get(fingerprint: string): CachedLayer | undefined {
    try {
      const value = JSON.parse(readFileSync(join(this.dir, `${fingerprint}.json`), 'utf8')) as CachedLayer;
      return /^sha256:[a-f0-9]{64}$/.test(value.digest) && /^sha256:[a-f0-9]{64}$/.test(value.diffId)
        ? value
        : undefined;
    } catch {
      return undefined;
    }
  }

  /** Best effort: a cache that cannot be written only costs speed. */
  set(fingerprint: string, layer: CachedLayer): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(join(this.dir, `${fingerprint}.json`), JSON.stringify(layer));
    } catch {
      // read-only home or full disk: the next build rebuilds the layer, which is correct, just slower
    }
  }
}
