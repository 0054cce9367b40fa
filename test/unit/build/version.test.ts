import { describe, expect, test } from 'vitest';
import { buildVersion, manifestVersion, versionFromTags } from '../../../actions/build/src/version.js';

describe('version', () => {
  test.each([
    [{ tags: ['v1.2.3'], shortSha: 'abc1234', manifestVersion: '1.0.0' }, '1.2.3'],
    [
      {
        tags: ['release', 'v1.2.3', 'v1.10.0', 'v1.10.0-rc.1'],
        shortSha: 'abc1234',
        manifestVersion: undefined,
      },
      '1.10.0',
    ],
    [{ tags: ['latest'], shortSha: 'abc1234', manifestVersion: '1.4.0' }, '1.4.0-abc1234'],
    [{ tags: [], shortSha: 'abc1234', manifestVersion: '2.0.0-beta.1' }, '2.0.0-beta.1.abc1234'],
    [{ tags: [], shortSha: 'abc1234', manifestVersion: undefined }, '0.0.0-abc1234'],
    [{ tags: [], shortSha: undefined, manifestVersion: '3.1.0' }, '3.1.0'],
  ])('%j → %s', (input, expected) => {
    expect(buildVersion(input)).toBe(expected);
  });

  test('versionFromTags ignores non-semver tags', () => {
    expect(versionFromTags(['v1', 'nightly', '1.2'])).toBeUndefined();
    expect(versionFromTags(['1.2.3'])).toBe('1.2.3');
  });

  test.each([
    ['package.json', '{"name":"a","version":"1.4.0"}', '1.4.0'],
    [
      'Cargo.toml',
      '[package]\nname = "x"\nversion = "0.7.2"\n\n[dependencies]\nserde = { version = "1" }\n',
      '0.7.2',
    ],
    ['Cargo.toml', '[workspace]\nmembers = ["a"]\n', undefined],
    [
      'pyproject.toml',
      '[build-system]\nrequires = ["hatchling"]\n\n[project]\nname = "x"\nversion = "2.3.4"\n',
      '2.3.4',
    ],
    ['pyproject.toml', '[tool.poetry]\nname = "x"\nversion = "0.1.0"\n', '0.1.0'],
    [
      'pom.xml',
      '<project><parent><version>9.9.9</version></parent><artifactId>a</artifactId><version>1.0.0-SNAPSHOT</version><dependencies><dependency><version>5</version></dependency></dependencies></project>',
      '1.0.0-SNAPSHOT',
    ],
    ['pom.xml', '<project><version>${revision}</version></project>', undefined],
    ['gradle.properties', 'org.gradle.jvmargs=-Xmx1g\nversion=4.5.6\n', '4.5.6'],
  ])('%s %#', (file, text, expected) => {
    expect(manifestVersion(file, text)).toBe(expected);
  });
});
