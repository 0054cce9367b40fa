/**
 * The GITHUB_TOKEN's permission model, as GitHub documents it ("Assigning permissions to jobs",
 * "Controlling permissions for GITHUB_TOKEN"): each scope is `read`, `write` or `none`; `read-all` /
 * `write-all` / `{}` are shorthands; once a workflow or job names any scope, every scope it does not name
 * is `none` (metadata stays readable); a called workflow can only keep or lower what its caller granted.
 *
 * Used by the engine (what a job's token may do) and by the GitHub API stand-in (what it refuses).
 */

const ANY = ['read', 'write', 'none'] as const;
const READ_OR_NONE = ['read', 'none'] as const;
const WRITE_OR_NONE = ['write', 'none'] as const;

/**
 * Every scope a workflow may name and the levels it takes, as the workflow schema that GitHub's own
 * parser bundles declares them (@actions/workflow-parser, `permissions-mapping`). The engine parses
 * workflows with that schema, so a scope it accepts must be one this table knows;
 * test/unit/engine/permissions.test.ts compares the two and fails when the parser adds or changes one.
 */
export const PERMISSION_LEVELS = {
  actions: ANY,
  'artifact-metadata': ANY,
  attestations: ANY,
  checks: ANY,
  'code-quality': ANY,
  contents: ANY,
  'copilot-requests': WRITE_OR_NONE,
  deployments: ANY,
  discussions: ANY,
  drives: ANY,
  'id-token': WRITE_OR_NONE,
  issues: ANY,
  models: READ_OR_NONE,
  packages: ANY,
  pages: ANY,
  'pull-requests': ANY,
  'repository-projects': ANY,
  'security-events': ANY,
  statuses: ANY,
  'vulnerability-alerts': READ_OR_NONE,
} as const satisfies Record<string, readonly ('none' | 'read' | 'write')[]>;

export const PERMISSION_SCOPES = Object.keys(PERMISSION_LEVELS) as (keyof typeof PERMISSION_LEVELS)[];

export type PermissionScope = (typeof PERMISSION_SCOPES)[number];
export type PermissionLevel = 'none' | 'read' | 'write';
/** Every scope with its level: the token's effective permissions. */
export type GitHubPermissions = Record<PermissionScope, PermissionLevel>;

const RANK: Record<PermissionLevel, number> = { none: 0, read: 1, write: 2 };

function all(level: PermissionLevel): GitHubPermissions {
  return Object.fromEntries(PERMISSION_SCOPES.map((scope) => [scope, level])) as GitHubPermissions;
}

/** The highest level `scope` takes that is not above `level` (write-all gives `models: read`). */
function capped(scope: PermissionScope, level: PermissionLevel): PermissionLevel {
  const allowed: readonly PermissionLevel[] = PERMISSION_LEVELS[scope];
  if (allowed.includes(level)) return level;
  return level === 'write' && allowed.includes('read') ? 'read' : 'none';
}

/** `level` on every scope, or the most each scope allows below it (read-all, write-all). */
function upTo(level: PermissionLevel): GitHubPermissions {
  return Object.fromEntries(
    PERMISSION_SCOPES.map((scope) => [scope, capped(scope, level)]),
  ) as GitHubPermissions;
}

/**
 * GitHub's two default token settings for a workflow that declares no `permissions` ("GITHUB_TOKEN
 * reference", Permissions for the GITHUB_TOKEN): "permissive" (read and write for every scope in that
 * table but id-token, models read) and "restricted" (contents and packages read). Scopes the table does
 * not list (artifact-metadata, code-quality, copilot-requests, drives, vulnerability-alerts) are `none`
 * by default: a workflow that needs them names them.
 */
export function defaultPermissions(mode: 'permissive' | 'restricted'): GitHubPermissions {
  if (mode === 'restricted') return { ...all('none'), contents: 'read', packages: 'read' };
  return {
    ...all('write'),
    'artifact-metadata': 'none',
    'code-quality': 'none',
    'copilot-requests': 'none',
    drives: 'none',
    'id-token': 'none',
    models: 'read',
    'vulnerability-alerts': 'none',
  };
}

export function isPermissionScope(value: string): value is PermissionScope {
  return (PERMISSION_SCOPES as readonly string[]).includes(value);
}

/**
 * A `permissions:` value from a workflow (`read-all`, `write-all`, `{}` or a scope map) as effective
 * permissions; `undefined` (not declared) gives `fallback`. Throws on an unknown scope or level, naming it.
 */
export function resolvePermissions(declared: unknown, fallback: GitHubPermissions): GitHubPermissions {
  if (declared === undefined || declared === null) return { ...fallback };
  if (declared === 'read-all') return upTo('read');
  if (declared === 'write-all') return upTo('write');
  if (typeof declared !== 'object' || Array.isArray(declared)) {
    throw new Error(
      `permissions must be read-all, write-all or a map of scope: level; got ${JSON.stringify(declared)}`,
    );
  }
  const resolved = all('none');
  for (const [scope, level] of Object.entries(declared as Record<string, unknown>)) {
    if (!isPermissionScope(scope)) {
      throw new Error(`unknown permission scope "${scope}"; known scopes: ${PERMISSION_SCOPES.join(', ')}`);
    }
    const allowed: readonly unknown[] = PERMISSION_LEVELS[scope];
    if (!allowed.includes(level)) {
      const choices = allowed.join(', ').replace(/, (\w+)$/, ' or $1');
      throw new Error(`permission "${scope}" must be ${choices}; got ${JSON.stringify(level)}`);
    }
    resolved[scope] = level as PermissionLevel;
  }
  return resolved;
}

/** What a called workflow's job gets: its own request, capped scope by scope at what the caller holds. */
export function intersectPermissions(
  caller: GitHubPermissions,
  requested: GitHubPermissions,
): GitHubPermissions {
  const result = all('none');
  for (const scope of PERMISSION_SCOPES) {
    result[scope] = RANK[requested[scope]] <= RANK[caller[scope]] ? requested[scope] : caller[scope];
  }
  return result;
}

/** Whether `permissions` grant at least `level` on `scope`. */
export function allows(
  permissions: GitHubPermissions,
  scope: PermissionScope,
  level: 'read' | 'write',
): boolean {
  return RANK[permissions[scope]] >= RANK[level];
}

/** Scopes above `none`, for logs and the run table: `contents: read, id-token: write`. */
export function describePermissions(permissions: GitHubPermissions): string {
  const granted = PERMISSION_SCOPES.filter((scope) => permissions[scope] !== 'none');
  return granted.length === 0 ? 'none' : granted.map((scope) => `${scope}: ${permissions[scope]}`).join(', ');
}
