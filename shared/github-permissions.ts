/**
 * The GITHUB_TOKEN's permission model, as GitHub documents it ("Assigning permissions to jobs",
 * "Controlling permissions for GITHUB_TOKEN"): each scope is `read`, `write` or `none`; `read-all` /
 * `write-all` / `{}` are shorthands; once a workflow or job names any scope, every scope it does not name
 * is `none` (metadata stays readable); a called workflow can only keep or lower what its caller granted.
 *
 * Used by the engine (what a job's token may do) and by the GitHub API stand-in (what it refuses).
 */

export const PERMISSION_SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
] as const;

export type PermissionScope = (typeof PERMISSION_SCOPES)[number];
export type PermissionLevel = 'none' | 'read' | 'write';
/** Every scope with its level: the token's effective permissions. */
export type GitHubPermissions = Record<PermissionScope, PermissionLevel>;

const RANK: Record<PermissionLevel, number> = { none: 0, read: 1, write: 2 };

function all(level: PermissionLevel): GitHubPermissions {
  return Object.fromEntries(PERMISSION_SCOPES.map((scope) => [scope, level])) as GitHubPermissions;
}

/**
 * GitHub's two default token settings for a workflow that declares no `permissions`: "permissive"
 * (read and write for every scope but id-token) and "restricted" (contents and packages read).
 */
export function defaultPermissions(mode: 'permissive' | 'restricted'): GitHubPermissions {
  if (mode === 'restricted') return { ...all('none'), contents: 'read', packages: 'read' };
  return { ...all('write'), 'id-token': 'none', models: 'read' };
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
  if (declared === 'read-all') return { ...all('read'), 'id-token': 'none' };
  if (declared === 'write-all') return all('write');
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
    if (level !== 'read' && level !== 'write' && level !== 'none') {
      throw new Error(`permission "${scope}" must be read, write or none; got ${JSON.stringify(level)}`);
    }
    resolved[scope] = level;
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
