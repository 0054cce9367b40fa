import { describe, expect, test } from 'vitest';
import {
  changelogFor,
  isNewer,
  orgFromRepositoryUrl,
  parseVersion,
  rewriteOwnRefs,
} from '../../scripts/release-notes.js';

describe('versions', () => {
  test.each(['1.2.3', 'v0.1.0', '10.0.11'])('accepts %s', (v) => expect(() => parseVersion(v)).not.toThrow());
  test.each(['1.2', '01.2.3', '1.2.3-rc.1', 'latest'])('refuses %s', (v) =>
    expect(() => parseVersion(v)).toThrow(/must look like 1\.2\.3/),
  );
  test.each([
    ['1.0.0', '0.9.9', true],
    ['0.10.0', '0.9.0', true],
    ['1.2.3', '1.2.3', false],
    ['1.2.2', '1.2.3', false],
  ])('%s newer than %s: %s', (a, b, expected) => expect(isNewer(a, b)).toBe(expected));
});

describe('changelogFor', () => {
  const log = '# Changelog\n\n## [Unreleased]\n\n- new thing\n\n## [0.1.0] - 2026-01-01\n\n- first\n';
  test('renames Unreleased to the version and returns its notes', () => {
    const { notes, changelog } = changelogFor(log, '0.2.0', '2026-11-23');
    expect(notes).toBe('- new thing');
    expect(changelog).toContain('## [Unreleased]\n\n## [0.2.0] - 2026-11-23\n\n- new thing');
  });
  test('an existing section is used as is', () => {
    expect(changelogFor(log, '0.1.0', 'x')).toEqual({ notes: '- first', changelog: log });
  });
  test('an empty section is refused', () => {
    expect(() => changelogFor('## [Unreleased]\n\n## [0.1.0]\n- a\n', '0.2.0', 'd')).toThrow(
      'section for 0.2.0 is empty',
    );
  });
  test('no section at all', () =>
    expect(() => changelogFor('# Changelog\n', '1.0.0', 'd')).toThrow('no section for 1.0.0'));
});

test('rewriteOwnRefs points own actions and workflows at the release, leaves others alone', () => {
  const text = [
    'uses: <org>/paved/actions/build@main',
    'uses: acme/paved/.github/workflows/pipeline.yml@v1',
    'uses: acme/paved/actions/deploy-argocd@v0.1.0 # pinned',
    'uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8',
    'uses: acme/paved-extras/actions/x@v1',
  ].join('\n');
  expect(rewriteOwnRefs(text, 'platform', '1.4.0')).toBe(
    [
      'uses: platform/paved/actions/build@v1.4.0',
      'uses: platform/paved/.github/workflows/pipeline.yml@v1.4.0',
      'uses: platform/paved/actions/deploy-argocd@v1.4.0 # pinned',
      'uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8',
      'uses: acme/paved-extras/actions/x@v1',
    ].join('\n'),
  );
});

test.each([
  ['https://github.com/acme/paved', 'acme'],
  ['git+https://github.com/acme/paved.git', 'acme'],
  ['git@github.com:platform-team/paved.git', 'platform-team'],
])('org of %s', (url, org) => expect(orgFromRepositoryUrl(url)).toBe(org));
