import { describe, expect, it } from 'vitest';
import { InputError } from '../../../shared/errors.js';
import {
  compareSemver,
  computeLabels,
  computeTags,
  formatDate,
  parseFlavor,
  parseSemver,
  parseTagRules,
  sanitizeTag,
  type MetadataContext,
} from '../../../actions/containerize/src/metadata.js';

const SHA = '90dd6032fac8bda1b4e7e1c7a8f5d16a7a2b3c4d';
const base: MetadataContext = {
  eventName: 'push',
  ref: 'refs/heads/main',
  sha: SHA,
  branch: 'main',
  baseRef: undefined,
  prNumber: undefined,
  defaultBranch: 'main',
  repositoryTags: undefined,
  date: new Date('2026-03-04T05:06:07Z'),
  repository: { name: 'shop', description: 'The shop', url: 'https://github.com/acme/shop', licenses: 'MIT' },
};
const push = (ref: string, extra: Partial<MetadataContext> = {}): MetadataContext => ({
  ...base,
  ref,
  branch: ref.startsWith('refs/heads/') ? ref.slice(11) : undefined,
  ...extra,
});
const pr = (n: number, head = 'feature/x'): MetadataContext => ({
  ...base,
  eventName: 'pull_request',
  ref: `refs/pull/${n}/merge`,
  branch: head,
  prNumber: n,
  baseRef: 'main',
});

function tags(rules: string[], ctx: MetadataContext, flavor: string[] = [], shaLength = 7): string[] {
  return computeTags(parseTagRules(rules), parseFlavor(flavor), ['reg.example.com/acme/shop'], ctx, shaLength)
    .values;
}

describe('computeTags (docker/metadata-action rules)', () => {
  it.each<[string, string[], MetadataContext, string[]]>([
    [
      'default rules on a default-branch push: branch + latest',
      [],
      push('refs/heads/main'),
      ['main', 'latest'],
    ],
    [
      'default rules on a feature branch: sanitized branch, no latest',
      [],
      push('refs/heads/feature/login-form'),
      ['feature-login-form'],
    ],
    ['default rules on a PR: pr-<n>', [], pr(42), ['pr-42']],
    ['default rules on a tag: the tag and latest', [], push('refs/tags/v1.2.3'), ['v1.2.3', 'latest']],
    ['default rules on a pre-release tag: no latest', [], push('refs/tags/v2.0.0-rc.1'), ['v2.0.0-rc.1']],
    ['sha: short with the sha- prefix', ['type=sha'], push('refs/heads/dev'), ['sha-90dd603']],
    ['sha: long', ['type=sha,format=long'], push('refs/heads/dev'), [`sha-${SHA}`]],
    ['sha: length attribute', ['type=sha,length=12,prefix='], push('refs/heads/dev'), ['90dd6032fac8']],
    [
      'semver: version, major.minor, major',
      [
        'type=semver,pattern={{version}}',
        'type=semver,pattern={{major}}.{{minor}}',
        'type=semver,pattern={{major}}',
      ],
      push('refs/tags/v1.2.3'),
      ['1.2.3', '1.2', '1', 'latest'],
    ],
    [
      'semver: no major 0 by default',
      [
        'type=semver,pattern={{version}}',
        'type=semver,pattern={{major}}.{{minor}}',
        'type=semver,pattern={{major}}',
      ],
      push('refs/tags/v0.4.1'),
      ['0.4.1', '0.4', 'latest'],
    ],
    [
      'semver: major 0 when asked',
      ['type=semver,pattern={{major}},major-zero=true'],
      push('refs/tags/v0.4.1'),
      ['0', 'latest'],
    ],
    [
      'semver: pre-release only gets {{version}}',
      ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}}.{{minor}}'],
      push('refs/tags/v1.3.0-beta.2'),
      ['1.3.0-beta.2'],
    ],
    ['semver: nothing on a branch push', ['type=semver,pattern={{version}}'], push('refs/heads/main'), []],
    [
      'semver: value attribute instead of the tag',
      ['type=semver,pattern={{major}}.{{minor}},value=v3.4.5'],
      push('refs/heads/main'),
      ['3.4', 'latest'],
    ],
    [
      'semver: latest only on the highest semver tag',
      ['type=semver,pattern={{version}}'],
      push('refs/tags/v1.2.4', { repositoryTags: ['v1.2.4', 'v2.0.0', 'v3.0.0-rc.1'] }),
      ['1.2.4'],
    ],
    [
      'semver: highest tag (pre-releases do not count) gets latest',
      ['type=semver,pattern={{version}}'],
      push('refs/tags/v2.0.0', { repositoryTags: ['v1.2.4', 'v2.0.0', 'v3.0.0-rc.1'] }),
      ['2.0.0', 'latest'],
    ],
    [
      'ref: pr on a PR uses pr- prefix, branch rule is silent',
      ['type=ref,event=branch', 'type=ref,event=pr'],
      pr(7),
      ['pr-7'],
    ],
    [
      'raw with global expressions (raw never implies latest)',
      ['type=raw,value={{branch}}-{{sha}}'],
      push('refs/heads/main'),
      ['main-90dd603'],
    ],
    ['raw shorthand lines', ['foo', 'bar'], push('refs/heads/dev'), ['foo', 'bar']],
    [
      'raw: enable={{is_default_branch}} off a default branch',
      ['type=raw,value=stable,enable={{is_default_branch}}', 'type=sha'],
      push('refs/heads/dev'),
      ['sha-90dd603'],
    ],
    [
      'schedule: nightly on schedule events only',
      ['type=schedule', 'type=sha'],
      { ...push('refs/heads/main'), eventName: 'schedule' },
      ['nightly', 'sha-90dd603'],
    ],
    [
      'schedule: date pattern',
      ["type=schedule,pattern={{date 'YYYYMMDD'}}"],
      { ...push('refs/heads/main'), eventName: 'schedule' },
      ['20260304'],
    ],
    ['edge on the default branch', ['type=edge'], push('refs/heads/main'), ['edge']],
    [
      'priority reorders',
      ['type=sha,priority=2000', 'type=ref,event=branch'],
      push('refs/heads/dev'),
      ['sha-90dd603', 'dev'],
    ],
    ['duplicates collapse', ['type=raw,value=x', 'type=raw,value=x'], push('refs/heads/dev'), ['x']],
  ])('%s', (_name, rules, ctx, expected) => {
    expect(tags(rules, ctx)).toEqual(expected);
  });

  it('PR builds tag the head sha passed in, not the merge commit', () => {
    const headSha = 'abcdef0123456789abcdef0123456789abcdef01';
    expect(tags(['type=sha'], { ...pr(3), sha: headSha })).toEqual(['sha-abcdef0']);
  });

  it('honours the sha-length setting for type=sha and {{sha}}', () => {
    expect(tags(['type=sha', 'type=raw,value=b-{{sha}}'], push('refs/heads/dev'), [], 10)).toEqual([
      'b-90dd6032fa',
      'sha-90dd6032fa',
    ]);
  });

  it.each<[string, string[], string[]]>([
    [
      'prefix and suffix apply to every tag but latest',
      ['prefix=app-', 'suffix=-slim'],
      ['app-main-slim', 'latest'],
    ],
    ['onlatest=true extends latest too', ['prefix=app-,onlatest=true'], ['app-main', 'app-latest']],
    ['latest=false', ['latest=false'], ['main']],
  ])('flavor: %s', (_name, flavor, expected) => {
    expect(tags(['type=ref,event=branch'], push('refs/heads/main'), flavor)).toEqual(expected);
  });

  it('latest=true adds latest anywhere', () => {
    expect(tags(['type=ref,event=branch'], push('refs/heads/dev'), ['latest=true'])).toEqual([
      'dev',
      'latest',
    ]);
  });

  it('pairs every image with every tag and reports the first as the version', () => {
    const result = computeTags(
      parseTagRules(['type=semver,pattern={{version}}']),
      parseFlavor([]),
      ['a.io/x', 'b.io/y'],
      push('refs/tags/v1.0.0'),
    );
    expect(result.tags).toEqual(['a.io/x:1.0.0', 'a.io/x:latest', 'b.io/y:1.0.0', 'b.io/y:latest']);
    expect(result.version).toBe('1.0.0');
  });

  it('refuses a rendered tag that is still invalid after sanitizing', () => {
    expect(() => tags(['type=raw,value=-bad'], push('refs/heads/dev'))).toThrow(
      /Input 'tags' must be a rule that renders a valid tag.*"-bad"/,
    );
  });
});

describe('parseTagRules errors name the input and show the accepted form', () => {
  it.each<[string, RegExp]>([
    ['type=semver,pattern={{versoin}}', /'\{\{versoin\}\}' is unknown/],
    ['type=raw,value={{branch', /'\{\{' is never closed/],
    ['type=sha,format=medium', /format=short or format=long/],
    ['type=sha,length=2', /length=<4 to 40>/],
    ['type=ref,event=push', /event=branch/],
    ['type=nightly', /type is one of schedule, semver, edge, ref, raw, sha/],
    ['type=semver', /pattern=/],
    ['type=sha,colour=red', /'colour' is unknown/],
    ['type=raw,value=x,priority=high', /priority=<whole number>/],
    ['type=schedule,pattern={{date YYYY}}', /quoted format/],
  ])('%s', (rule, message) => {
    let error: unknown;
    try {
      parseTagRules([rule]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('tags');
    expect((error as Error).message).toMatch(/^Input 'tags' must be/);
    expect((error as Error).message).toContain(JSON.stringify(rule));
    expect((error as Error).message).toMatch(message);
  });

  it.each(['latest=sometimes', 'colour=blue', 'prefix=x,always=true'])('flavor %s', (line) => {
    expect(() => parseFlavor([line])).toThrow(/^Input 'flavor' must be/);
  });
});

describe('semver helpers', () => {
  it.each([
    ['v1.2.3', { major: 1, minor: 2, patch: 3, prerelease: '', version: '1.2.3' }],
    [
      '1.0.0-rc.1+build.5',
      { major: 1, minor: 0, patch: 0, prerelease: 'rc.1', version: '1.0.0-rc.1+build.5' },
    ],
  ])('parses %s', (text, expected) => {
    expect(parseSemver(text)).toMatchObject(expected);
  });

  it.each(['1.2', 'v01.2.3', 'release-1', '1.2.3.4'])('rejects %s', (text) => {
    expect(parseSemver(text)).toBeUndefined();
  });

  it('orders by precedence, pre-releases below releases', () => {
    const sorted = [
      '1.0.0',
      '1.0.0-rc.1',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-beta.11',
      '1.0.0-beta.2',
      '0.9.9',
      '1.10.0',
    ]
      .map((v) => parseSemver(v)!)
      .sort(compareSemver)
      .map((v) => v.version);
    expect(sorted).toEqual([
      '0.9.9',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.10.0',
    ]);
  });

  it('sanitizes like Docker tags', () => {
    expect(sanitizeTag('feature/ümlaut fix')).toBe('feature-mlaut-fix');
    expect(sanitizeTag('x'.repeat(200))).toHaveLength(128);
  });

  it('formats dates in UTC', () => {
    expect(formatDate(new Date('2026-03-04T05:06:07Z'), 'YYYYMMDD-HHmmss')).toBe('20260304-050607');
  });
});

describe('computeLabels', () => {
  it('writes the OCI labels and lets overrides win', () => {
    expect(
      computeLabels(base, '1.2.3', { 'org.opencontainers.image.title': 'Shop', vendor: 'Acme' }),
    ).toEqual({
      'org.opencontainers.image.created': '2026-03-04T05:06:07.000Z',
      'org.opencontainers.image.description': 'The shop',
      'org.opencontainers.image.licenses': 'MIT',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.source': 'https://github.com/acme/shop',
      'org.opencontainers.image.title': 'Shop',
      'org.opencontainers.image.url': 'https://github.com/acme/shop',
      'org.opencontainers.image.version': '1.2.3',
      vendor: 'Acme',
    });
  });

  it('leaves out what is unknown instead of writing empty labels', () => {
    const labels = computeLabels(
      { ...base, repository: { name: 'shop', description: '', url: '', licenses: '' } },
      'dev',
    );
    expect(Object.keys(labels)).toEqual([
      'org.opencontainers.image.created',
      'org.opencontainers.image.revision',
      'org.opencontainers.image.title',
      'org.opencontainers.image.version',
    ]);
  });
});
