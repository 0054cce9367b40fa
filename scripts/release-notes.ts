/**
 * Pure parts of the release: version checks, the CHANGELOG section for a version, and rewriting
 * Paved's own references (`<org>/paved/actions/<name>@…`, `<org>/paved/.github/workflows/<file>@…`)
 * in the reusable workflows and templates to the version being released.
 */

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

export function parseVersion(text: string): { major: number; minor: number; patch: number } {
  const match = SEMVER.exec(text.replace(/^v/, ''));
  if (!match)
    throw new Error(`version must look like 1.2.3 (optionally v1.2.3); got ${JSON.stringify(text)}`);
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

export function isNewer(next: string, current: string): boolean {
  const a = parseVersion(next);
  const b = parseVersion(current);
  return a.major !== b.major
    ? a.major > b.major
    : a.minor !== b.minor
      ? a.minor > b.minor
      : a.patch > b.patch;
}

/**
 * The body of `## [X.Y.Z]` (or `## X.Y.Z`) in a Keep-a-Changelog style file, without the heading.
 * When the version has no section yet, an `## [Unreleased]` section with content is renamed to it.
 */
export function changelogFor(
  changelog: string,
  version: string,
  date: string,
): { notes: string; changelog: string } {
  const lines = changelog.split('\n');
  const headingIndex = (test: (title: string) => boolean) =>
    lines.findIndex((l) => l.startsWith('## ') && test(l.slice(3).trim()));
  const isVersion = (title: string) =>
    title.replace(/^\[|\](.*)$/g, '').replace(/\s+[-–].*$/, '') === version;
  let start = headingIndex(isVersion);
  let updated = changelog;
  if (start === -1) {
    start = headingIndex((t) => /^\[?unreleased\]?$/i.test(t));
    if (start === -1)
      throw new Error(`CHANGELOG.md has no section for ${version} and no [Unreleased] section`);
    lines.splice(start, 1, '## [Unreleased]', '', `## [${version}] - ${date}`);
    start += 2;
    updated = lines.join('\n');
  }
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  const notes = lines
    .slice(start + 1, end === -1 ? undefined : end)
    .join('\n')
    .trim();
  if (!notes) throw new Error(`CHANGELOG.md's section for ${version} is empty: say what changed`);
  return { notes, changelog: updated };
}

const OWN_REF =
  /(?<![\w./-])([A-Za-z0-9][A-Za-z0-9-]*|<org>)\/paved\/(actions\/[A-Za-z0-9._-]+|\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml)@([A-Za-z0-9._-]+)/g;

/** Point every reference to Paved's own actions and reusable workflows at `org` and `v<version>`. */
export function rewriteOwnRefs(text: string, org: string, version: string): string {
  return text.replace(OWN_REF, (_all, _org: string, path: string) => `${org}/paved/${path}@v${version}`);
}

/** `https://github.com/acme/paved(.git)` or `git@github.com:acme/paved.git` -> `acme`. */
export function orgFromRepositoryUrl(url: string): string {
  const match = /github\.com[/:]([^/]+)\/[^/]+?(?:\.git)?$/.exec(url.trim());
  if (!match) throw new Error(`cannot find the GitHub org in ${JSON.stringify(url)}`);
  return match[1] as string;
}
