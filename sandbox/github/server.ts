/**
 * The GitHub API stand-in: the REST endpoints the paved road calls — deployments and their statuses,
 * repository environments, pull-request (issue) comments and commit statuses — at a base URL that
 * Octokit (`@actions/github`'s `getOctokit(token, { baseUrl })`) and `GITHUB_API_URL` point at.
 *
 * Every request is checked against GitHub's published REST description (sandbox/github/openapi.ts)
 * before it is handled, and every response before it is sent: a response the description would not
 * allow is never sent (the client gets a 500 naming the violation, and `violations()` lists it), so a
 * pipeline cannot pass here by relying on something GitHub would not do.
 *
 * Tokens are minted per repository with the permissions of a job's `permissions:` (GitHub's GITHUB_TOKEN
 * model, shared/github-permissions.ts) through `POST /_paved/tokens` with the admin token. Refusals have
 * GitHub's shapes (https://docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api):
 * 401 `Requires authentication` / `Bad credentials`, 404 `Not Found` for a repository the token cannot
 * see, 403 `Resource not accessible by integration` for a scope the token lacks, 422 `Invalid request.`
 * for a body the description refuses and `Validation Failed` with `errors` for GitHub's own rules.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import {
  allows,
  defaultPermissions,
  resolvePermissions,
  type GitHubPermissions,
  type PermissionScope,
} from '../../shared/github-permissions.js';
import { GitHubRestContract, type ServedOperation } from './openapi.js';
import {
  latestState,
  type CommitStatusRecord,
  type DeploymentRecord,
  type DeploymentStatusRecord,
  type EnvironmentRecord,
  type GitHubRecord,
  type GitHubUser,
  type IssueCommentRecord,
  type RepositoryRecord,
} from './records.js';

type Json = Record<string, unknown>;

export interface GitHubStandInOptions {
  port?: number;
  host?: string;
  /** The token for `/_paved/*` and for reading everything. Default: random. */
  adminToken?: string;
  /** Write the record (JSON) here after every change. */
  recordPath?: string;
  /** Where html_url links point (GitHub's web UI). Default https://github.com, like `github.server_url`. */
  serverUrl?: string;
  /** A loaded description, to share one between stand-ins in a test process. */
  contract?: GitHubRestContract;
}

export interface TokenRequest {
  /** `owner/name`; the repository is created on first use, as installing an app on it would. */
  repository: string;
  /** A job's effective permissions (or a `permissions:` value: `read-all`, a partial map …). */
  permissions: GitHubPermissions | Partial<GitHubPermissions> | 'read-all' | 'write-all';
}

export interface GitHubStandIn {
  /** The API base URL, for GITHUB_API_URL (no trailing slash, like https://api.github.com). */
  url: string;
  adminToken: string;
  mintToken(request: TokenRequest): string;
  revokeToken(token: string): boolean;
  /** Make `number` a pull request of `repository` (comments go only to pull requests that exist). */
  addPullRequest(repository: string, number: number): void;
  record(): GitHubRecord;
  /** Every response the description would not have allowed (each was answered 500 instead). */
  violations(): string[];
  stop(): Promise<void>;
}

/** The GitHub Actions bot, the author of everything a GITHUB_TOKEN does. */
const ACTIONS_BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' as const };
const ADMIN_USER = { login: 'paved-sandbox-admin', id: 1, type: 'User' as const };

/** Which scope and level an operation needs; undefined: anyone who can see the repository. */
const REQUIRED: Record<ServedOperation, { scopes: PermissionScope[]; level: 'read' | 'write' } | undefined> =
  {
    'GET /repos/{owner}/{repo}/deployments': { scopes: ['deployments'], level: 'read' },
    'POST /repos/{owner}/{repo}/deployments': { scopes: ['deployments'], level: 'write' },
    'GET /repos/{owner}/{repo}/deployments/{deployment_id}': { scopes: ['deployments'], level: 'read' },
    'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': {
      scopes: ['deployments'],
      level: 'read',
    },
    'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': {
      scopes: ['deployments'],
      level: 'write',
    },
    'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses/{status_id}': {
      scopes: ['deployments'],
      level: 'read',
    },
    // "Anyone with read access to the repository can use this endpoint."
    'GET /repos/{owner}/{repo}/environments': undefined,
    'GET /repos/{owner}/{repo}/environments/{environment_name}': undefined,
    // A pull request's comments are issue comments: either scope grants them.
    'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': {
      scopes: ['issues', 'pull-requests'],
      level: 'read',
    },
    'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': {
      scopes: ['issues', 'pull-requests'],
      level: 'write',
    },
    'GET /repos/{owner}/{repo}/issues/comments/{comment_id}': {
      scopes: ['issues', 'pull-requests'],
      level: 'read',
    },
    'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': {
      scopes: ['issues', 'pull-requests'],
      level: 'write',
    },
    'POST /repos/{owner}/{repo}/statuses/{sha}': { scopes: ['statuses'], level: 'write' },
    'GET /repos/{owner}/{repo}/commits/{ref}/statuses': { scopes: ['statuses'], level: 'read' },
  };

const SHA = /^[0-9a-f]{40}$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

interface Principal {
  admin: boolean;
  repository?: string;
  permissions?: GitHubPermissions;
  user: GitHubUser;
}

/** A refusal with GitHub's status and body. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(String(body['message']));
  }
}

function nodeId(kind: string, id: number): string {
  return Buffer.from(`0:${kind}${id}`).toString('base64').replace(/=+$/, '');
}

export async function startGitHubStandIn(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
  const contract = options.contract ?? new GitHubRestContract();
  const adminToken = options.adminToken ?? `paved_admin_${randomBytes(16).toString('hex')}`;
  const serverUrl = (options.serverUrl ?? 'https://github.com').replace(/\/$/, '');
  const tokens = new Map<string, { repository: string; permissions: GitHubPermissions }>();
  const record: GitHubRecord = { repositories: [] };
  const violations: string[] = [];
  let nextId = 1000;
  let base = '';

  const persist = (): void => {
    if (!options.recordPath) return;
    mkdirSync(dirname(options.recordPath), { recursive: true, mode: 0o700 });
    const temporary = `${options.recordPath}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(temporary, options.recordPath);
  };

  const repositoryNamed = (fullName: string, create: boolean): RepositoryRecord | undefined => {
    // GitHub matches owner and name case-insensitively.
    let found = record.repositories.find((r) => r.full_name.toLowerCase() === fullName.toLowerCase());
    if (!found && create) {
      found = {
        id: nextId++,
        full_name: fullName,
        pulls: [],
        environments: [],
        deployments: [],
        comments: [],
        statuses: [],
      };
      record.repositories.push(found);
      persist();
    }
    return found;
  };

  const user = (who: { login: string; id: number; type: 'Bot' | 'User' }): GitHubUser => ({
    login: who.login,
    id: who.id,
    node_id: nodeId('User', who.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${who.id}?v=4`,
    gravatar_id: '',
    url: `${base}/users/${encodeURIComponent(who.login)}`,
    html_url: `${serverUrl}/${who.type === 'Bot' ? 'apps/github-actions' : who.login}`,
    followers_url: `${base}/users/${encodeURIComponent(who.login)}/followers`,
    following_url: `${base}/users/${encodeURIComponent(who.login)}/following{/other_user}`,
    gists_url: `${base}/users/${encodeURIComponent(who.login)}/gists{/gist_id}`,
    starred_url: `${base}/users/${encodeURIComponent(who.login)}/starred{/owner}{/repo}`,
    subscriptions_url: `${base}/users/${encodeURIComponent(who.login)}/subscriptions`,
    organizations_url: `${base}/users/${encodeURIComponent(who.login)}/orgs`,
    repos_url: `${base}/users/${encodeURIComponent(who.login)}/repos`,
    events_url: `${base}/users/${encodeURIComponent(who.login)}/events{/privacy}`,
    received_events_url: `${base}/users/${encodeURIComponent(who.login)}/received_events`,
    type: who.type,
    site_admin: false,
  });

  const authenticate = (request: IncomingMessage): Principal => {
    const header = request.headers.authorization ?? '';
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header);
    if (!match)
      throw new Refusal(401, {
        message: 'Requires authentication',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
    const token = match[1] as string;
    if (token === adminToken) return { admin: true, user: user(ADMIN_USER) };
    const grant = tokens.get(token);
    if (!grant)
      throw new Refusal(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
    return { admin: false, ...grant, user: user(ACTIONS_BOT) };
  };

  const notFound = (documentationUrl: string): Refusal =>
    new Refusal(404, { message: 'Not Found', documentation_url: documentationUrl, status: '404' });

  const validationFailed = (
    documentationUrl: string,
    errors: { resource: string; field: string; code: string; message?: string }[],
  ): Refusal =>
    new Refusal(422, {
      message: 'Validation Failed',
      errors,
      documentation_url: documentationUrl,
      status: '422',
    });

  const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

  const repoUrl = (repo: RepositoryRecord): string => `${base}/repos/${repo.full_name}`;

  const environmentNamed = (repo: RepositoryRecord, name: string): EnvironmentRecord => {
    let environment = repo.environments.find((e) => e.name.toLowerCase() === name.toLowerCase());
    if (!environment) {
      // Creating a deployment for an environment that does not exist yet creates it (GitHub does).
      const id = nextId++;
      const at = now();
      environment = {
        id,
        node_id: nodeId('Environment', id),
        name,
        url: `${repoUrl(repo)}/environments/${encodeURIComponent(name)}`,
        html_url: `${serverUrl}/${repo.full_name}/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`,
        created_at: at,
        updated_at: at,
        protection_rules: [],
        deployment_branch_policy: null,
      };
      repo.environments.push(environment);
    }
    return environment;
  };

  /** The page of `items` asked for, with GitHub's Link header (per_page default 30, at most 100). */
  const paginate = <T>(
    items: T[],
    query: URLSearchParams,
    path: string,
  ): { page: T[]; headers: Record<string, string> } => {
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30)));
    const page = Math.max(1, Number(query.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string): string => {
      const q = new URLSearchParams(query);
      q.set('per_page', String(perPage));
      q.set('page', String(n));
      return `<${base}${path}?${q.toString()}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    return {
      page: items.slice((page - 1) * perPage, page * perPage),
      headers: links.length ? { link: links.join(', ') } : {},
    };
  };

  const deploymentView = (d: RepositoryRecord['deployments'][number]): Json => {
    const { statuses: _statuses, ...rest } = d;
    return rest;
  };

  interface Handled {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
  }

  const handlers: Record<
    ServedOperation,
    (c: {
      repo: RepositoryRecord;
      params: Record<string, string>;
      query: URLSearchParams;
      body: Json;
      principal: Principal;
      docs: string;
      path: string;
    }) => Handled
  > = {
    'GET /repos/{owner}/{repo}/deployments': ({ repo, query, path }) => {
      const filters = ['sha', 'ref', 'task', 'environment'] as const;
      const matching = [...repo.deployments].reverse().filter((d) =>
        filters.every((f) => {
          const want = query.get(f);
          return want === null || want === 'none' || String(d[f]) === want;
        }),
      );
      const { page, headers } = paginate(matching, query, path);
      return { status: 200, body: page.map((d) => deploymentView(d)), headers };
    },

    'POST /repos/{owner}/{repo}/deployments': ({ repo, body, principal, docs }) => {
      const ref = String(body['ref']);
      // The stand-in holds no branches or tags: only a commit SHA names a commit it can deploy.
      if (!SHA.test(ref))
        throw new Refusal(422, {
          message: `No ref found for: ${ref}`,
          documentation_url: docs,
          status: '422',
        });
      const requiredContexts = body['required_contexts'] as string[] | undefined;
      const latestByContext = new Map<string, string>();
      for (const s of repo.statuses.filter((s) => s.sha === ref)) latestByContext.set(s.context, s.state);
      const contexts = requiredContexts ?? [...latestByContext.keys()];
      const failing = contexts
        .map((context) => ({ context, state: latestByContext.get(context) ?? 'missing' }))
        .filter((c) => c.state !== 'success');
      if (failing.length)
        throw new Refusal(409, {
          message: `Conflict: Commit status checks failed for ${ref}.`,
          errors: [
            { contexts: failing, resource: 'Deployment', field: 'required_contexts', code: 'invalid' },
          ],
          documentation_url: docs,
          status: '409',
        });
      const environmentName = typeof body['environment'] === 'string' ? body['environment'] : 'production';
      const environment = environmentNamed(repo, environmentName);
      let payload = body['payload'] ?? {};
      if (typeof payload === 'string' && payload.trim().startsWith('{')) {
        try {
          payload = JSON.parse(payload) as Json;
        } catch {
          // kept as the string it was
        }
      }
      const id = nextId++;
      const at = now();
      const deployment: DeploymentRecord & { statuses: DeploymentStatusRecord[] } = {
        url: `${repoUrl(repo)}/deployments/${id}`,
        id,
        node_id: nodeId('Deployment', id),
        sha: ref,
        ref,
        task: typeof body['task'] === 'string' ? body['task'] : 'deploy',
        payload: payload as Json | string,
        original_environment: environment.name,
        environment: environment.name,
        description: (body['description'] as string | null | undefined) ?? '',
        creator: principal.user,
        created_at: at,
        updated_at: at,
        statuses_url: `${repoUrl(repo)}/deployments/${id}/statuses`,
        repository_url: repoUrl(repo),
        transient_environment: body['transient_environment'] === true,
        production_environment:
          typeof body['production_environment'] === 'boolean'
            ? body['production_environment']
            : environment.name === 'production',
        performed_via_github_app: null,
        statuses: [],
      };
      repo.deployments.push(deployment);
      return { status: 201, body: deploymentView(deployment) };
    },

    'GET /repos/{owner}/{repo}/deployments/{deployment_id}': ({ repo, params, docs }) => {
      const deployment = repo.deployments.find((d) => d.id === Number(params['deployment_id']));
      if (!deployment) throw notFound(docs);
      return { status: 200, body: deploymentView(deployment) };
    },

    'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': ({
      repo,
      params,
      query,
      docs,
      path,
    }) => {
      const deployment = repo.deployments.find((d) => d.id === Number(params['deployment_id']));
      if (!deployment) throw notFound(docs);
      const { page, headers } = paginate([...deployment.statuses].reverse(), query, path);
      return { status: 200, body: page, headers };
    },

    'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses': ({
      repo,
      params,
      body,
      principal,
      docs,
    }) => {
      const deployment = repo.deployments.find((d) => d.id === Number(params['deployment_id']));
      if (!deployment) throw notFound(docs);
      const description = typeof body['description'] === 'string' ? body['description'] : '';
      if (description.length > 140)
        throw validationFailed(docs, [
          {
            resource: 'DeploymentStatus',
            field: 'description',
            code: 'custom',
            message: 'description is too long (maximum is 140 characters)',
          },
        ]);
      const state = String(body['state']);
      const environmentName =
        typeof body['environment'] === 'string'
          ? body['environment']
          : (deployment.statuses.at(-1)?.environment ?? deployment.environment);
      const environment = environmentNamed(repo, environmentName);
      deployment.environment = environment.name;
      const logUrl = String(body['log_url'] ?? body['target_url'] ?? '');
      const id = nextId++;
      const at = now();
      const addStatus = (target: typeof deployment, statusState: string, fields: Json): void => {
        const statusId = target === deployment && statusState === state ? id : nextId++;
        const status: DeploymentStatusRecord = {
          url: `${repoUrl(repo)}/deployments/${target.id}/statuses/${statusId}`,
          id: statusId,
          node_id: nodeId('DeploymentStatus', statusId),
          state: statusState,
          creator: principal.user,
          description: '',
          environment: target.environment,
          target_url: '',
          log_url: '',
          environment_url: '',
          created_at: at,
          updated_at: at,
          deployment_url: target.url as string,
          repository_url: repoUrl(repo),
          performed_via_github_app: null,
          ...fields,
        };
        target.statuses.push(status);
        target.updated_at = at;
      };
      addStatus(deployment, state, {
        description,
        environment: environment.name,
        target_url: logUrl,
        log_url: logUrl,
        environment_url: String(body['environment_url'] ?? ''),
      });
      // auto_inactive (default true): earlier successful deployments to the same non-production,
      // non-transient environment become inactive. Production ones keep their state (GitHub's rule).
      if (state === 'success' && body['auto_inactive'] !== false)
        for (const other of repo.deployments)
          if (
            other !== deployment &&
            other.environment === deployment.environment &&
            !other.production_environment &&
            !other.transient_environment &&
            latestState(other) === 'success'
          )
            addStatus(other, 'inactive', {});
      environment.updated_at = at;
      return { status: 201, body: deployment.statuses.find((s) => s.id === id) };
    },

    'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses/{status_id}': ({
      repo,
      params,
      docs,
    }) => {
      const deployment = repo.deployments.find((d) => d.id === Number(params['deployment_id']));
      const status = deployment?.statuses.find((s) => s.id === Number(params['status_id']));
      if (!status) throw notFound(docs);
      return { status: 200, body: status };
    },

    'GET /repos/{owner}/{repo}/environments': ({ repo, query, path }) => {
      const { page, headers } = paginate(repo.environments, query, path);
      return { status: 200, body: { total_count: repo.environments.length, environments: page }, headers };
    },

    'GET /repos/{owner}/{repo}/environments/{environment_name}': ({ repo, params, docs }) => {
      const name = params['environment_name'] ?? '';
      const environment = repo.environments.find((e) => e.name.toLowerCase() === name.toLowerCase());
      if (!environment) throw notFound(docs);
      return { status: 200, body: environment };
    },

    'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': ({ repo, params, query, docs, path }) => {
      const number = Number(params['issue_number']);
      if (!repo.pulls.includes(number)) throw notFound(docs);
      const since = query.get('since');
      const comments = repo.comments
        .filter((c) => c.issue_number === number)
        .filter((c) => since === null || c.updated_at >= since);
      const { page, headers } = paginate(comments, query, path);
      return { status: 200, body: page.map(commentView), headers };
    },

    'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': ({
      repo,
      params,
      body,
      principal,
      docs,
    }) => {
      const number = Number(params['issue_number']);
      if (!repo.pulls.includes(number)) throw notFound(docs);
      const text = String(body['body']);
      checkCommentLength(text, docs);
      const id = nextId++;
      const at = now();
      const comment: IssueCommentRecord = {
        id,
        node_id: nodeId('IssueComment', id),
        url: `${repoUrl(repo)}/issues/comments/${id}`,
        html_url: `${serverUrl}/${repo.full_name}/pull/${number}#issuecomment-${id}`,
        issue_url: `${repoUrl(repo)}/issues/${number}`,
        body: text,
        user: principal.user,
        created_at: at,
        updated_at: at,
        author_association: principal.admin ? 'OWNER' : 'NONE',
        performed_via_github_app: null,
        issue_number: number,
      };
      repo.comments.push(comment);
      return { status: 201, body: commentView(comment) };
    },

    'GET /repos/{owner}/{repo}/issues/comments/{comment_id}': ({ repo, params, docs }) => {
      const comment = repo.comments.find((c) => c.id === Number(params['comment_id']));
      if (!comment) throw notFound(docs);
      return { status: 200, body: commentView(comment) };
    },

    'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': ({ repo, params, body, docs }) => {
      const comment = repo.comments.find((c) => c.id === Number(params['comment_id']));
      if (!comment) throw notFound(docs);
      const text = String(body['body']);
      checkCommentLength(text, docs);
      comment.body = text;
      comment.updated_at = now();
      return { status: 200, body: commentView(comment) };
    },

    'POST /repos/{owner}/{repo}/statuses/{sha}': ({ repo, params, body, principal, docs }) => {
      const sha = params['sha'] ?? '';
      if (!SHA.test(sha))
        throw new Refusal(422, {
          message: `No commit found for SHA: ${sha}`,
          documentation_url: docs,
          status: '422',
        });
      const context = typeof body['context'] === 'string' ? body['context'] : 'default';
      // GitHub keeps at most 1000 statuses per SHA and context.
      if (repo.statuses.filter((s) => s.sha === sha && s.context === context).length >= 1000)
        throw validationFailed(docs, [
          {
            resource: 'Status',
            field: 'context',
            code: 'custom',
            message: `This SHA and context has reached the maximum number of statuses.`,
          },
        ]);
      const id = nextId++;
      const at = now();
      const status: CommitStatusRecord = {
        url: `${repoUrl(repo)}/statuses/${sha}`,
        avatar_url: principal.user['avatar_url'] as string,
        id,
        node_id: nodeId('StatusContext', id),
        state: String(body['state']),
        description: (body['description'] as string | null | undefined) ?? null,
        target_url: (body['target_url'] as string | null | undefined) ?? null,
        context,
        created_at: at,
        updated_at: at,
        creator: principal.user,
        sha,
      };
      repo.statuses.push(status);
      const { sha: _sha, ...view } = status;
      return { status: 201, body: view };
    },

    'GET /repos/{owner}/{repo}/commits/{ref}/statuses': ({ repo, params, query, path }) => {
      const statuses = repo.statuses.filter((s) => s.sha === params['ref']).reverse();
      const { page, headers } = paginate(statuses, query, path);
      return { status: 200, body: page.map(({ sha: _sha, ...view }) => view), headers };
    },
  };

  const checkCommentLength = (text: string, docs: string): void => {
    if (text.length > 65536)
      throw validationFailed(docs, [
        {
          resource: 'IssueComment',
          field: 'data',
          code: 'unprocessable',
          message: 'Body is too long (maximum is 65536 characters)',
        },
      ]);
  };

  const send = (response: ServerResponse, status: number, body: unknown, headers: Json = {}): void => {
    const text = body === undefined ? '' : JSON.stringify(body);
    response.writeHead(status, {
      ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      ...headers,
    });
    response.end(text);
  };

  const readBody = async (request: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  const parseJson = (text: string): unknown => {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new Refusal(400, {
        message: 'Problems parsing JSON',
        documentation_url: 'https://docs.github.com/rest',
        status: '400',
      });
    }
  };

  const handleApi = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const method = request.method ?? 'GET';
    const matched = contract.match(method, url.pathname);
    const text = await readBody(request);
    if (!matched)
      return send(response, 404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest',
        status: '404',
      });
    const answer = (status: number, body: unknown, headers: Json = {}): void => {
      const problems = contract.checkResponse(matched.key, status, body);
      if (problems.length) {
        violations.push(...problems);
        return send(response, 500, {
          message: `the GitHub stand-in refused to send a response its REST description does not allow: ${problems.join('; ')}`,
          documentation_url: 'https://docs.github.com/rest',
          status: '500',
        });
      }
      send(response, status, body, headers);
    };
    try {
      const principal = authenticate(request);
      const fullName = `${matched.params['owner']}/${matched.params['repo']}`;
      const repo = repositoryNamed(fullName, false);
      // A token for another repository cannot see this one: GitHub answers 404, never 403.
      if (!repo || (!principal.admin && principal.repository?.toLowerCase() !== fullName.toLowerCase()))
        throw notFound(matched.documentationUrl);
      const required = REQUIRED[matched.key];
      if (
        required &&
        !principal.admin &&
        !required.scopes.some((scope) =>
          allows(principal.permissions as GitHubPermissions, scope, required.level),
        )
      )
        throw new Refusal(403, {
          message: 'Resource not accessible by integration',
          documentation_url: matched.documentationUrl,
          status: '403',
        });
      const body = parseJson(text);
      const problems = contract.checkRequest(matched.key, {
        params: matched.params,
        query: url.searchParams,
        body,
      });
      if (problems.length)
        throw new Refusal(422, {
          message: `Invalid request.\n\n${problems.map((p) => p.message).join('\n')}`,
          documentation_url: matched.documentationUrl,
          status: '422',
        });
      const handled = handlers[matched.key]({
        repo,
        params: matched.params,
        query: url.searchParams,
        body: (body ?? {}) as Json,
        principal,
        docs: matched.documentationUrl,
        path: url.pathname,
      });
      if (method !== 'GET') persist();
      answer(handled.status, handled.body, handled.headers);
    } catch (error) {
      if (error instanceof Refusal) return answer(error.status, error.body);
      throw error;
    }
  };

  const mintToken = (request: TokenRequest): string => {
    if (typeof request.repository !== 'string' || !REPOSITORY.test(request.repository))
      throw new Error(`repository must be owner/name; got ${JSON.stringify(request.repository)}`);
    // No permissions named: GitHub's restricted default (contents and packages read).
    const permissions = resolvePermissions(request.permissions, defaultPermissions('restricted'));
    repositoryNamed(request.repository, true);
    // ghs_ is GitHub's prefix for installation tokens, which GITHUB_TOKEN is.
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    tokens.set(token, { repository: request.repository, permissions });
    return token;
  };

  const addPullRequest = (repository: string, number: number): void => {
    if (!REPOSITORY.test(repository))
      throw new Error(`repository must be owner/name; got ${JSON.stringify(repository)}`);
    if (!Number.isSafeInteger(number) || number < 1)
      throw new Error(`a pull request number is a positive integer; got ${JSON.stringify(number)}`);
    const repo = repositoryNamed(repository, true) as RepositoryRecord;
    if (!repo.pulls.includes(number)) repo.pulls.push(number);
    persist();
  };

  const handleControl = async (
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
  ): Promise<void> => {
    const plain = (status: number, body: unknown): void => send(response, status, body);
    const text = await readBody(request);
    if ((request.headers.authorization ?? '') !== `Bearer ${adminToken}`)
      return plain(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    let body: Json;
    try {
      body = (text.trim() ? JSON.parse(text) : {}) as Json;
    } catch {
      return plain(400, { message: 'Problems parsing JSON' });
    }
    try {
      const method = request.method ?? 'GET';
      if (url.pathname === '/_paved/tokens' && method === 'POST')
        return plain(201, { token: mintToken(body as unknown as TokenRequest) });
      if (url.pathname === '/_paved/tokens' && method === 'DELETE') {
        const revoked = tokens.delete(String(body['token']));
        return revoked ? send(response, 204, undefined) : plain(404, { message: 'Not Found' });
      }
      const pull = /^\/_paved\/repos\/([^/]+\/[^/]+)\/pulls$/.exec(url.pathname);
      if (pull && method === 'POST') {
        addPullRequest(decodeURIComponent(pull[1] as string), Number(body['number']));
        return plain(201, { repository: pull[1], number: Number(body['number']) });
      }
      if (url.pathname === '/_paved/record' && method === 'GET') return plain(200, record);
      return plain(404, { message: 'Not Found' });
    } catch (error) {
      return plain(422, { message: (error as Error).message });
    }
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const work = url.pathname.startsWith('/_paved/')
      ? handleControl(request, response, url)
      : handleApi(request, response, url);
    work.catch((error: unknown) => {
      if (!response.headersSent)
        send(response, 500, { message: `the GitHub stand-in failed: ${(error as Error).message}` });
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  base = `http://${host}:${(server.address() as AddressInfo).port}`;
  persist();

  return {
    url: base,
    adminToken,
    mintToken,
    revokeToken: (token) => tokens.delete(token),
    addPullRequest,
    record: () => structuredClone(record),
    violations: () => [...violations],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A comment as the API shows it (the record also keeps which issue it belongs to). */
function commentView(comment: IssueCommentRecord): Json {
  const { issue_number: _issue, ...view } = comment;
  return view;
}
