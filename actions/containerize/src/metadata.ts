/**
 * Tags, labels and annotations from the git context. Pure functions: everything they need arrives in
 * a {@link MetadataContext}, so the rules are table-tested without a runner.
 *
 * The rule syntax is docker/metadata-action's (`type=semver,pattern={{version}}`, `flavor: latest=auto`);
 * where Paved differs it says so in actions/containerize/catalog-notes.md.
 */
import { InputError, quote } from '../../../shared/errors.js';
import { TAG_PATTERN } from '../../../shared/oci/reference.js';

export type TagRuleType = 'schedule' | 'semver' | 'ref' | 'raw' | 'sha' | 'edge';

export interface TagRule {
  type: TagRuleType;
  /** Every attribute as written (`pattern`, `value`, `event`, `format`, `length`, `branch`, `major-zero`). */
  attrs: Record<string, string>;
  enable: string;
  priority: number;
  prefix: string;
  suffix: string;
  /** The line it came from, for error messages. */
  source: string;
}

export interface Flavor {
  latest: 'auto' | 'true' | 'false';
  prefix: string;
  prefixOnLatest: boolean;
  suffix: string;
  suffixOnLatest: boolean;
}

/** What the rules may look at. Built from the GitHub context by {@link contextFromGitHub}-like code in main. */
export interface MetadataContext {
  eventName: string;
  /** `refs/heads/main`, `refs/tags/v1.2.3`, `refs/pull/7/merge` */
  ref: string;
  /** The commit the image is built from: the PR head sha on pull requests. */
  sha: string;
  /** Branch for branch pushes; for PRs the head branch (used by `{{branch}}`). */
  branch: string | undefined;
  /** PR base branch (`{{base_ref}}`). */
  baseRef: string | undefined;
  prNumber: number | undefined;
  defaultBranch: string | undefined;
  /** Every tag in the repository, to decide whether a semver tag is the highest (for `latest`). */
  repositoryTags: readonly string[] | undefined;
  /** Time the rules see for `{{date}}` and the `created` label. */
  date: Date;
  repository: { name: string; description: string; url: string; licenses: string };
}

const DEFAULT_PRIORITY: Record<TagRuleType, number> = {
  schedule: 1000,
  semver: 900,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100,
};
const KNOWN_ATTRS: Record<TagRuleType, string[]> = {
  schedule: ['pattern'],
  semver: ['pattern', 'value', 'major-zero'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format', 'length'],
  edge: ['branch'],
};
const COMMON_ATTRS = ['type', 'enable', 'priority', 'prefix', 'suffix'];
const GLOBAL_EXPRESSIONS = ['branch', 'tag', 'sha', 'base_ref', 'is_default_branch', 'date'];
const SEMVER_EXPRESSIONS = ['version', 'major', 'minor', 'patch', 'raw'];

/** Default rules when `tags` is empty (as metadata-action): schedule, branch, tag and PR refs. */
export const DEFAULT_TAG_RULES = [
  'type=schedule',
  'type=ref,event=branch',
  'type=ref,event=tag',
  'type=ref,event=pr',
];

/** Split `a=1,b={{date 'YYYY,MM'}}` on commas outside `{{…}}` and quotes. */
function splitAttributes(line: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (line.startsWith('{{', i)) depth++;
    if (line.startsWith('}}', i)) depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += c;
  }
  parts.push(current.trim());
  return parts.filter((p) => p !== '');
}

/** The `{{…}}` expressions in a template; throws on an unclosed one or one not in `allowed`. */
function checkTemplate(input: string, line: string, template: string, allowed: readonly string[]): void {
  const accepted = `a template using only ${allowed.map((e) => `{{${e}}}`).join(', ')}`;
  let rest = template;
  for (;;) {
    const open = rest.indexOf('{{');
    const close = rest.indexOf('}}');
    if (open < 0 && close < 0) return;
    if (open >= 0 && rest.indexOf('}}', open) < 0)
      throw InputError.invalid(input, line, `${accepted} ('{{' is never closed)`);
    if (open < 0 || close < open) throw InputError.invalid(input, line, `${accepted} ('}}' without '{{')`);
    const end = rest.indexOf('}}', open);
    const expression = rest.slice(open + 2, end).trim();
    const name = expression.split(/\s+/)[0] ?? '';
    if (!allowed.includes(name))
      throw InputError.invalid(input, line, `${accepted}; '{{${expression}}}' is unknown`);
    if (name === 'date' && !/^date\s+'[^']+'(\s+tz='[^']+')?$/.test(expression)) {
      throw InputError.invalid(
        input,
        line,
        `{{date 'FORMAT'}} with a quoted format like {{date 'YYYYMMDD'}}`,
      );
    }
    rest = rest.slice(end + 2);
  }
}

/**
 * Parse the `tags` input: one rule a line, `type=<t>,<attr>=<value>,…`; a line without `type=` is
 * `type=raw,value=<line>`. Every template is checked here, before anything is built or pushed.
 */
export function parseTagRules(lines: readonly string[], input = 'tags'): TagRule[] {
  const rules: TagRule[] = [];
  for (const line of lines.length > 0 ? lines : DEFAULT_TAG_RULES) {
    const parts = splitAttributes(line);
    const attrs: Record<string, string> = {};
    if (!parts.some((p) => p.startsWith('type='))) {
      attrs['type'] = 'raw';
      attrs['value'] = line.trim();
    } else {
      for (const part of parts) {
        const eq = part.indexOf('=');
        if (eq <= 0) {
          // metadata-action allows `type=raw,foo` as shorthand for value=foo
          if (attrs['type'] === 'raw' && attrs['value'] === undefined) {
            attrs['value'] = part;
            continue;
          }
          throw InputError.invalid(
            input,
            line,
            'rules like type=semver,pattern={{version}} (each attribute as key=value)',
          );
        }
        attrs[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
      }
    }
    const type = attrs['type'] as TagRuleType;
    if (!(type in DEFAULT_PRIORITY)) {
      throw InputError.invalid(
        input,
        line,
        `a rule whose type is one of ${Object.keys(DEFAULT_PRIORITY).join(', ')}`,
      );
    }
    for (const key of Object.keys(attrs)) {
      if (!COMMON_ATTRS.includes(key) && !KNOWN_ATTRS[type].includes(key)) {
        throw InputError.invalid(
          input,
          line,
          `type=${type} with attributes among ${[...COMMON_ATTRS, ...KNOWN_ATTRS[type]].join(', ')}; '${key}' is unknown`,
        );
      }
    }
    const priorityText = attrs['priority'];
    if (priorityText !== undefined && !/^-?\d+$/.test(priorityText))
      throw InputError.invalid(input, line, 'priority=<whole number>');
    const enable = attrs['enable'] ?? 'true';
    const templated = type === 'semver' ? [...GLOBAL_EXPRESSIONS, ...SEMVER_EXPRESSIONS] : GLOBAL_EXPRESSIONS;
    for (const key of ['prefix', 'suffix', 'value', 'enable'])
      if (attrs[key] !== undefined) checkTemplate(input, line, attrs[key] as string, GLOBAL_EXPRESSIONS);
    if (attrs['pattern'] !== undefined) checkTemplate(input, line, attrs['pattern'], templated);
    if (type === 'raw' && !attrs['value']) throw InputError.invalid(input, line, 'type=raw,value=<tag>');
    if (type === 'ref' && !['branch', 'tag', 'pr'].includes(attrs['event'] ?? '')) {
      throw InputError.invalid(input, line, 'type=ref,event=branch, type=ref,event=tag or type=ref,event=pr');
    }
    if (type === 'semver' && !attrs['pattern'])
      throw InputError.invalid(
        input,
        line,
        'type=semver,pattern=… like pattern={{version}} or pattern={{major}}.{{minor}}',
      );
    if (type === 'sha') {
      if (attrs['format'] !== undefined && !['short', 'long'].includes(attrs['format']))
        throw InputError.invalid(input, line, 'type=sha,format=short or format=long');
      if (attrs['length'] !== undefined && !/^([4-9]|[1-3]\d|40)$/.test(attrs['length']))
        throw InputError.invalid(input, line, 'type=sha,length=<4 to 40>');
    }
    if (
      type === 'semver' &&
      attrs['major-zero'] !== undefined &&
      !['true', 'false'].includes(attrs['major-zero'])
    ) {
      throw InputError.invalid(input, line, 'major-zero=true or major-zero=false');
    }
    rules.push({
      type,
      attrs,
      enable,
      priority: priorityText !== undefined ? Number(priorityText) : DEFAULT_PRIORITY[type],
      prefix:
        attrs['prefix'] ?? (type === 'sha' ? 'sha-' : type === 'ref' && attrs['event'] === 'pr' ? 'pr-' : ''),
      suffix: attrs['suffix'] ?? '',
      source: line,
    });
  }
  return rules;
}

/** Parse the `flavor` input: `latest=auto|true|false`, `prefix=…[,onlatest=true]`, `suffix=…[,onlatest=true]`. */
export function parseFlavor(lines: readonly string[], input = 'flavor'): Flavor {
  const flavor: Flavor = {
    latest: 'auto',
    prefix: '',
    prefixOnLatest: false,
    suffix: '',
    suffixOnLatest: false,
  };
  for (const line of lines) {
    const parts = splitAttributes(line);
    const [head, ...rest] = parts;
    const eq = head?.indexOf('=') ?? -1;
    const key = eq > 0 ? (head as string).slice(0, eq).trim() : '';
    const value = eq > 0 ? (head as string).slice(eq + 1).trim() : '';
    const onLatest = rest.some((p) => p.replace(/\s/g, '') === 'onlatest=true');
    if (rest.some((p) => !/^onlatest=(true|false)$/.test(p.replace(/\s/g, '')))) {
      throw InputError.invalid(
        input,
        line,
        'lines like latest=auto, prefix=app-,onlatest=true or suffix=-alpine',
      );
    }
    if (key === 'latest') {
      if (!['auto', 'true', 'false'].includes(value))
        throw InputError.invalid(input, line, 'latest=auto, latest=true or latest=false');
      flavor.latest = value as Flavor['latest'];
    } else if (key === 'prefix' || key === 'suffix') {
      checkTemplate(input, line, value, GLOBAL_EXPRESSIONS);
      if (key === 'prefix') {
        flavor.prefix = value;
        flavor.prefixOnLatest = onLatest;
      } else {
        flavor.suffix = value;
        flavor.suffixOnLatest = onLatest;
      }
    } else
      throw InputError.invalid(
        input,
        line,
        'lines like latest=auto, prefix=app-,onlatest=true or suffix=-alpine',
      );
  }
  return flavor;
}

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string;
  build: string;
  /** As written, without a leading `v`. */
  version: string;
  raw: string;
}

/** Parse `v1.2.3`, `1.2.3-rc.1+build`; undefined when it is not semver (a leading `v` is allowed). */
export function parseSemver(text: string): SemVer | undefined {
  const match =
    /^[vV]?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/.exec(
      text.trim(),
    );
  if (!match) return undefined;
  const [, major, minor, patch, prerelease = '', build = ''] = match;
  return {
    major: Number(major),
    minor: Number(minor),
    patch: Number(patch),
    prerelease,
    build,
    version: text.trim().replace(/^[vV]/, ''),
    raw: text.trim(),
  };
}

/** semver precedence (build metadata ignored). */
export function compareSemver(a: SemVer, b: SemVer): number {
  for (const key of ['major', 'minor', 'patch'] as const) if (a[key] !== b[key]) return a[key] - b[key];
  if (a.prerelease === b.prerelease) return 0;
  if (!a.prerelease) return 1;
  if (!b.prerelease) return -1;
  const pa = a.prerelease.split('.');
  const pb = b.prerelease.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Docker tag characters: runs of anything else become `-`, at most 128 characters. */
export function sanitizeTag(value: string): string {
  return value.replace(/[^a-zA-Z0-9._-]+/g, '-').slice(0, 128);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `{{date 'YYYYMMDD-HHmmss'}}` formatting (UTC) for the moment.js tokens people use in tags. */
export function formatDate(date: Date, format: string): string {
  const tokens: Record<string, string> = {
    YYYY: String(date.getUTCFullYear()),
    YY: String(date.getUTCFullYear()).slice(-2),
    MM: pad(date.getUTCMonth() + 1),
    DD: pad(date.getUTCDate()),
    HH: pad(date.getUTCHours()),
    mm: pad(date.getUTCMinutes()),
    ss: pad(date.getUTCSeconds()),
    SSS: pad(date.getUTCMilliseconds(), 3),
  };
  return format.replace(/YYYY|YY|MM|DD|HH|mm|ss|SSS/g, (token) => tokens[token] ?? token);
}

function isDefaultBranch(ctx: MetadataContext): boolean {
  return Boolean(ctx.defaultBranch && ctx.ref === `refs/heads/${ctx.defaultBranch}`);
}

function shortSha(ctx: MetadataContext, length: number): string {
  return ctx.sha.slice(0, length);
}

/** Expand the global expressions (and semver ones when `semver` is given) in a template. */
function render(template: string, ctx: MetadataContext, shaLength: number, semver?: SemVer): string {
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_whole, expression: string) => {
    const [name] = expression.split(/\s+/);
    switch (name) {
      case 'branch':
        return ctx.branch ?? '';
      case 'tag':
        return ctx.ref.startsWith('refs/tags/') ? ctx.ref.slice('refs/tags/'.length) : '';
      case 'sha':
        return shortSha(ctx, shaLength);
      case 'base_ref':
        return ctx.baseRef ?? '';
      case 'is_default_branch':
        return String(isDefaultBranch(ctx));
      case 'date':
        return formatDate(ctx.date, /'([^']*)'/.exec(expression)?.[1] ?? 'YYYYMMDD');
      case 'version':
        return semver?.version ?? '';
      case 'major':
        return String(semver?.major ?? '');
      case 'minor':
        return String(semver?.minor ?? '');
      case 'patch':
        return String(semver?.patch ?? '');
      case 'raw':
        return semver?.raw ?? '';
      default:
        return '';
    }
  });
}

interface Candidate {
  value: string;
  priority: number;
  /** Whether this rule makes the image `latest` under `latest=auto`. */
  latest: boolean;
  /** Whether the rule's own prefix/suffix are applied (always) — flavor ones are added later. */
  rule: TagRule;
}

/** Whether `version` is the highest non-prerelease semver among the repository's tags (unknown tags: yes). */
function isHighestSemver(version: SemVer, tags: readonly string[] | undefined): boolean {
  if (!tags) return true;
  for (const tag of tags) {
    const other = parseSemver(tag);
    if (other && !other.prerelease && compareSemver(other, version) > 0) return false;
  }
  return true;
}

function ruleCandidates(rule: TagRule, ctx: MetadataContext, shaLength: number): Candidate[] {
  const out = (value: string, latest = false): Candidate[] =>
    value ? [{ value, priority: rule.priority, latest, rule }] : [];
  const tagName = ctx.ref.startsWith('refs/tags/') ? ctx.ref.slice('refs/tags/'.length) : undefined;
  switch (rule.type) {
    case 'schedule':
      return ctx.eventName === 'schedule'
        ? out(render(rule.attrs['pattern'] ?? 'nightly', ctx, shaLength))
        : [];
    case 'raw':
      return out(render(rule.attrs['value'] ?? '', ctx, shaLength));
    case 'sha': {
      const length = rule.attrs['format'] === 'long' ? 40 : Number(rule.attrs['length'] ?? shaLength);
      return ctx.sha ? out(ctx.sha.slice(0, length)) : [];
    }
    case 'edge': {
      const branch = rule.attrs['branch'] ?? ctx.defaultBranch;
      return branch && ctx.ref === `refs/heads/${branch}` ? out('edge') : [];
    }
    case 'ref': {
      const event = rule.attrs['event'];
      if (event === 'branch')
        return ctx.ref.startsWith('refs/heads/')
          ? out(ctx.ref.slice('refs/heads/'.length), isDefaultBranch(ctx))
          : [];
      if (event === 'tag') {
        if (!tagName) return [];
        const semver = parseSemver(tagName);
        return out(
          tagName,
          semver ? !semver.prerelease && isHighestSemver(semver, ctx.repositoryTags) : true,
        );
      }
      return ctx.prNumber !== undefined ? out(String(ctx.prNumber)) : [];
    }
    case 'semver': {
      const source =
        rule.attrs['value'] !== undefined ? render(rule.attrs['value'], ctx, shaLength) : tagName;
      const semver = source ? parseSemver(source) : undefined;
      if (!semver) return [];
      const pattern = rule.attrs['pattern'] as string;
      // Pre-releases change often and may break: only the full version names them (as metadata-action).
      if (semver.prerelease && !/\{\{\s*(version|raw)\s*\}\}/.test(pattern)) return [];
      const onlyMajor =
        /\{\{\s*major\s*\}\}/.test(pattern) && !/\{\{\s*(minor|patch|version|raw)\s*\}\}/.test(pattern);
      if (onlyMajor && semver.major === 0 && rule.attrs['major-zero'] !== 'true') return [];
      return out(
        render(pattern, ctx, shaLength, semver),
        !semver.prerelease && isHighestSemver(semver, ctx.repositoryTags),
      );
    }
  }
}

export interface ComputedTags {
  /** Tag values (without image names), highest priority first, `latest` last. */
  values: string[];
  /** `image:tag` for every image and tag. */
  tags: string[];
  /** The first tag value: what the `version` label and output carry. */
  version: string;
}

/**
 * Apply the rules to the context. Throws InputError (naming `tags`) when a rendered tag is not a valid
 * Docker tag even after sanitizing, e.g. one starting with `-`.
 */
export function computeTags(
  rules: readonly TagRule[],
  flavor: Flavor,
  images: readonly string[],
  ctx: MetadataContext,
  shaLength = 7,
): ComputedTags {
  const candidates: Candidate[] = [];
  for (const rule of rules) {
    const enabled = render(rule.enable, ctx, shaLength).trim();
    if (enabled !== 'true') {
      if (enabled !== 'false')
        throw InputError.invalid(
          'tags',
          rule.source,
          `enable=true, enable=false or a template that renders to one of them; it rendered ${quote(enabled)}`,
        );
      continue;
    }
    candidates.push(...ruleCandidates(rule, ctx, shaLength));
  }
  const sorted = candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.priority - a.c.priority || a.i - b.i);
  const values: string[] = [];
  let latest = flavor.latest === 'true';
  for (const { c } of sorted) {
    const value = sanitizeTag(
      `${render(flavor.prefix, ctx, shaLength)}${render(c.rule.prefix, ctx, shaLength)}${c.value}${render(c.rule.suffix, ctx, shaLength)}${render(flavor.suffix, ctx, shaLength)}`,
    );
    if (!TAG_PATTERN.test(value)) {
      throw InputError.invalid(
        'tags',
        c.rule.source,
        `a rule that renders a valid tag ([A-Za-z0-9_.-], at most 128, not starting with '.' or '-'); it rendered ${quote(value)}`,
      );
    }
    if (!values.includes(value)) values.push(value);
    if (flavor.latest === 'auto' && c.latest) latest = true;
  }
  if (latest) {
    const value = `${flavor.prefixOnLatest ? render(flavor.prefix, ctx, shaLength) : ''}latest${flavor.suffixOnLatest ? render(flavor.suffix, ctx, shaLength) : ''}`;
    if (!values.includes(value)) values.push(value);
  }
  const tags = images.flatMap((image) => values.map((value) => `${image}:${value}`));
  return { values, tags, version: values[0] ?? '' };
}

const OCI = 'org.opencontainers.image';

/**
 * The OCI labels (also used as manifest annotations): title, description, url, source, version,
 * created, revision, licenses — then `overrides` win, key by key, as with metadata-action's `labels`.
 */
export function computeLabels(
  ctx: MetadataContext,
  version: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const labels: Record<string, string> = {
    [`${OCI}.title`]: ctx.repository.name,
    [`${OCI}.description`]: ctx.repository.description,
    [`${OCI}.url`]: ctx.repository.url,
    [`${OCI}.source`]: ctx.repository.url,
    [`${OCI}.version`]: version,
    [`${OCI}.created`]: ctx.date.toISOString(),
    [`${OCI}.revision`]: ctx.sha,
    [`${OCI}.licenses`]: ctx.repository.licenses,
  };
  // An unknown value is left out rather than written empty (a label "" reads as a claim of nothing).
  const known = Object.entries(labels).filter(([, value]) => value !== '');
  return Object.fromEntries(
    Object.entries({ ...Object.fromEntries(known), ...overrides }).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    ),
  );
}
