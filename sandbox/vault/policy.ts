/**
 * Vault ACL policies, as Vault evaluates them (https://developer.hashicorp.com/vault/docs/concepts/policies):
 * a path is an exact path, a prefix ending in `*`, or has `+` standing for exactly one segment. When
 * several rules match, the most specific pattern decides (Vault's priority rules); rules with that same
 * pattern from different policies are merged, and `deny` among them wins over everything.
 */

export type Capability = 'create' | 'read' | 'update' | 'patch' | 'delete' | 'list' | 'sudo' | 'deny';

export interface PolicyRule {
  path: string;
  capabilities: Capability[];
}

export type Policies = Map<string, PolicyRule[]>;

function matches(pattern: string, path: string): boolean {
  const prefix = pattern.endsWith('*');
  const body = prefix ? pattern.slice(0, -1) : pattern;
  const patternParts = body.split('/');
  const pathParts = path.split('/');
  if (!prefix && patternParts.length !== pathParts.length) return false;
  if (prefix && pathParts.length < patternParts.length) return false;
  for (let i = 0; i < patternParts.length; i++) {
    const want = patternParts[i] as string;
    const have = pathParts[i] as string;
    const last = i === patternParts.length - 1;
    if (want === '+') {
      if (have === '' && !(prefix && last)) return false;
      continue;
    }
    if (prefix && last) {
      if (!have.startsWith(want)) return false;
    } else if (want !== have) return false;
  }
  return true;
}

/**
 * Vault's ordering of two matching patterns, more specific first: the first wildcard later; no trailing
 * `*`; fewer `+`; longer. Returns < 0 when `a` is more specific.
 */
function moreSpecific(a: string, b: string): number {
  const firstWildcard = (p: string): number => {
    const index = p.search(/[+*]/);
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  if (firstWildcard(a) !== firstWildcard(b)) return firstWildcard(b) - firstWildcard(a);
  const star = (p: string): number => (p.endsWith('*') ? 1 : 0);
  if (star(a) !== star(b)) return star(a) - star(b);
  const plus = (p: string): number => p.split('+').length - 1;
  if (plus(a) !== plus(b)) return plus(a) - plus(b);
  return b.length - a.length;
}

/** The capabilities a set of policies grants on `path` (`root` grants everything). */
export function capabilitiesFor(policies: Policies, names: readonly string[], path: string): Set<Capability> {
  if (names.includes('root')) return new Set(['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo']);
  const candidates: PolicyRule[] = [];
  for (const name of names)
    for (const rule of policies.get(name) ?? []) if (matches(rule.path, path)) candidates.push(rule);
  if (candidates.length === 0) return new Set();
  const best = [...new Set(candidates.map((r) => r.path))].sort(moreSpecific)[0] as string;
  const merged = new Set<Capability>();
  for (const rule of candidates) if (rule.path === best) for (const c of rule.capabilities) merged.add(c);
  if (merged.has('deny')) return new Set(['deny']);
  return merged;
}

/** Whether `policies` allow `capability` on `path`. */
export function allows(
  policies: Policies,
  names: readonly string[],
  path: string,
  capability: Capability,
): boolean {
  const granted = capabilitiesFor(policies, names, path);
  return !granted.has('deny') && granted.has(capability);
}

/** Vault's glob for bound claims (`bound_claims_type: glob`): `*` matches any run of characters. */
export function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
  return regex.test(value);
}
