/** Where this Paved installation lives (source tree or bundle) and what its package.json says. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PavedPackage {
  /** The directory holding package.json, workflows-templates/ and dist/. */
  root: string;
  version: string;
  /** `repository` from package.json, when set (e.g. "github:acme/paved" or a URL). */
  repository: string | undefined;
}

/** The nearest package.json named "paved" above this module, or undefined when there is none. */
export function pavedPackage(
  from: string = dirname(fileURLToPath(import.meta.url)),
): PavedPackage | undefined {
  let dir = from;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
        repository?: string | { url?: string };
      };
      if (pkg.name === 'paved' && pkg.version) {
        const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
        return { root: dir, version: pkg.version, repository };
      }
    } catch {
      // no package.json here; keep looking upward
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The GitHub owner that publishes this Paved, from package.json's `repository`
 * (`https://github.com/acme/paved(.git)`, `git@github.com:acme/paved.git`, `github:acme/paved`, `acme/paved`).
 */
export function pavedOrg(pkg: PavedPackage | undefined = pavedPackage()): string | undefined {
  const repository = pkg?.repository?.trim();
  if (!repository) return undefined;
  return (
    /^(?:github:)?([A-Za-z0-9-]+)\/paved$/.exec(repository)?.[1] ??
    /github\.com[/:]([A-Za-z0-9-]+)\/paved(?:\.git)?$/.exec(repository)?.[1]
  );
}
