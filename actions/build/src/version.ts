/**
 * The version a build produces: the semver tag on HEAD (`v1.2.3` → `1.2.3`), else the version in the
 * project's manifest with the short commit appended (`1.2.0-3f2a9c1`), so every untagged build is
 * distinguishable and sorts as a pre-release of the manifest version.
 */

const SEMVER_TAG = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

/** The highest semver among the tags pointing at HEAD, without its `v`. */
export function versionFromTags(tags: readonly string[]): string | undefined {
  const versions = tags
    .map((t) => SEMVER_TAG.exec(t.trim())?.[1])
    .filter((v): v is string => v !== undefined);
  return versions.sort(compareSemver).pop();
}

function compareSemver(a: string, b: string): number {
  const [coreA, preA] = splitVersion(a);
  const [coreB, preB] = splitVersion(b);
  for (let i = 0; i < 3; i++) {
    const diff = (coreA[i] ?? 0) - (coreB[i] ?? 0);
    if (diff !== 0) return diff;
  }
  // A release sorts above its pre-releases.
  if (!preA && preB) return 1;
  if (preA && !preB) return -1;
  return (preA ?? '').localeCompare(preB ?? '', 'en', { numeric: true });
}

function splitVersion(v: string): [number[], string | undefined] {
  const [main, ...pre] = v.split('+')[0]!.split('-');
  return [(main ?? '').split('.').map(Number), pre.length ? pre.join('-') : undefined];
}

/** The version declared in a manifest's text, by manifest file name. */
export function manifestVersion(file: string, text: string): string | undefined {
  const name = file.split('/').pop() ?? file;
  if (name === 'package.json') {
    try {
      const version = (JSON.parse(text) as { version?: unknown }).version;
      return typeof version === 'string' && version ? version : undefined;
    } catch {
      return undefined;
    }
  }
  if (name === 'Cargo.toml' || name === 'pyproject.toml') {
    // The version key of [package] (Cargo), [project] (PEP 621) or [tool.poetry].
    const section = /^\[(package|project|tool\.poetry)\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text);
    return section ? /^\s*version\s*=\s*["']([^"']+)["']/m.exec(section[2] ?? '')?.[1] : undefined;
  }
  if (name === 'pom.xml') {
    // The project's own <version>, not the parent's or a dependency's.
    const withoutNested = text.replace(
      /<parent>[\s\S]*?<\/parent>|<dependencies>[\s\S]*?<\/dependencies>|<dependencyManagement>[\s\S]*?<\/dependencyManagement>|<build>[\s\S]*?<\/build>|<profiles>[\s\S]*?<\/profiles>/g,
      '',
    );
    const version = /<version>\s*([^<\s]+)\s*<\/version>/.exec(withoutNested)?.[1];
    return version && !version.includes('${') ? version : undefined;
  }
  if (name === 'gradle.properties') return /^\s*version\s*=\s*(\S+)\s*$/m.exec(text)?.[1];
  return undefined;
}

/** Combine: the tag wins; else manifest version + short sha; else 0.0.0-<sha>; else the manifest version alone. */
export function buildVersion(options: {
  tags: readonly string[];
  shortSha: string | undefined;
  manifestVersion: string | undefined;
}): string {
  const tagged = versionFromTags(options.tags);
  if (tagged) return tagged;
  const base = options.manifestVersion ?? '0.0.0';
  if (!options.shortSha) return base;
  // A manifest version that is already a pre-release gets the sha as another identifier.
  return base.includes('-') ? `${base}.${options.shortSha}` : `${base}-${options.shortSha}`;
}
