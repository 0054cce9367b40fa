/**
 * What `paved lint` trusts for one repository.
 *
 * Paved's own references (`<org>/paved/actions/<name>@vX.Y.Z`, `<org>/paved/.github/workflows/<file>@vX.Y.Z`)
 * may use a release tag instead of a commit SHA: the platform team owns those tags and a version bump is
 * how every team gets the next release. `<org>` is recognised only when it is
 *   - the `$paved-org` or `<org>` placeholder of Paved's own templates, workflows and docs,
 *   - the owner that publishes the running Paved (package.json `repository`),
 *   - the `org:` recorded in the repository's `.github/paved.yml` (written by `paved init`),
 *   - given with `--paved-org ORG` or `PAVED_ORG=org1,org2`.
 * Any other owner's `paved` repository is an ordinary third party and must be pinned by SHA.
 */
import { dirname } from 'node:path';
import { pavedOrg } from '../package.js';
import { ORG_PLACEHOLDER, readSettings, repositoryRoot } from '../settings.js';

export interface LintConfig {
  /** Lower-cased GitHub owners whose `paved` release tags are trusted. */
  pavedOrgs: ReadonlySet<string>;
  /** Self-hosted runner labels accepted in `runs-on:` besides GitHub's hosted ones. */
  runnerLabels: ReadonlySet<string>;
}

export interface ConfigOverrides {
  pavedOrgs: string[];
  runnerLabels: string[];
}

/** Owners trusted everywhere: the placeholders and the publisher of the running Paved. */
function builtInOrgs(): string[] {
  const publisher = pavedOrg();
  return [ORG_PLACEHOLDER, '<org>', ...(publisher ? [publisher] : [])];
}

/** Builds each repository's config once, from `.github/paved.yml` plus flags and environment. */
export class ConfigResolver {
  private readonly byRoot = new Map<string, LintConfig>();

  constructor(private readonly overrides: ConfigOverrides) {}

  forFile(path: string): LintConfig {
    const root = repositoryRoot(dirname(path)) ?? '';
    let config = this.byRoot.get(root);
    if (!config) {
      const settings = root ? readSettings(root) : { values: {}, runnerLabels: [] };
      const orgs = [...builtInOrgs(), ...this.overrides.pavedOrgs];
      if (settings.values.org) orgs.push(settings.values.org);
      config = {
        pavedOrgs: new Set(orgs.map((org) => org.toLowerCase())),
        runnerLabels: new Set(
          [...settings.runnerLabels, ...this.overrides.runnerLabels].map((l) => l.toLowerCase()),
        ),
      };
      this.byRoot.set(root, config);
    }
    return config;
  }
}

/** A config with only the placeholder trusted, for linting text that belongs to no repository. */
export function defaultConfig(extra: Partial<ConfigOverrides> = {}): LintConfig {
  return {
    pavedOrgs: new Set([...builtInOrgs(), ...(extra.pavedOrgs ?? [])].map((org) => org.toLowerCase())),
    runnerLabels: new Set((extra.runnerLabels ?? []).map((l) => l.toLowerCase())),
  };
}
